// Back office: every /api/appointments route (the front desk's list, one appointment with its
// history, notes and actions), the calendar's events and the saved list filters.
import type { FastifyRequest } from 'fastify';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { Type } from 'typebox';
import {
  Detail,
  HandleBody,
  Handled,
  IdParams,
  ListQuery,
  ListResponse,
  MessageBody,
  Note,
  NoteBody,
  SavedFilter,
  SavedFilterBody,
  SavedFilterList,
  Schedule,
  ScheduleQuery,
  Sent,
  Thread,
  VisitTypes,
} from './schemas.ts';
import { appointmentService, type StaffRef } from './service.ts';

const TAG = '後台：預約';

export function appointmentRoutes(app: App, deps: Deps): void {
  const anyStaff = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const desk = requireStaff(deps, ['admin', 'front_desk']);
  const svc = appointmentService(deps);
  const staffOf = (req: FastifyRequest): StaffRef => {
    const s = req.staff!;
    return { userId: s.userId, name: s.name, email: s.email, role: s.role };
  };

  app.get(
    '/api/appointments',
    {
      schema: {
        tags: [TAG],
        operationId: 'listAppointments',
        summary: '預約列表（櫃台）',
        description:
          '任意日期區間、醫師、門診類別、預約狀態、回覆燈號、LINE 燈號篩選；以病患姓名、電話（任何格式或末幾碼）、病歷號搜尋；' +
          '可排序、伺服器端分頁（附總筆數）。日期可用 fromDate/toDate（診所當地日期，含頭含尾）或 from/to（RFC 3339，from 含、to 不含）。',
        querystring: ListQuery,
        response: { 200: ListResponse, ...errorResponses(400, 401, 403) },
      },
      preHandler: anyStaff,
    },
    async (req) => {
      const clinicId = clinicOf(req);
      const out = await svc.list(clinicId, req.query);
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor: actorOf(req),
        action: 'appointment.listed',
        entityType: 'appointment',
        detail: { ...req.query, results: out.items.length },
        ip: req.ip,
      });
      return out;
    },
  );

  app.get(
    '/api/appointments/visit-types',
    {
      schema: {
        tags: [TAG],
        operationId: 'listAppointmentVisitTypes',
        summary: '門診類別（本診所使用過的）',
        description: '近兩年預約中出現過的門診類別（HIS 的名稱），依使用次數由多到少；供篩選與分眾條件選擇。',
        response: { 200: VisitTypes, ...errorResponses(401, 403) },
      },
      preHandler: anyStaff,
    },
    async (req) => svc.visitTypes(clinicOf(req)),
  );

  app.get(
    '/api/appointments/:id',
    {
      schema: {
        tags: [TAG],
        operationId: 'getAppointmentDetail',
        summary: '預約明細',
        description:
          '預約、病患（身分證遮罩、電話遮罩）、醫師、歷程（每次變更的內容，以文字說明）、每一則排定與已發送的提醒及其發送時間的原因、' +
          '櫃台備註、病患申請。',
        params: IdParams,
        response: { 200: Detail, ...errorResponses(401, 403, 404) },
      },
      preHandler: anyStaff,
    },
    async (req) => svc.detail(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );

  app.get(
    '/api/appointments/:id/messages',
    {
      schema: {
        tags: [TAG],
        operationId: 'listAppointmentMessages',
        summary: '與病患的 LINE 對話',
        description: '病患已綁定的 LINE 帳號最近 100 則訊息（舊到新）。',
        params: IdParams,
        response: { 200: Thread, ...errorResponses(401, 403, 404) },
      },
      preHandler: anyStaff,
    },
    async (req) => svc.thread(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );

  app.post(
    '/api/appointments/:id/notes',
    {
      schema: {
        tags: [TAG],
        operationId: 'addAppointmentNote',
        summary: '新增櫃台備註',
        params: IdParams,
        body: NoteBody,
        response: { 201: Note, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: desk,
    },
    async (req, reply) =>
      reply.status(201).send(await svc.addNote(clinicOf(req), req.params.id, staffOf(req), req.body.body, req.ip)),
  );

  app.post(
    '/api/appointments/:id/handle',
    {
      schema: {
        tags: [TAG],
        operationId: 'handleAppointmentRequests',
        summary: '標記已處理',
        description: '將這筆預約未處理的取消／改期申請標為已處理，並留下處理紀錄。',
        params: IdParams,
        body: HandleBody,
        response: { 200: Handled, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: desk,
    },
    async (req) => svc.markHandled(clinicOf(req), req.params.id, staffOf(req), req.body.comment, req.ip),
  );

  app.post(
    '/api/appointments/:id/send-message',
    {
      schema: {
        tags: [TAG],
        operationId: 'sendAppointmentMessage',
        summary: '傳送 LINE 訊息給病患',
        description:
          '推播給病患所有已綁定的 LINE 帳號（先寫入含 X-Line-Retry-Key 的工作，再由背景送出）；未綁定回 409 PATIENT_NOT_BOUND。',
        params: IdParams,
        body: MessageBody,
        response: { 202: Sent, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: desk,
    },
    async (req, reply) =>
      reply.status(202).send(await svc.sendMessage(clinicOf(req), req.params.id, staffOf(req), req.body.text, req.ip)),
  );

  app.post(
    '/api/appointments/:id/resend-reminder',
    {
      schema: {
        tags: [TAG],
        operationId: 'resendAppointmentReminder',
        summary: '重送看診提醒',
        description:
          '立即再送一次看診提醒：與排程提醒相同的訊息（含確認赴約、取消、改期按鈕），有綁定 LINE 的以 LINE 推播，' +
          '否則依簡訊備援設定改發簡訊。送出的是最近一則已到期的提醒，沒有時送下一則排程中的提醒。' +
          '已取消或已過看診時間、或上一次重送還在排程中回 409。',
        params: IdParams,
        response: { 202: Sent, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: desk,
    },
    async (req, reply) =>
      reply.status(202).send(await svc.resendReminder(clinicOf(req), req.params.id, staffOf(req), req.ip)),
  );

  app.get(
    '/api/schedule',
    {
      schema: {
        tags: [TAG],
        operationId: 'getSchedule',
        summary: '行事曆資料',
        description: '日、週、月檢視用的精簡預約清單（最多 5,000 筆），依看診時間排序。',
        querystring: ScheduleQuery,
        response: { 200: Schedule, ...errorResponses(400, 401, 403) },
      },
      preHandler: anyStaff,
    },
    async (req) => {
      const clinicId = clinicOf(req);
      const out = await svc.schedule(clinicId, req.query);
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor: actorOf(req),
        action: 'appointment.schedule_viewed',
        entityType: 'appointment',
        detail: req.query,
        ip: req.ip,
      });
      return out;
    },
  );

  app.get(
    '/api/saved-filters',
    {
      schema: {
        tags: [TAG],
        operationId: 'listSavedFilters',
        summary: '我的常用篩選',
        response: { 200: SavedFilterList, ...errorResponses(401, 403) },
      },
      preHandler: anyStaff,
    },
    async (req) => ({ items: await svc.savedFilters(clinicOf(req), req.staff!.userId) }),
  );

  app.post(
    '/api/saved-filters',
    {
      schema: {
        tags: [TAG],
        operationId: 'createSavedFilter',
        summary: '儲存常用篩選',
        body: SavedFilterBody,
        response: { 201: SavedFilter, ...errorResponses(401, 403, 409, 422) },
      },
      preHandler: anyStaff,
    },
    async (req, reply) =>
      reply.status(201).send(await svc.saveFilter(clinicOf(req), req.staff!.userId, req.body.name, req.body.filters)),
  );

  app.delete(
    '/api/saved-filters/:id',
    {
      schema: {
        tags: [TAG],
        operationId: 'deleteSavedFilter',
        summary: '刪除常用篩選',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: anyStaff,
    },
    async (req, reply) => {
      await svc.deleteFilter(clinicOf(req), req.staff!.userId, req.params.id);
      return reply.status(204).send(null);
    },
  );
}
