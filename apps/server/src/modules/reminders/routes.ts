// Back office: reminder rules and templates (admins), the reminder list and resend, an
// appointment's reminders, the front desk's to-do list, the monthly LINE quota.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses } from '../../platform/http.ts';
import { reminderBackOffice } from './backoffice.ts';
import { markNoticeRead, quotaReport } from './quota.ts';
import { reminderService } from './service.ts';
import { VARIABLES } from './templates.ts';

const tags = ['後台：看診提醒'];
const Hhmm = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM（診所時區）' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const Rule = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$', description: '規則代碼（小寫英數與 -），例如 before-48h' }),
    kind: Type.Union(
      [Type.Literal('booking'), Type.Literal('hours_before'), Type.Literal('days_before'), Type.Literal('visit_day')],
      {
        description:
          'booking：預約當日（立即或指定時間）；hours_before：看診前 N 小時；days_before：看診前 N 天的指定時間；visit_day：看診當天指定時間',
      },
    ),
    name: Type.String({ minLength: 1, maxLength: 50, description: '顯示名稱，例如「看診前 48 小時提醒」' }),
    enabled: Type.Boolean({ description: '關閉後不再排程此提醒（已排程的會取消）' }),
    mode: Type.Optional(
      Type.Union([Type.Literal('immediate'), Type.Literal('at')], {
        description: 'booking 專用：immediate 立即；at 於預約當日 at 時間',
      }),
    ),
    at: Type.Optional(Hhmm),
    hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, description: 'hours_before 專用：看診前幾小時' })),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, description: 'days_before 專用：看診前幾天' })),
    visitTypes: Type.Optional(
      Type.Array(Type.String({ maxLength: 50 }), {
        maxItems: 50,
        description: '只用於這些看診類別（例如 植牙）；空白＝全部',
      }),
    ),
    essential: Type.Boolean({ description: '必要提醒：本月訊息額度接近上限時仍發送；非必要提醒會先暫停' }),
    shift: Type.Boolean({ description: '遇診所休診日（週末、國定假日、自訂休診），改在前一個上班日 shiftAt 時間發送' }),
    templateId: Type.String({ maxLength: 40, description: '使用的訊息範本' }),
    explanation: Type.Optional(
      Type.String({ readOnly: true, description: '（唯讀）這條規則的白話說明；傳入的值會被忽略' }),
    ),
  },
  { additionalProperties: false },
);

const Settings = Type.Object(
  {
    rules: Type.Array(Rule, { maxItems: 30 }),
    overrides: Type.Array(
      Type.Object(
        {
          doctorId: Type.Optional(Type.String({ maxLength: 64, description: 'HIS 醫師代碼' })),
          visitType: Type.Optional(Type.String({ maxLength: 50, description: '看診類別，例如「現場掛號」「植牙」' })),
          ruleId: Type.String({ maxLength: 40 }),
          enabled: Type.Optional(Type.Boolean({ description: 'false：此醫師／類別不發送這條提醒' })),
          templateId: Type.Optional(Type.String({ maxLength: 40, description: '此醫師／類別改用的範本' })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 200, description: '依醫師或看診類別的例外設定；看診類別優先於醫師' },
    ),
    quietHours: Type.Object(
      { enabled: Type.Boolean(), start: Hhmm, end: Hhmm },
      {
        additionalProperties: false,
        description:
          '安靜時段（預設 21:00–08:00）：落在其中的提醒延到時段結束；若那時已晚於看診，改提前到時段開始前 30 分鐘',
      },
    ),
    shiftAt: Hhmm,
    mergeWindowMinutes: Type.Integer({
      minimum: 0,
      maximum: 720,
      description: '兩則提醒相隔少於此分鐘數時只發離看診較近的那則',
    }),
    smsFallback: Type.Boolean({ description: '病患未綁定 LINE 或封鎖時改發簡訊（須同時在簡訊設定開啟提醒備援）' }),
    monthlyCap: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description: '非必要提醒的每月上限（則）；null＝LINE 方案上限的 90%',
    }),
    preparations: Type.Record(Type.String({ maxLength: 50 }), Type.String({ maxLength: 500 }), {
      description: '依看診類別的準備事項（範本變數 {preparation}）；鍵 "" 為其他類別',
    }),
  },
  { additionalProperties: false, $id: 'ReminderSettings' },
);

const TemplateBodySchema = Type.Object(
  {
    altText: Type.String({ maxLength: 1500, description: '通知與聊天列表顯示的文字（可用變數）' }),
    title: Type.String({ maxLength: 60 }),
    body: Type.String({ maxLength: 2000, description: `內文，可用變數：${VARIABLES.map((v) => `{${v}}`).join('、')}` }),
    brandColor: Type.String({ description: '品牌色 #RRGGBB' }),
    logoUrl: Type.Union([Type.String({ maxLength: 1000 }), Type.Null()], { description: 'Logo 圖片（https）' }),
    buttons: Type.Object(
      { confirm: Type.Boolean(), cancel: Type.Boolean(), reschedule: Type.Boolean(), map: Type.Boolean() },
      { additionalProperties: false },
    ),
    labels: Type.Object(
      {
        confirm: Type.String({ maxLength: 40 }),
        cancel: Type.String({ maxLength: 40 }),
        reschedule: Type.String({ maxLength: 40 }),
        map: Type.String({ maxLength: 40 }),
      },
      { additionalProperties: false, description: '按鈕文字（LINE 上限 20 字）' },
    ),
  },
  { additionalProperties: false, $id: 'ReminderTemplateBody' },
);

const Template = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    body: Type.Ref('ReminderTemplateBody'),
    builtIn: Type.Boolean(),
    updatedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ReminderTemplate' },
);

const Reminder = Type.Object(
  {
    id: Type.String(),
    appointmentId: Type.String(),
    appointmentHisId: Type.String(),
    ruleId: Type.String(),
    ruleName: Type.String(),
    appointmentVersion: Type.Integer(),
    visitStartsAt: Type.String(),
    dueAt: Nullable(Type.String()),
    explanation: Type.String({
      description: '為什麼是這個時間（例如「48 小時前 → 3/14（六） 10:00 → 週六休診，順延至3/13（五） 09:00」）',
    }),
    state: Type.String({
      description:
        'planned 排程中、sending 發送中、sent 已送出、answered 已回覆、failed 失敗、skipped 略過、cancelled 已取消',
    }),
    rawState: Type.String(),
    essential: Type.Boolean(),
    templateId: Type.String(),
    channel: Nullable(Type.String()),
    attempts: Type.Integer(),
    lastError: Nullable(Type.String()),
    sentAt: Nullable(Type.String()),
    cancelReason: Nullable(Type.String()),
    lineRequestId: Nullable(Type.String()),
    reply: Type.String(),
    patientName: Type.String(),
    doctorName: Type.String(),
    createdAt: Type.String(),
  },
  { $id: 'Reminder' },
);

export function reminderRoutes(app: FastifyInstance, deps: Deps): void {
  const svc = reminderService(deps);
  const bo = reminderBackOffice(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const desk = requireStaff(deps, ['admin', 'front_desk']);
  const admin = requireStaff(deps, ['admin']);
  for (const s of [Settings, TemplateBodySchema, Template, Reminder]) app.addSchema(s);
  const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });

  app.get(
    '/api/reminders/rules',
    {
      schema: {
        tags,
        summary: '提醒規則',
        description: '每條規則附白話說明（explanation）。',
        response: { 200: Type.Ref('ReminderSettings'), ...errorResponses(401, 403) },
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
        body: Type.Ref('ReminderSettings'),
        response: { 200: Type.Ref('ReminderSettings'), ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.putRules(clinicOf(req), req.body as never, actorOf(req), req.ip),
  );

  app.get(
    '/api/reminders/templates',
    {
      schema: {
        tags,
        summary: '訊息範本列表',
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref('ReminderTemplate')), variables: Type.Array(Type.String()) }),
          ...errorResponses(401, 403),
        },
      },
      preHandler: read,
    },
    async (req) => ({ items: await svc.listTemplates(clinicOf(req)), variables: [...VARIABLES] }),
  );

  app.get(
    '/api/reminders/templates/:id',
    {
      schema: {
        tags,
        summary: '訊息範本',
        params: Id,
        response: { 200: Type.Ref('ReminderTemplate'), ...errorResponses(401, 403, 404) },
      },
      preHandler: read,
    },
    async (req) => svc.getTemplate(clinicOf(req), (req.params as { id: string }).id),
  );

  app.put(
    '/api/reminders/templates/:id',
    {
      schema: {
        tags,
        summary: '新增或儲存訊息範本（管理者）',
        description:
          '儲存前以長的範例資料代入檢查 LINE 的限制：通知文字 ≤ 1500 字、按鈕文字 ≤ 20 字、postback 資料 ≤ 300 字、單一 bubble ≤ 30 KB、品牌色與 https 圖片網址。',
        params: Type.Object({ id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$' }) }),
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 50 }), body: Type.Ref('ReminderTemplateBody') },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('ReminderTemplate'), ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) =>
      svc.putTemplate(clinicOf(req), (req.params as { id: string }).id, req.body as never, actorOf(req), req.ip),
  );

  app.post(
    '/api/reminders/templates/:id/preview',
    {
      schema: {
        tags,
        summary: '預覽訊息範本',
        description:
          '回傳以範例資料代入後的 LINE Flex 訊息 JSON（前端以 flex-renderer 畫出），以及不符合 LINE 限制的問題。可在 body 帶尚未儲存的範本內容。',
        params: Id,
        body: Type.Object({ body: Type.Optional(Type.Ref('ReminderTemplateBody')) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            message: Type.Record(Type.String(), Type.Unknown()),
            problems: Type.Array(Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() })),
            variables: Type.Record(Type.String(), Type.String()),
          }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
      preHandler: read,
    },
    async (req) =>
      bo.preview(clinicOf(req), (req.params as { id: string }).id, (req.body as { body?: never } | undefined)?.body),
  );

  app.post(
    '/api/reminders/templates/:id/send-test',
    {
      schema: {
        tags,
        summary: '傳送測試訊息到 LINE',
        description:
          '把範本（範例資料）推播給指定的 LINE 使用者，例如自己綁定的帳號；通知文字前加「【測試】」。會計入本月訊息額度。',
        params: Id,
        body: Type.Object(
          { lineUserId: Type.String({ pattern: '^U[0-9a-f]{32}$', description: 'LINE userId' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ ok: Type.Boolean(), sentTo: Type.String() }),
          ...errorResponses(400, 401, 403, 404, 409, 502),
        },
      },
      preHandler: desk,
    },
    async (req) =>
      bo.sendTest(
        clinicOf(req),
        (req.params as { id: string }).id,
        (req.body as { lineUserId: string }).lineUserId,
        actorOf(req),
        req.ip,
      ),
  );

  app.get(
    '/api/reminders',
    {
      schema: {
        tags,
        summary: '提醒列表',
        description:
          '某一天（診所時區）應發送的提醒與狀態；summary 為各狀態數量。answered＝已送出且病患已回覆（確認、取消或改期）。',
        querystring: Type.Object({
          date: Type.Optional(
            Type.String({
              pattern: '^(today|tomorrow|\\d{4}-\\d{2}-\\d{2})$',
              default: 'today',
              description: 'today、tomorrow 或 YYYY-MM-DD',
            }),
          ),
          state: Type.Optional(
            Type.Union(['planned', 'sent', 'answered', 'failed', 'skipped', 'cancelled'].map((s) => Type.Literal(s))),
          ),
          ruleId: Type.Optional(Type.String({ maxLength: 40 })),
          doctorId: Type.Optional(Type.String({ maxLength: 64, description: 'HIS 醫師代碼' })),
          page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
          pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: {
          200: Type.Object({
            date: Type.String(),
            items: Type.Array(Type.Ref('Reminder')),
            summary: Type.Record(Type.String(), Type.Integer()),
            page: Type.Integer(),
            pageSize: Type.Integer(),
            hasMore: Type.Boolean(),
          }),
          ...errorResponses(400, 401, 403, 422),
        },
      },
      preHandler: read,
    },
    async (req) => {
      const q = req.query as {
        date?: string;
        state?: string;
        ruleId?: string;
        doctorId?: string;
        page?: number;
        pageSize?: number;
      };
      return bo.list(clinicOf(req), { ...q, page: q.page ?? 1, pageSize: q.pageSize ?? 50 });
    },
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
        params: Id,
        response: { 200: Type.Ref('Reminder'), ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: desk,
    },
    async (req) => bo.resend(clinicOf(req), (req.params as { id: string }).id, actorOf(req), req.ip),
  );

  app.get(
    '/api/appointments/:id/reminders',
    {
      schema: {
        tags,
        summary: '預約的所有提醒',
        description:
          '每一則排程與已送出的提醒（含各版本、取消與略過的原因、「為什麼是這個時間」），以及與此預約相關的 LINE 訊息與簡訊。id 可用內部 id 或 HIS 預約代碼。',
        params: Id,
        response: {
          200: Type.Object({
            appointmentId: Type.String(),
            reminders: Type.Array(Type.Ref('Reminder')),
            messages: Type.Array(
              Type.Object({
                id: Type.Integer(),
                direction: Type.String(),
                kind: Type.String(),
                text: Type.String(),
                source: Type.String(),
                lineUserId: Type.String(),
                createdAt: Type.String(),
              }),
            ),
            sms: Type.Array(
              Type.Object({
                id: Type.String(),
                deliveryId: Nullable(Type.String()),
                to: Type.String(),
                segments: Type.Integer(),
                cost: Type.Number(),
                status: Type.String(),
                createdAt: Type.String(),
              }),
            ),
          }),
          ...errorResponses(401, 403, 404),
        },
      },
      preHandler: read,
    },
    async (req) => bo.ofAppointment(clinicOf(req), (req.params as { id: string }).id),
  );

  const Task = Type.Object({
    id: Type.String(),
    kind: Type.String({ description: 'cancel_request 取消／reschedule_request 改期' }),
    kindLabel: Type.String(),
    status: Type.String(),
    source: Type.String(),
    reason: Nullable(Type.String()),
    preferredTimes: Type.Array(Type.String()),
    note: Nullable(Type.String()),
    appointmentId: Type.String(),
    appointmentHisId: Type.String(),
    startsAt: Type.String(),
    startsAtLabel: Type.String(),
    reply: Type.String(),
    appointmentStatus: Type.String(),
    patientName: Type.String(),
    phone: Nullable(Type.String()),
    doctorName: Type.String(),
    createdAt: Type.String(),
    handledAt: Nullable(Type.String()),
    handledBy: Nullable(Type.String()),
  });
  app.get(
    '/api/front-desk/tasks',
    {
      schema: {
        tags: ['後台：櫃台待辦'],
        summary: '櫃台待辦',
        description:
          'requests：病患從提醒或「我的預約」送出的取消／改期請求（含原因與希望時段）；noReply：已送出提醒、尚未回覆的未來預約（尚未回覆燈號）。',
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('handled')], { default: 'open' })),
          kind: Type.Optional(
            Type.Union([Type.Literal('cancel_request'), Type.Literal('reschedule_request'), Type.Literal('no_reply')]),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 })),
        }),
        response: {
          200: Type.Object({
            requests: Type.Array(Task),
            noReply: Type.Array(
              Type.Object({
                appointmentId: Type.String(),
                appointmentHisId: Type.String(),
                startsAt: Type.String(),
                startsAtLabel: Type.String(),
                remindedAt: Nullable(Type.String()),
                patientName: Type.String(),
                phone: Nullable(Type.String()),
                doctorName: Type.String(),
              }),
            ),
          }),
          ...errorResponses(401, 403),
        },
      },
      preHandler: read,
    },
    async (req) => {
      const q = req.query as { status?: 'open' | 'handled'; kind?: string; limit?: number };
      return bo.tasks(clinicOf(req), { status: q.status ?? 'open', kind: q.kind, limit: q.limit ?? 200 });
    },
  );

  app.post(
    '/api/front-desk/tasks/:id/handle',
    {
      schema: {
        tags: ['後台：櫃台待辦'],
        summary: '標記待辦已處理',
        description: '一鍵完成；已由他人處理時回 409。實際取消或改期請在 HIS 操作，HIS 更新預約後提醒會自動重新排程。',
        params: Id,
        body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            id: Type.String(),
            status: Type.String(),
            handledAt: Type.String(),
            handledBy: Type.String(),
          }),
          ...errorResponses(401, 403, 404, 409),
        },
      },
      preHandler: desk,
    },
    async (req) =>
      bo.handleTask(
        clinicOf(req),
        (req.params as { id: string }).id,
        (req.body as { note?: string } | undefined)?.note,
        actorOf(req),
        req.ip,
      ),
  );

  app.get(
    '/api/reminders/quota',
    {
      schema: {
        tags,
        summary: '本月 LINE 訊息額度',
        description:
          '我們自己的推播計數與 LINE 額度 API 的數字（取較大者）、本月預估（已用＋已排程，或依目前速度推估）、上限（非必要提醒先停）、簡訊則數與費用、管理者通知（80% 警示）。',
        response: {
          200: Type.Object({
            month: Type.String({ description: 'YYYY-MM（診所時區）' }),
            used: Type.Integer({ description: '本月已用則數（我們的計數與 LINE 回報取較大者）' }),
            ours: Type.Object({
              reminders: Type.Integer({ description: '以 LINE 送出的提醒' }),
              otherPushes: Type.Integer({ description: '其他推播（回覆確認、測試訊息等）' }),
            }),
            line: Type.Object(
              {
                type: Nullable(Type.String()),
                limit: Type.Union([Type.Integer(), Type.Null()]),
                used: Type.Union([Type.Integer(), Type.Null()]),
                checkedAt: Nullable(Type.String()),
                error: Type.Optional(Type.String()),
              },
              { description: 'LINE 額度 API（最多每 10 分鐘更新）；type none＝無上限方案' },
            ),
            plannedThisMonth: Type.Integer({ description: '本月尚待發送的提醒' }),
            forecast: Type.Integer({ description: '本月預估用量：已用＋待發送，或依目前速度推估（取較大者）' }),
            caps: Type.Object(
              {
                nonEssential: Type.Union([Type.Integer(), Type.Null()]),
                essential: Type.Union([Type.Integer(), Type.Null()]),
              },
              { description: '非必要提醒在 nonEssential 停止；必要提醒到 LINE 上限才停止' },
            ),
            percentOfLimit: Type.Union([Type.Number(), Type.Null()]),
            willExceed: Type.Boolean(),
            sms: Type.Object(
              { messages: Type.Integer(), segments: Type.Integer(), cost: Type.Number() },
              { description: '本月提醒簡訊（備援）則數、計費段數與費用' },
            ),
            notices: Type.Array(
              Type.Object({
                id: Type.Integer(),
                kind: Type.String(),
                period: Type.String(),
                level: Type.String(),
                message: Type.String(),
                createdAt: Type.String(),
                readAt: Nullable(Type.String()),
              }),
            ),
          }),
          ...errorResponses(401, 403),
        },
      },
      preHandler: read,
    },
    async (req) => quotaReport(deps, clinicOf(req)),
  );

  app.post(
    '/api/reminders/notices/:id/read',
    {
      schema: {
        tags,
        summary: '管理者通知標為已讀',
        params: Type.Object({ id: Type.Integer() }),
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: admin,
    },
    async (req, reply) => {
      await markNoticeRead(deps, clinicOf(req), (req.params as { id: number }).id);
      return reply.status(204).send();
    },
  );
}
