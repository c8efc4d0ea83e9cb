// Request and response schemas of the case routes (back office and the patient's LIFF form).
import { Type } from 'typebox';
import { CASE_CATEGORIES, CASE_KINDS, CASE_SEVERITIES, CASE_SOURCES, CASE_STATUSES, SATISFACTION } from './service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const described = (labels: Record<string, string>, what: string) => ({
  description: `${what}：${Object.entries(labels)
    .map(([k, v]) => `${k} ${v}`)
    .join('、')}`,
});
const L = Type.Literal;

export const Kind = Type.Union([L('complaint'), L('suggestion'), L('praise')], described(CASE_KINDS, '類型'));
export const Category = Type.Union(
  [L('wait_time'), L('attitude'), L('explanation'), L('fees'), L('environment'), L('booking'), L('other')],
  described(CASE_CATEGORIES, '分類'),
);
export const Severity = Type.Union([L('normal'), L('important'), L('urgent')], described(CASE_SEVERITIES, '嚴重度'));
const Status = Type.Union([L('new'), L('acknowledged'), L('replied'), L('closed')], described(CASE_STATUSES, '狀態'));
const Source = Type.Union([L('line'), L('liff'), L('phone'), L('staff'), L('survey')], described(CASE_SOURCES, '來源'));
const Rating = Type.Union([L('satisfied'), L('neutral'), L('unsatisfied')], described(SATISFACTION, '結案滿意度'));
const ContactMethod = Type.Union([Type.Literal('line'), Type.Literal('phone')], {
  description: '希望的聯絡方式：line 以 LINE 回覆、phone 以電話聯絡',
});
const Text = Type.String({ minLength: 1, maxLength: 5000 });

const Clock = Type.Object({
  dueAt: Nullable(Type.String({ description: '時限（ISO 8601）；null 表示一年內沒有門診時間' })),
  doneAt: Nullable(Type.String()),
  escalatedAt: Nullable(Type.String({ description: '逾時通知管理員的時間（每個時限只通知一次）' })),
  state: Type.Union(
    [
      Type.Literal('running'),
      Type.Literal('overdue'),
      Type.Literal('met'),
      Type.Literal('late'),
      Type.Literal('stopped'),
    ],
    { description: 'running 計時中、overdue 已逾時、met 如期完成、late 逾時完成、stopped 未完成但已不計時' },
  ),
  dueText: Nullable(Type.String({ description: '時限（診所時區，YYYY-MM-DD HH:MM）' })),
});

const caseFields = {
  id: Type.String(),
  number: Type.String({ description: '案件編號，例如 C-2026-0001' }),
  kind: Kind,
  kindLabel: Type.String(),
  category: Category,
  categoryLabel: Type.String(),
  severity: Severity,
  severityLabel: Type.String(),
  status: Status,
  statusLabel: Type.String(),
  source: Source,
  sourceLabel: Type.String(),
  ownerId: Nullable(Type.String()),
  ownerName: Nullable(Type.String()),
  patientId: Nullable(Type.String()),
  patientName: Nullable(Type.String()),
  lineUserId: Nullable(Type.String()),
  contactName: Type.String(),
  contactMethod: ContactMethod,
  contactPhone: Nullable(Type.String()),
  contactTime: Nullable(Type.String()),
  text: Type.String(),
  createdAt: Type.String(),
  firstAction: Clock,
  reply: Clock,
  closedAt: Nullable(Type.String()),
  satisfaction: Nullable(Rating),
  satisfactionLabel: Nullable(Type.String()),
};

export const CaseSummary = Type.Object(caseFields, { $id: 'CaseSummary' });

export const CaseDetail = Type.Object(
  {
    ...caseFields,
    lineDisplayName: Nullable(Type.String()),
    messageId: Nullable(Type.Integer({ description: '由哪一則 LINE 訊息開立' })),
    lineFamily: Type.Array(Type.Object({ id: Type.String(), name: Type.String() }), {
      description: '綁定在這個 LINE 帳號的病患（家人）',
    }),
    events: Type.Array(
      Type.Object({
        id: Type.Integer(),
        kind: Type.String({
          description:
            'opened 開案、acknowledged 受理、replied 回覆、closed 結案、reopened 重新開啟、note 內部備註、' +
            'updated 修改、escalated 逾時通知、details 病患補充、satisfaction 滿意度',
        }),
        text: Type.String(),
        channel: Nullable(Type.String()),
        actor: Type.String(),
        at: Type.String(),
      }),
    ),
    photos: Type.Array(
      Type.Object({ id: Type.String(), contentType: Type.String(), bytes: Type.Integer(), at: Type.String() }),
    ),
  },
  { $id: 'CaseDetail' },
);

export const CaseList = Type.Object({
  items: Type.Array(Type.Ref('CaseSummary')),
  total: Type.Integer(),
  overdue: Type.Integer({ description: '未結案且已逾時的案件數（不受篩選影響）' }),
});

export const CaseListQuery = Type.Object({
  status: Type.Optional(
    Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')], {
      default: 'open',
      description: 'open 未結案（預設）、closed 已結案、all 全部',
    }),
  ),
  kind: Type.Optional(Kind),
  q: Type.Optional(Type.String({ maxLength: 100, description: '搜尋案件編號、內容或聯絡人' })),
  overdue: Type.Optional(Type.Boolean({ description: '只列出已逾時的案件' })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});

export const CaseParams = Type.Object({ id: Type.String() });
export const PhotoParams = Type.Object({ id: Type.String(), photoId: Type.String() });

export const CreateCaseBody = Type.Object(
  {
    kind: Kind,
    category: Category,
    severity: Severity,
    source: Type.Union([Type.Literal('phone'), Type.Literal('staff'), Type.Literal('line')], {
      description: 'phone 電話反映、staff 櫃台當面反映、line 由收件匣的 LINE 訊息開立（需 lineUserId）',
    }),
    text: Text,
    contactName: Type.String({ maxLength: 50 }),
    contactMethod: ContactMethod,
    contactPhone: Nullable(Type.String({ minLength: 1, maxLength: 20, description: '台灣電話號碼' })),
    contactTime: Nullable(
      Type.String({ minLength: 1, maxLength: 100, description: '方便聯絡的時間，例如「平日下午」' }),
    ),
    patientId: Nullable(Type.String({ minLength: 1 })),
    lineUserId: Nullable(Type.String({ minLength: 1, description: '由 LINE 訊息開立時的 LINE 使用者' })),
    messageId: Nullable(
      Type.Integer({ minimum: 1, description: '由哪一則 LINE 訊息開立（同一則訊息只會開立一個案件）' }),
    ),
  },
  { additionalProperties: false },
);

export const PatchCaseBody = Type.Object(
  {
    kind: Type.Optional(Kind),
    category: Type.Optional(Category),
    severity: Type.Optional(Severity),
    ownerId: Type.Optional(Nullable(Type.String({ minLength: 1, description: '負責人員；null 取消指派' }))),
  },
  { additionalProperties: false },
);

export const MoveBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000, description: '內部備註（病患看不到）' })) },
  { additionalProperties: false },
);

export const ReplyBody = Type.Object(
  {
    channel: Type.Union([Type.Literal('line'), Type.Literal('phone')], {
      description: 'line：以 LINE 傳給病患；phone：已以電話回覆，記錄內容',
    }),
    text: Text,
    clientKey: Type.Optional(
      Type.String({
        minLength: 8,
        maxLength: 64,
        description: '這次回覆的代碼（重送時相同）：同一個代碼只送出、記錄一次',
      }),
    ),
  },
  { additionalProperties: false },
);

export const NoteBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);

export const CaseSettings = Type.Object({
  firstActionHours: Type.Number(),
  replyHours: Type.Number(),
  businessHoursOnly: Type.Boolean(),
  patientText: Type.String({ description: '告訴病患的時限說明' }),
});

export const CaseSettingsBody = Type.Object(
  {
    firstActionHours: Type.Number({ minimum: 0.5, maximum: 168, description: '首次處理（受理）時限，小時' }),
    replyHours: Type.Number({ minimum: 0.5, maximum: 720, description: '回覆時限，小時' }),
    businessHoursOnly: Type.Boolean({ description: 'true：只計算門診時間與看診日；false：全天計算' }),
  },
  { additionalProperties: false },
);

export const StatsQuery = Type.Object({
  from: Type.String({ format: 'date', description: '開案日期起（含，診所時區）' }),
  to: Type.String({ format: 'date', description: '開案日期迄（含）' }),
});

const Figure = Type.Object({
  count: Type.Integer({ description: '已完成的案件數' }),
  medianMinutes: Nullable(Type.Integer({ description: '中位數（分鐘，依時限的計算方式）' })),
  averageMinutes: Nullable(Type.Integer()),
  withinLimit: Type.Integer(),
  withinLimitShare: Nullable(Type.Number({ description: '時限內完成的比例（0–1）' })),
});

export const CaseStats = Type.Object({
  from: Type.String(),
  to: Type.String(),
  total: Type.Integer(),
  open: Type.Integer(),
  byCategory: Type.Array(Type.Object({ category: Category, label: Type.String(), count: Type.Integer() })),
  byMonth: Type.Array(
    Type.Object({
      month: Type.String({ description: 'YYYY-MM' }),
      complaint: Type.Integer(),
      suggestion: Type.Integer(),
      praise: Type.Integer(),
    }),
  ),
  firstAction: Figure,
  reply: Figure,
  satisfaction: Type.Object({
    satisfied: Type.Integer(),
    neutral: Type.Integer(),
    unsatisfied: Type.Integer(),
    answered: Type.Integer(),
    satisfiedShare: Nullable(Type.Number()),
  }),
});

// ---- the patient's LIFF form

export const LiffCaseParams = Type.Object({ channelId: Type.String(), id: Type.String() });

export const LiffCaseBody = Type.Object(
  {
    caseId: Type.Optional(Type.String({ minLength: 1, description: '補充 LINE 聊天開立的案件；不填則開立新案件' })),
    submissionId: Type.String({
      minLength: 8,
      maxLength: 64,
      description: '這次送出的代碼（重送時相同，不會開立兩個案件）',
    }),
    kind: Kind,
    category: Category,
    text: Type.String({ maxLength: 5000 }),
    photos: Type.Array(Type.String({ maxLength: 3_000_000, description: 'JPEG 或 PNG，Base64' }), { maxItems: 3 }),
    contactMethod: ContactMethod,
    contactPhone: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    contactTime: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const LiffCase = Type.Object({
  id: Type.String(),
  number: Type.String(),
  kind: Kind,
  category: Category,
  statusLabel: Type.String(),
  text: Type.String(),
  photos: Type.Integer(),
  contactMethod: ContactMethod,
  contactPhone: Nullable(Type.String()),
  contactTime: Nullable(Type.String()),
  limitsText: Type.String(),
  closed: Type.Boolean(),
});
