// Request and response schemas of the reminder routes. Named schemas ($id) are registered once
// (routes.ts) and referenced; `typedRef` keeps a reference's static type, so a handler reads a
// typed body where the schema is a $ref.
import { Type, type Static, type TSchema } from 'typebox';
import { VARIABLES } from './templates.ts';

/** A $ref to a registered schema that keeps the schema's static type. */
const typedRef = <T extends TSchema & { $id?: string }>(s: T) => Type.Unsafe<Static<T>>(Type.Ref(s.$id!));

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
    hours: Type.Optional(
      Type.Integer({ description: 'hours_before 專用：看診前幾小時，1–720（最多 30 天，預約最遠可提前的天數）' }),
    ),
    days: Type.Optional(Type.Integer({ description: 'days_before 專用：看診前幾天，1–30' })),
    visitTypes: Type.Optional(
      Type.Array(Type.String({ maxLength: 50 }), {
        maxItems: 50,
        description: '只用於這些看診類別（例如 植牙）；空白＝全部',
      }),
    ),
    skipWeekdays: Type.Optional(
      Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), {
        maxItems: 7,
        uniqueItems: true,
        description:
          '這條提醒不在星期幾發送（0＝週日 … 6＝週六，診所時區）；落在這些日子時改在前一個可發送的上班日 shiftAt 時間發送。空白＝每天都可發送；不可七天全選',
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

export const ReminderSettingsSchema = Type.Object(
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
      description:
        '兩則提醒相隔少於此分鐘數時只發離看診較近的那則；同一 LINE 帳號綁定的家人，提醒在此分鐘數內的合併成一則訊息；0–1440，0＝不合併',
    }),
    smsFallback: Type.Boolean({ description: '病患未綁定 LINE 或封鎖時改發簡訊（須同時在簡訊設定開啟提醒備援）' }),
    monthlyCap: Type.Union([Type.Integer(), Type.Null()], {
      description: '非必要提醒的每月上限（則）；null＝LINE 方案上限的 90%',
    }),
    preparations: Type.Optional(
      Type.Record(Type.String({ maxLength: 50 }), Type.String({ maxLength: 500 }), {
        description:
          '依看診類別的準備事項（範本變數 {preparation}）；鍵 "" 為其他類別。儲存規則時省略＝保留目前的準備事項' +
          '（單一類別請用 PUT /api/reminders/preparations 修改，不會與規則編輯互相覆蓋）',
      }),
    ),
  },
  { additionalProperties: false, $id: 'ReminderSettings' },
);

export const ReminderTemplateBody = Type.Object(
  {
    altText: Type.String({
      maxLength: 1500,
      description: '通知與聊天列表顯示的文字（可用變數）；代入變數後須 ≤ 400 字',
    }),
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
    dateStyle: Type.Optional(
      Type.Union([Type.Literal('roc'), Type.Literal('western'), Type.Literal('numeric')], {
        description:
          '{date} 的寫法：roc 民國115年3月16日、western 2026年3月16日、numeric 2026/03/16；星期另用 {weekday}（週一）。' +
          '省略＝western',
      }),
    ),
  },
  { additionalProperties: false, $id: 'ReminderTemplateBody' },
);

export const ReminderTemplate = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    body: Type.Ref('ReminderTemplateBody'),
    builtIn: Type.Boolean({ description: '內建範本：不能刪除，可還原成出廠內容' }),
    updatedAt: Type.Union([Type.String(), Type.Null()], { description: '最後儲存時間；null＝內建範本未修改過' }),
    updatedBy: Type.Union([Type.String(), Type.Null()]),
    usedBy: Type.Array(
      Type.Object({
        ruleId: Type.String(),
        ruleName: Type.String(),
        override: Type.Union([Type.String(), Type.Null()], {
          description: 'null＝規則本身使用；否則為使用它的例外設定（例如「醫師 D1」「看診類別 植牙」）',
        }),
      }),
      { description: '使用此範本的提醒規則與例外設定' },
    ),
  },
  { $id: 'ReminderTemplate' },
);

export const Reminder = Type.Object(
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
    channel: Nullable(
      Type.String({ description: 'line LINE 訊息、pnp LINE 通知訊息（以手機號碼傳送）、sms 簡訊；尚未送出為 null' }),
    ),
    attempts: Type.Integer(),
    lastError: Nullable(Type.String()),
    sentAt: Nullable(Type.String()),
    deliveredAt: Nullable(Type.String({ description: 'LINE 通知訊息送達手機的時間（LINE 的送達事件）' })),
    channelReason: Nullable(
      Type.String({ description: '為什麼走這個管道，例如「LINE 通知訊息無法送達：此手機號碼沒有 LINE 帳號」' }),
    ),
    cancelReason: Nullable(Type.String()),
    lineRequestId: Nullable(Type.String()),
    familySize: Type.Union([
      Type.Integer({
        description: '與家人合併發送時，這則訊息包含的家人提醒數（同一 LINE 帳號綁定的多位病患）；單獨發送為 null',
      }),
      Type.Null(),
    ]),
    familyGroupId: Nullable(Type.String({ description: '合併發送的群組代碼（同一則訊息的提醒相同）' })),
    reply: Type.String(),
    patientName: Type.String(),
    doctorName: Type.String(),
    createdAt: Type.String(),
  },
  { $id: 'Reminder' },
);

export const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
export const TemplateIdParams = Type.Object({ id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$' }) });

export const SettingsBody = typedRef(ReminderSettingsSchema);
export const SettingsResponse = Type.Ref('ReminderSettings');

export const TemplateList = Type.Object({
  items: Type.Array(Type.Ref('ReminderTemplate')),
  variables: Type.Array(Type.String()),
  variableList: Type.Array(Type.Object({ name: Type.String(), label: Type.String(), example: Type.String() }), {
    description: '可用的變數、說明與範例值',
  }),
});
export const TemplateBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 50 }), body: typedRef(ReminderTemplateBody) },
  { additionalProperties: false },
);
export const PreviewBody = Type.Object(
  {
    body: Type.Optional(typedRef(ReminderTemplateBody)),
    visitType: Type.Optional(
      Type.String({ maxLength: 50, description: '以這個看診類別的準備事項預覽 {preparation}；省略＝預設' }),
    ),
  },
  { additionalProperties: false },
);
export const PreviewResponse = Type.Object({
  message: Type.Record(Type.String(), Type.Unknown()),
  problems: Type.Array(Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() })),
  variables: Type.Record(Type.String(), Type.String()),
});
export const SendTestBody = Type.Object(
  {
    lineUserId: Type.String({ pattern: '^U[0-9a-f]{32}$', description: 'LINE userId（須為本診所官方帳號的好友）' }),
  },
  { additionalProperties: false },
);
export const SendTestResponse = Type.Object({ ok: Type.Boolean(), sentTo: Type.String() });

export const ListQuery = Type.Object({
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
});
export const ListResponse = Type.Object({
  date: Type.String(),
  items: Type.Array(Type.Ref('Reminder')),
  summary: Type.Record(Type.String(), Type.Integer()),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  hasMore: Type.Boolean(),
});

export const AppointmentReminders = Type.Object({
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
});

export const Task = Type.Object({
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
export const TasksQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('handled')], { default: 'open' })),
  kind: Type.Optional(
    Type.Union([Type.Literal('cancel_request'), Type.Literal('reschedule_request'), Type.Literal('no_reply')]),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 })),
});
export const TasksResponse = Type.Object({
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
});
export const HandleTaskBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export const HandleTaskResponse = Type.Object({
  id: Type.String(),
  status: Type.String(),
  handledAt: Type.String(),
  handledBy: Type.String(),
});
