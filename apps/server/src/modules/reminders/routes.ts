// Back office: reminder rules and templates (admins), the reminder list and resend, an
// appointment's reminders, the front desk's to-do list (the log and the quota: log-routes.ts).
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { reminderBackOffice } from './backoffice.ts';
import { calendarImpactRoutes } from './calendar-impact.ts';
import { reminderService } from './service.ts';
import { SimulateBody, SimulateResponse, simulateRules } from './simulator.ts';
import {
  AppointmentReminders,
  HandleTaskBody,
  HandleTaskResponse,
  IdParams,
  ListQuery,
  ListResponse,
  PreviewBody,
  PreviewResponse,
  Reminder,
  ReminderSettingsSchema,
  ReminderTemplate,
  ReminderTemplateBody,
  SendTestBody,
  SendTestResponse,
  SettingsBody,
  SettingsResponse,
  TasksQuery,
  TasksResponse,
  TemplateBody,
  TemplateIdParams,
  TemplateList,
} from './schemas.ts';
import { templateRoutes } from './template-routes.ts';
import { SAMPLE_VARS, VARIABLES, VARIABLE_LABELS } from './templates.ts';

const tags = ['後台：看診提醒'];
export function reminderRoutes(app: App, deps: Deps): void {
  const svc = reminderService(deps);
  const bo = reminderBackOffice(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const desk = requireStaff(deps, ['admin', 'front_desk']);
  const admin = requireStaff(deps, ['admin']);
  for (const s of [ReminderSettingsSchema, ReminderTemplateBody, ReminderTemplate, Reminder]) app.addSchema(s);
  calendarImpactRoutes(app, deps);
  templateRoutes(app, deps);

  app.get(
    '/api/reminders/rules',
    {
      schema: {
        tags,
        summary: '提醒規則',
        description: '每條規則附白話說明（explanation）。',
        response: { 200: SettingsResponse, ...errorResponses(401, 403) },
      },
      preHandler: read,
    },
    async (req) => svc.getRules(clinicOf(req)),
  );

  app.put(
    '/api/reminders/rules',
    {
      schema: {
        tags,
        summary: '儲存提醒規則（管理者）',
        description: '整份取代。儲存後會重新排程所有未來預約的提醒：尚未發送的依新規則更新，已發送的保留。',
        body: SettingsBody,
        response: { 200: SettingsResponse, ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.putRules(clinicOf(req), req.body, actorOf(req), req.ip),
  );

  app.post(
    '/api/reminders/simulate',
    {
      schema: {
        tags,
        summary: '模擬提醒時間',
        description:
          '給一個看診日期與時間（診所時區，可加醫師、看診類別、預約建立時間），列出每條規則會在何時發送與原因；' +
          '可帶入尚未儲存的規則（settings）。不會儲存任何資料。',
        body: SimulateBody,
        response: { 200: SimulateResponse, ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: read,
    },
    async (req) => simulateRules(deps, clinicOf(req), req.body),
  );

  app.get(
    '/api/reminders/templates',
    {
      schema: {
        tags,
        summary: '訊息範本列表',
        response: { 200: TemplateList, ...errorResponses(401, 403) },
      },
      preHandler: read,
    },
    async (req) => ({
      items: await svc.listTemplates(clinicOf(req)),
      variables: [...VARIABLES],
      variableList: VARIABLES.map((name) => ({ name, label: VARIABLE_LABELS[name], example: SAMPLE_VARS[name] })),
    }),
  );

  app.get(
    '/api/reminders/templates/:id',
    {
      schema: {
        tags,
        summary: '訊息範本',
        params: IdParams,
        response: { 200: Type.Ref('ReminderTemplate'), ...errorResponses(401, 403, 404) },
      },
      preHandler: read,
    },
    async (req) => svc.getTemplate(clinicOf(req), req.params.id),
  );

  app.put(
    '/api/reminders/templates/:id',
    {
      schema: {
        tags,
        summary: '新增或儲存訊息範本（管理者）',
        description:
          '儲存前以長的範例資料代入檢查 LINE 的限制：通知文字 ≤ 400 字、按鈕文字 ≤ 20 字、postback 資料 ≤ 300 字、' +
          '單一訊息 ≤ 30 KB、品牌色與 https 圖片網址。任何文字中有不認得的變數（例如 {foo}）回 422 ' +
          'TEMPLATE_UNKNOWN_VARIABLE，訊息列出可用的變數；其他問題回 422 VALIDATION_FAILED。都不會儲存。',
        params: TemplateIdParams,
        body: TemplateBody,
        response: { 200: Type.Ref('ReminderTemplate'), ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.putTemplate(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );

  app.post(
    '/api/reminders/templates/:id/preview',
    {
      schema: {
        tags,
        summary: '預覽訊息範本',
        description:
          '回傳以範例資料代入後的 LINE Flex 訊息 JSON（前端以 flex-renderer 畫出），以及不符合 LINE 限制的問題。可在 body 帶尚未儲存的範本內容。',
        params: IdParams,
        body: PreviewBody,
        response: { 200: PreviewResponse, ...errorResponses(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (req) => bo.preview(clinicOf(req), req.params.id, req.body?.body, req.body?.visitType),
  );

  app.post(
    '/api/reminders/templates/:id/send-test',
    {
      schema: {
        tags,
        summary: '傳送測試訊息到 LINE',
        description:
          '把已儲存的範本（範例資料）推播給本診所的一位 LINE 好友，例如自己的帳號；通知文字前加「【測試】」。' +
          '會計入本月訊息額度。',
        params: IdParams,
        body: SendTestBody,
        response: { 200: SendTestResponse, ...errorResponses(400, 401, 403, 404, 409, 422, 502) },
      },
      preHandler: desk,
    },
    async (req) => bo.sendTest(clinicOf(req), req.params.id, req.body.lineUserId, actorOf(req), req.ip),
  );

  app.get(
    '/api/reminders',
    {
      schema: {
        tags,
        summary: '提醒列表',
        description:
          '某一天（診所時區）應發送的提醒與狀態；summary 為各狀態數量。answered＝已送出且病患已回覆（確認、取消或改期）。',
        querystring: ListQuery,
        response: { 200: ListResponse, ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: read,
    },
    async (req) =>
      bo.list(clinicOf(req), { ...req.query, page: req.query.page ?? 1, pageSize: req.query.pageSize ?? 50 }),
  );

  app.post(
    '/api/reminders/:id/resend',
    {
      schema: {
        tags,
        summary: '重新發送提醒',
        description:
          '立即再送一次同一則提醒（相同範本與按鈕；LINE 或依簡訊備援改發簡訊），是一筆新的提醒紀錄、新的 retry key，' +
          '會是病患收到的第二則訊息；原提醒的紀錄保留。排程中、預約已取消或已過、或上一次重送還在排程中的不能重送。',
        params: IdParams,
        response: { 200: Type.Ref('Reminder'), ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: desk,
    },
    async (req) => bo.resend(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );

  app.get(
    '/api/appointments/:id/reminders',
    {
      schema: {
        tags,
        summary: '預約的所有提醒',
        description:
          '每一則排程與已送出的提醒（含各版本、取消與略過的原因、「為什麼是這個時間」），以及與此預約相關的 LINE 訊息與簡訊。id 可用內部 id 或 HIS 預約代碼。',
        params: IdParams,
        response: { 200: AppointmentReminders, ...errorResponses(401, 403, 404) },
      },
      preHandler: read,
    },
    async (req) => bo.ofAppointment(clinicOf(req), req.params.id),
  );

  app.get(
    '/api/front-desk/tasks',
    {
      schema: {
        tags: ['後台：櫃台待辦'],
        summary: '櫃台待辦',
        description:
          'requests：病患從提醒或「我的預約」送出的取消／改期請求（含原因與希望時段）；noReply：已送出提醒、尚未回覆的未來預約（尚未回覆燈號）。',
        querystring: TasksQuery,
        response: { 200: TasksResponse, ...errorResponses(401, 403) },
      },
      preHandler: read,
    },
    async (req) =>
      bo.tasks(clinicOf(req), {
        status: req.query.status ?? 'open',
        kind: req.query.kind,
        limit: req.query.limit ?? 200,
      }),
  );

  app.post(
    '/api/front-desk/tasks/:id/handle',
    {
      schema: {
        tags: ['後台：櫃台待辦'],
        summary: '標記待辦已處理',
        description: '一鍵完成；已由他人處理時回 409。實際取消或改期請在 HIS 操作，HIS 更新預約後提醒會自動重新排程。',
        params: IdParams,
        body: HandleTaskBody,
        response: { 200: HandleTaskResponse, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: desk,
    },
    async (req) => bo.handleTask(clinicOf(req), req.params.id, req.body?.note, actorOf(req), req.ip),
  );
}
