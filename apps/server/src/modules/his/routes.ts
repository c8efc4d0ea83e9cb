// HIS Open API v1 (docs/contracts.md): called by the clinic's HIS (or the bridge) with the
// clinic's API key. Every route is scoped to the key's clinic; a sandbox key's clinic is the
// clinic's sandbox, so integrator writes never touch real patients. Every operation has a
// stable operationId: the SDK's method names follow them.
//
// Also the back office's view of the connection: the initial sync, which an admin ends.
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf, clinicOf, requireApiKey, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { appointmentIngest } from '../appointments/ingest.ts';
import { Appointment, AppointmentBody, BatchBody, BatchResult } from '../appointments/schemas.ts';
import { Doctor, DoctorBody } from '../doctors/schemas.ts';
import { doctorService } from '../doctors/service.ts';
import { Patient, PatientBody, PatientStatus } from '../patients/schemas.ts';
import { patientService } from '../patients/service.ts';
import { decodeCursor, listStatusChanges, toApiChange } from '../status/feed.ts';
import { HisWebhookBody, HisWebhookConfig } from '../webhooks/schemas.ts';
import { webhookService } from '../webhooks/service.ts';
import {
  AppointmentParams,
  DoctorParams,
  InitialSync,
  PatientParams,
  StatusChange,
  StatusChanges,
  StatusChangesQuery,
} from './schemas.ts';
import { endInitialSync, initialSyncOf, noteHisCall } from './sync.ts';

const TAG = 'HIS Open API v1';
const security = [{ hisApiKey: [] }];

export function hisRoutes(app: App, deps: Deps): void {
  const apiKey = requireApiKey(deps);
  const patients = patientService(deps);
  const doctors = doctorService(deps);
  const appts = appointmentIngest(deps);
  const webhooks = webhookService(deps);
  for (const s of [Patient, PatientStatus, Doctor, Appointment, StatusChange, HisWebhookConfig]) app.addSchema(s);
  // The clinic's first HIS call starts its initial sync.
  const auth = async (req: FastifyRequest) => {
    await apiKey(req);
    if (req.apiClient) await noteHisCall(deps, req.apiClient.clinicId);
  };

  app.put(
    '/his/v1/doctors/:doctorId',
    {
      schema: {
        tags: [TAG],
        operationId: 'upsertDoctor',
        security,
        summary: '新增或更新醫師',
        description: '以 HIS 的醫師代碼新增或更新醫師。新增回 201，更新回 200。預約引用的醫師必須先以此 API 建立。',
        params: DoctorParams,
        body: DoctorBody,
        response: { 200: Type.Ref('HisDoctor'), 201: Type.Ref('HisDoctor'), ...errorResponses(401, 422) },
      },
      onRequest: auth,
    },
    async (req, reply) => {
      const r = await doctors.upsert(clinicOf(req), req.params.doctorId, req.body, actorOf(req), req.ip);
      return reply.status(r.created ? 201 : 200).send(r.doctor);
    },
  );

  app.put(
    '/his/v1/patients/:patientId',
    {
      schema: {
        tags: [TAG],
        operationId: 'upsertPatient',
        security,
        summary: '新增或更新病患',
        description:
          '以 HIS 的病患代碼新增或更新病患。手機號碼（0912-345-678、+886 912 345 678 等）會轉成 E.164；' +
          '身分證字號／居留證號檢查檢查碼後加密儲存；出生日期不可晚於今天；姓名 1–50 字。' +
          '任何欄位有誤回 422 並逐欄說明，整筆不儲存。新增回 201，更新回 200。',
        params: PatientParams,
        body: PatientBody,
        response: { 200: Type.Ref('HisPatient'), 201: Type.Ref('HisPatient'), ...errorResponses(401, 422) },
      },
      onRequest: auth,
    },
    async (req, reply) => {
      const r = await patients.upsert(clinicOf(req), req.params.patientId, req.body, actorOf(req), req.ip);
      return reply.status(r.created ? 201 : 200).send(r.patient);
    },
  );

  app.get(
    '/his/v1/patients/:patientId/status',
    {
      schema: {
        tags: [TAG],
        operationId: 'getPatientStatus',
        security,
        summary: '病患的 LINE 燈號',
        description: '病患的 LINE 狀態：bound LINE綁定、unbound LINE未綁定、blocked 被封鎖。',
        params: PatientParams,
        response: { 200: Type.Ref('HisPatientStatus'), ...errorResponses(401, 404) },
      },
      onRequest: auth,
    },
    async (req) => patients.status(clinicOf(req), req.params.patientId),
  );

  app.put(
    '/his/v1/appointments/:appointmentId',
    {
      schema: {
        tags: [TAG],
        operationId: 'upsertAppointment',
        security,
        summary: '新增或更新預約',
        description:
          '以 HIS 的預約代碼新增或更新預約。`version` 由 HIS 每次修改時遞增：比已儲存的舊 → 409 VERSION_CONFLICT' +
          '（回應的 current 為目前資料）；相同 → 200 不變更（可安全重送）；較新 → 套用（新建回 201）。' +
          '報到、看診完成、未到、取消都是以新版本更新 status。病患與醫師須先建立，否則回 422 UNKNOWN_REFERENCE。' +
          '每次變更都會記錄在預約歷程。`bookedAt`（選填）是病患預約的時間：決定是否發送「預約當下」的通知（見串接指南）。',
        params: AppointmentParams,
        body: AppointmentBody,
        response: {
          200: Type.Ref('HisAppointment'),
          201: Type.Ref('HisAppointment'),
          ...errorResponses(401, 409, 422),
        },
      },
      onRequest: auth,
    },
    async (req, reply) => {
      const r = await appts.upsertOne(
        { clinicId: clinicOf(req), actor: actorOf(req), source: 'his' },
        { ...req.body, appointmentId: req.params.appointmentId },
        req.ip,
      );
      return reply.status(r.status).send(r.appointment);
    },
  );

  app.post(
    '/his/v1/appointments/batch',
    {
      schema: {
        tags: [TAG],
        operationId: 'upsertAppointmentsBatch',
        security,
        summary: '批次新增或更新預約（最多 1,000 筆）',
        description:
          '一次送最多 1,000 筆預約，規則與單筆 PUT 相同。依序處理，回應的 items 與請求一一對應（index 相同）：' +
          '201 新增、200 更新或未變更、409 版本較舊（附 current）、422 資料有誤（附 error，逐欄說明）。' +
          '一筆有誤不影響其他筆；整批重送是安全的。',
        body: BatchBody,
        response: { 200: BatchResult, ...errorResponses(401, 413, 422) },
      },
      // Items are validated one by one in the service, so that a bad item answers 422 on its
      // own line instead of failing the whole batch; only the envelope is checked here.
      validatorCompiler: () => (data: unknown) => ({ value: data }),
      bodyLimit: 8 * 1024 * 1024,
      onRequest: auth,
    },
    async (req) => {
      const body: unknown = req.body;
      const envelope = body && typeof body === 'object' ? body : null;
      const extra = envelope ? Object.keys(envelope).filter((k) => k !== 'items') : [];
      const items = envelope && 'items' in envelope ? envelope.items : undefined;
      if (!Array.isArray(items) || items.length === 0 || items.length > 1000 || extra.length) {
        throw errors.validation([
          extra.length
            ? { field: extra[0], code: 'additionalProperties', message: `不接受的欄位「${extra[0]}」` }
            : { field: 'items', code: 'items', message: 'items 必須是 1 到 1,000 筆預約的清單' },
        ]);
      }
      const results = await appts.upsertMany(
        { clinicId: clinicOf(req), actor: actorOf(req), source: 'his' },
        items,
        req.ip,
      );
      const c = (s: number, r?: string) => results.filter((x) => x.status === s && (!r || x.result === r)).length;
      return {
        items: results,
        summary: {
          created: c(201),
          updated: c(200, 'updated'),
          unchanged: c(200, 'unchanged'),
          conflicts: c(409),
          invalid: c(422),
        },
      };
    },
  );

  app.get(
    '/his/v1/appointments/:appointmentId',
    {
      schema: {
        tags: [TAG],
        operationId: 'getAppointment',
        security,
        summary: '查詢預約與燈號',
        description:
          '預約資料與燈號：reply（尚未提醒、尚未回覆、確認赴約、取消、改期）與病患的 line（LINE綁定、LINE未綁定、被封鎖）。' +
          '以 LINE 或簡訊送出提醒後，reply 即為「尚未回覆」。',
        params: AppointmentParams,
        response: { 200: Type.Ref('HisAppointment'), ...errorResponses(401, 404) },
      },
      onRequest: auth,
    },
    async (req) => appts.get(clinicOf(req), req.params.appointmentId),
  );

  app.get(
    '/his/v1/status-changes',
    {
      schema: {
        tags: [TAG],
        operationId: 'listStatusChanges',
        security,
        summary: '燈號變更紀錄（斷線後補同步）',
        description:
          '依發生順序（舊到新）列出 after 游標之後的所有燈號變更（病患 LINE 狀態、預約回覆、預約狀態）。第一次呼叫不帶 after；' +
          '之後以回應的 nextCursor 繼續，直到 items 為空。游標穩定且不透明，請原樣保存。limit 預設 100，最多 1,000。' +
          '不會跳過任何一筆：尚未完成交易的變更之後的資料會等它完成才出現；等待超過 3 秒時回 503 STATUS_FEED_BUSY（Retry-After: 1），以同一游標重試。',
        querystring: StatusChangesQuery,
        response: { 200: StatusChanges, ...errorResponses(400, 401, 503) },
      },
      onRequest: auth,
    },
    async (req) => {
      const q = req.query;
      let afterId = 0;
      if (q.after) {
        const n = decodeCursor(q.after);
        if (n === null)
          throw errors.badRequest('after 游標無效，請使用上次回應的 nextCursor', [
            { field: 'after', code: 'cursor', message: '游標格式不正確' },
          ]);
        afterId = n;
      }
      const limit = q.limit ?? 100;
      const rows = await listStatusChanges(deps.db, deps.dialect, clinicOf(req), afterId, limit + 1);
      const items = rows.slice(0, limit).map(toApiChange);
      return {
        items,
        nextCursor: items.length ? items[items.length - 1].cursor : (q.after ?? null),
        hasMore: rows.length > limit,
      };
    },
  );

  app.put(
    '/his/v1/webhook',
    {
      schema: {
        tags: [TAG],
        operationId: 'setWebhook',
        security,
        summary: '設定 Webhook',
        description:
          '設定接收燈號與預約變更的網址。Careline 以 POST 傳送 `{id, type, createdAt, data}`，標頭 ' +
          '`Careline-Signature: t=<unix 秒>,v1=<HMAC-SHA256(secret, "<t>.<原始內容>") 十六進位>`。' +
          '未回 2xx 會以退避方式重試，重試時 id 相同。不帶 secret 時由系統產生。',
        body: HisWebhookBody,
        response: { 200: Type.Ref('HisWebhookConfig'), ...errorResponses(401, 422) },
      },
      onRequest: auth,
    },
    async (req) => webhooks.setConfig(clinicOf(req), req.body, actorOf(req), req.ip),
  );
}

/** Back office, settings → HIS 串接: the clinic's initial sync, which an admin ends. */
export function hisSettingsRoutes(app: App, deps: Deps): void {
  const anyStaff = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const admin = requireStaff(deps, ['admin']);
  const TAG_SETTINGS = '後台：HIS 串接';

  app.get(
    '/api/his/initial-sync',
    {
      schema: {
        tags: [TAG_SETTINGS],
        operationId: 'getHisInitialSync',
        summary: 'HIS 初次同步狀態',
        description:
          '從 HIS 第一次呼叫 API 起為初次同步，直到管理者結束或滿 24 小時。初次同步期間第一次收到、且未附 bookedAt 的預約，' +
          '不發送「預約當下」的通知（48 小時前與看診當天的提醒照常）。',
        response: { 200: InitialSync, ...errorResponses(401, 403) },
      },
      preHandler: anyStaff,
    },
    async (req) => initialSyncOf(deps.db, clinicOf(req), deps.clock.now()),
  );

  app.post(
    '/api/his/initial-sync/end',
    {
      schema: {
        tags: [TAG_SETTINGS],
        operationId: 'endHisInitialSync',
        summary: '結束 HIS 初次同步',
        description: '既有預約已全部傳入：之後 HIS 傳來的新預約會發送「預約當下」的通知。已結束時不變。',
        response: { 200: InitialSync, ...errorResponses(401, 403) },
      },
      preHandler: admin,
    },
    async (req) => endInitialSync(deps, clinicOf(req), actorOf(req), req.ip),
  );
}
