// Routes of online booking: the back office (/api/booking/…: settings, per-doctor rules,
// requests to accept or decline, the no-show policy), the HIS's availability write
// (PUT /his/v1/availability/{doctorId}), and the patient's LIFF booking page
// (/liff/api/<channelId>/booking/…, identified by the LIFF ID token).
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf, clinicOf, requireApiKey, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { liffAuthHook } from '../binding/liff-auth.ts';
import { noteHisCall } from '../his/sync.ts';
import {
  AvailabilityBody,
  AvailabilityResult,
  BookingRequest,
  BookingRequests,
  BookingRule,
  BookingRuleBody,
  BookingRules,
  BookingSettings,
  BookingSettingsBody,
  DeclineBody,
  DoctorParams,
  LiffBookBody,
  LiffBookingOptions,
  LiffBookResult,
  LiffChannelParams,
  LiffRequestParams,
  LiffRequests,
  LiffSlots,
  LiffSlotsQuery,
  NoShowOverrides,
  NoShowPolicy,
  NoShowPolicyBody,
  OverrideBody,
  PatientNoShows,
  PatientParams,
  RequestParams,
  RequestsQuery,
} from './schemas.ts';
import { bookingService } from './service.ts';

export function bookingRoutes(app: App, deps: Deps): void {
  const svc = bookingService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const desk = requireStaff(deps, ['admin', 'front_desk']);
  const admin = requireStaff(deps, ['admin']);
  const tags = ['後台：線上預約'];

  app.get(
    '/api/booking/settings',
    {
      schema: { tags, summary: '線上預約設定', response: { 200: BookingSettings, ...errorResponses(401, 403) } },
      preHandler: read,
    },
    async (req) => svc.settings(clinicOf(req)),
  );
  app.put(
    '/api/booking/settings',
    {
      schema: {
        tags,
        summary: '修改線上預約設定（管理者）',
        description: '時段來源（預約規則或 HIS 提供）與申請成立的方式（HIS 回寫或櫃台接受）擇一。',
        body: BookingSettingsBody,
        response: { 200: BookingSettings, ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.saveSettings(clinicOf(req), req.body, actorOf(req), req.ip),
  );

  app.get(
    '/api/booking/rules',
    {
      schema: {
        tags,
        summary: '各醫師的預約規則',
        description: '每位醫師與其預約規則（null 表示不開放線上預約），以及產生時段所依據的門診時間。',
        response: { 200: BookingRules, ...errorResponses(401, 403) },
      },
      preHandler: read,
    },
    async (req) => svc.rules(clinicOf(req)),
  );
  app.put(
    '/api/booking/rules/:doctorId',
    {
      schema: {
        tags,
        summary: '設定醫師的預約規則（管理者）',
        description:
          '時段依診所的門診時間每 slotMinutes 分鐘產生，休診日依工作日曆；看診前 cutoffMinutes 分鐘停止預約，' +
          '最多預約 daysAhead 天後，每個時段 perSlot 人。截止時間長於可預約天數時回 422。',
        params: DoctorParams,
        body: BookingRuleBody,
        response: { 200: BookingRule, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.saveRule(clinicOf(req), req.params.doctorId, req.body, actorOf(req), req.ip),
  );
  app.delete(
    '/api/booking/rules/:doctorId',
    {
      schema: {
        tags,
        summary: '移除醫師的預約規則（管理者）',
        params: DoctorParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403) },
      },
      preHandler: admin,
    },
    async (req, reply) => {
      await svc.deleteRule(clinicOf(req), req.params.doctorId, actorOf(req), req.ip);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/booking/requests',
    {
      schema: {
        tags,
        summary: '預約申請',
        description: '預設列出申請中的（依看診時間）；status=all 列出全部（最新的在前）。',
        querystring: RequestsQuery,
        response: { 200: BookingRequests, ...errorResponses(401, 403) },
      },
      preHandler: read,
    },
    async (req) => svc.list(clinicOf(req), req.query),
  );
  app.post(
    '/api/booking/requests/:id/accept',
    {
      schema: {
        tags,
        summary: '接受預約申請',
        description:
          '由櫃台接受（acceptBy=staff）：建立預約（HIS 預約代碼 CL-<申請代碼>），病患在 LINE 收到預約成功通知。' +
          'acceptBy=his 時只能核准因未到診規則而待核准的申請（送到 HIS），其他申請由 HIS 回寫成立。' +
          '申請已被處理回 409 BOOKING_REQUEST_CLOSED。',
        params: RequestParams,
        response: { 200: BookingRequest, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: desk,
    },
    async (req) => svc.accept(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );
  app.post(
    '/api/booking/requests/:id/decline',
    {
      schema: {
        tags,
        summary: '婉拒預約申請',
        description: '病患在 LINE 收到婉拒通知與原因；已送到 HIS 的申請，HIS 收到 appointment.request_closed 事件。',
        params: RequestParams,
        body: DeclineBody,
        response: { 200: BookingRequest, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: desk,
    },
    async (req) => svc.decline(clinicOf(req), req.params.id, req.body.reason, actorOf(req), req.ip),
  );

  app.get(
    '/api/booking/no-show-policy',
    {
      schema: { tags, summary: '未到診規則', response: { 200: NoShowPolicy, ...errorResponses(401, 403) } },
      preHandler: read,
    },
    async (req) => svc.policy(clinicOf(req)),
  );
  app.put(
    '/api/booking/no-show-policy',
    {
      schema: {
        tags,
        summary: '修改未到診規則（管理者）',
        description:
          '啟用後，近 12 個月未到診達 threshold 次的病患，線上預約需由櫃台核准才送出；病患看到 message。預設不啟用。',
        body: NoShowPolicyBody,
        response: { 200: NoShowPolicy, ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.savePolicy(clinicOf(req), req.body, actorOf(req), req.ip),
  );
  app.get(
    '/api/booking/no-show-overrides',
    {
      schema: {
        tags,
        summary: '個別病患的例外',
        response: { 200: NoShowOverrides, ...errorResponses(401, 403) },
      },
      preHandler: read,
    },
    async (req) => svc.overrides(clinicOf(req)),
  );
  app.get(
    '/api/booking/patients/:patientId/no-shows',
    {
      schema: {
        tags,
        summary: '病患近 12 個月的未到診次數與線上預約是否需核准',
        params: PatientParams,
        response: { 200: PatientNoShows, ...errorResponses(401, 403, 404) },
      },
      preHandler: read,
    },
    async (req) => svc.patientNoShows(clinicOf(req), req.params.patientId),
  );
  app.put(
    '/api/booking/patients/:patientId/no-show-override',
    {
      schema: {
        tags,
        summary: '設定病患的例外',
        description: 'exempt：這位病患線上預約一律不需核准；require：一律需核准。',
        params: PatientParams,
        body: OverrideBody,
        response: { 200: PatientNoShows, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: desk,
    },
    async (req) => svc.setOverride(clinicOf(req), req.params.patientId, req.body, actorOf(req), req.ip),
  );
  app.delete(
    '/api/booking/patients/:patientId/no-show-override',
    {
      schema: {
        tags,
        summary: '移除病患的例外（回到診所規則）',
        params: PatientParams,
        response: { 200: PatientNoShows, ...errorResponses(401, 403, 404) },
      },
      preHandler: desk,
    },
    async (req) => svc.clearOverride(clinicOf(req), req.params.patientId, actorOf(req), req.ip),
  );

  // ---- HIS Open API ----
  const apiKey = requireApiKey(deps);
  const hisAuth = async (req: FastifyRequest) => {
    await apiKey(req);
    if (req.apiClient) await noteHisCall(deps, req.apiClient.clinicId);
  };
  app.put(
    '/his/v1/availability/:doctorId',
    {
      schema: {
        tags: ['HIS Open API v1'],
        operationId: 'putDoctorAvailability',
        security: [{ hisApiKey: [] }],
        summary: '提供醫師的可預約時段',
        description:
          '診所的線上預約設定為「HIS 提供時段」時，病患只能預約這裡提供的時段。每次呼叫以 slots 取代這位醫師從現在起的' +
          '全部時段（已過的時段略過；空陣列表示不開放）。時段重疊或結束不晚於開始時回 422 VALIDATION_FAILED，' +
          'details 逐筆說明（code overlap / range），此次全部不儲存。醫師須先以 PUT /his/v1/doctors 建立（否則 422 ' +
          'UNKNOWN_REFERENCE）。已申請或已預約的人數由 Careline 扣除，不需由 HIS 計算。',
        params: DoctorParams,
        body: AvailabilityBody,
        response: { 200: AvailabilityResult, ...errorResponses(401, 422) },
      },
      onRequest: hisAuth,
    },
    async (req) => svc.putAvailability(clinicOf(req), req.params.doctorId, req.body.slots, actorOf(req), req.ip),
  );

  // ---- LIFF ----
  const liffAuth = liffAuthHook(deps);
  const liffTags = ['LIFF：病患頁面 API（Authorization: Bearer <LIFF ID token>）'];
  const user = (req: FastifyRequest) => req.liffUser!;
  app.get(
    '/liff/api/:channelId/booking/options',
    {
      schema: {
        tags: liffTags,
        summary: '線上預約的選項',
        description: '可預約的對象（本人與家人）、醫師與其看診類別、未來有空位的日期。',
        params: LiffChannelParams,
        response: { 200: LiffBookingOptions, ...errorResponses(401, 404) },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.liffOptions(user(req).clinicId, user(req).lineUserId),
  );
  app.get(
    '/liff/api/:channelId/booking/slots',
    {
      schema: {
        tags: liffTags,
        summary: '某天的空位',
        params: LiffChannelParams,
        querystring: LiffSlotsQuery,
        response: { 200: LiffSlots, ...errorResponses(401, 404) },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.liffSlots(user(req).clinicId, req.query),
  );
  app.get(
    '/liff/api/:channelId/booking/requests',
    {
      schema: {
        tags: liffTags,
        summary: '我的預約申請',
        description: '申請中的，以及近 14 天被婉拒、逾時或取消的（成立的申請會出現在預約清單）。',
        params: LiffChannelParams,
        response: { 200: LiffRequests, ...errorResponses(401, 404) },
      },
      preHandler: liffAuth,
    },
    async (req) => ({ items: await svc.liffRequests(user(req).clinicId, user(req).lineUserId) }),
  );
  app.post(
    '/liff/api/:channelId/booking/requests',
    {
      schema: {
        tags: liffTags,
        summary: '送出預約申請',
        description:
          '為本人或已綁定的家人申請一個時段。時段已被預約走回 409 SLOT_TAKEN；同一時段重複申請回 409 DUPLICATE_REQUEST；' +
          '時段已過 SLOT_IN_PAST、超過截止時間 TOO_LATE、醫師不開放 NO_RULES 等回 422，message 為給病患的說明。' +
          '同一 submissionId 重送回同一筆申請。',
        params: LiffChannelParams,
        body: LiffBookBody,
        response: { 200: LiffBookResult, ...errorResponses(401, 404, 409, 422) },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.liffBook(user(req).clinicId, user(req).lineUserId, req.body),
  );
  app.post(
    '/liff/api/:channelId/booking/requests/:id/cancel',
    {
      schema: {
        tags: liffTags,
        summary: '取消預約申請',
        params: LiffRequestParams,
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...errorResponses(401, 404, 409) },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.liffCancel(user(req).clinicId, user(req).lineUserId, req.params.id),
  );
}
