// Request and response schemas of the delivery log, the month's usage and cost, the unit prices
// and the admin notices (log-routes.ts). The log's rows are the registered `Reminder` schema.
import { Type } from 'typebox';
import { PURPOSES } from './usage.ts';

const day = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const LogQuery = Type.Object({
  from: Type.Optional(day('起始日（含，診所時區 YYYY-MM-DD），預設今天')),
  to: Type.Optional(day('結束日（含），預設與起始日相同；最多 62 天')),
  by: Type.Optional(
    Type.Union([Type.Literal('send'), Type.Literal('visit')], {
      default: 'send',
      description: 'send：依發送（排定）時間；visit：依看診時間',
    }),
  ),
  state: Type.Optional(
    Type.Union(
      ['planned', 'sent', 'answered', 'failed', 'skipped', 'cancelled'].map((s) => Type.Literal(s)),
      {
        description:
          'planned 排程中、sent 已送出（未回覆）、answered 已回覆、failed 失敗、skipped 略過、cancelled 已取消',
      },
    ),
  ),
  ruleId: Type.Optional(Type.String({ maxLength: 40, description: '規則代碼（含該規則的重新發送）' })),
  doctorId: Type.Optional(Type.String({ maxLength: 64, description: 'HIS 醫師代碼' })),
  channel: Type.Optional(
    Type.Union([Type.Literal('line'), Type.Literal('sms'), Type.Literal('pnp')], {
      description: 'line：LINE 推播；sms：簡訊；pnp：LINE 通知訊息（以電話號碼送達）',
    }),
  ),
  q: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 100,
      description: '搜尋：病患姓名（部分相符）、病歷號（完全相符）或 HIS 預約代碼（開頭相符）',
    }),
  ),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

export const LogResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  by: Type.String(),
  items: Type.Array(Type.Ref('Reminder'), { description: '失敗的排最前，其餘依時間由新到舊' }),
  total: Type.Integer({ description: '符合條件的筆數' }),
  summary: Type.Record(Type.String(), Type.Integer(), {
    description: '符合條件（不含狀態篩選）的各狀態數量',
  }),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  hasMore: Type.Boolean(),
});

const Prices = Type.Object({
  smsPoint: NullableNumber,
  pnpMessage: NullableNumber,
  updatedAt: NullableString,
  updatedBy: NullableString,
});

export const PricesBody = Type.Object(
  {
    smsPoint: Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()], {
      description: '每一簡訊點數（計費段）的新台幣單價，依與簡訊商的合約，最多 3 位小數；null＝未設定',
    }),
    pnpMessage: Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()], {
      description: '每則 LINE 通知訊息的新台幣單價，依與 LINE 的合約；null＝未設定',
    }),
  },
  { additionalProperties: false },
);

export const QuotaResponse = Type.Object({
  month: Type.String({ description: 'YYYY-MM（診所時區）' }),
  timeZone: Type.String(),
  used: Type.Integer({ description: '本月已用推播則數（我們的計數與 LINE 回報取較大者）' }),
  pushes: Type.Integer({ description: '本月我們記錄的推播（計入額度）' }),
  replies: Type.Integer({ description: '本月以回覆（reply token）送出的訊息：免費，不計入額度' }),
  ours: Type.Object({
    reminders: Type.Integer({ description: '以 LINE 送出的提醒' }),
    otherPushes: Type.Integer({ description: '其他推播（逾時的回覆、人工訊息、回診、測試等）' }),
  }),
  line: Type.Object(
    {
      type: NullableString,
      limit: NullableInt,
      used: NullableInt,
      checkedAt: NullableString,
      error: Type.Optional(Type.String()),
    },
    { description: 'LINE 額度 API（最多每 10 分鐘更新）；type none＝無上限方案' },
  ),
  plannedThisMonth: Type.Integer({ description: '本月尚待發送的提醒（部分可能改以簡訊送出）' }),
  forecast: Type.Integer({
    description: '本月預估推播：已用＋每日排程中的提醒＋其他推播目前每日的速度（到月底）',
  }),
  pace: Type.Number({ description: '提醒以外的推播，本月平均每日則數' }),
  caps: Type.Object(
    { nonEssential: NullableInt, essential: NullableInt },
    { description: '非必要提醒在 nonEssential 停止；必要提醒到 LINE 上限（essential）才停止' },
  ),
  capExplanation: Type.String({ description: '達上限時會發生什麼（一句話）' }),
  percentOfLimit: NullableNumber,
  willExceed: Type.Boolean(),
  sms: Type.Object(
    {
      messages: Type.Integer(),
      segments: Type.Integer(),
      cost: Type.Number({ description: '點數' }),
      pointPrice: NullableNumber,
      ntd: Type.Union([Type.Number(), Type.Null()], { description: '新台幣；未設定點數單價時為 null' }),
    },
    { description: '本月簡訊（提醒備援、回診、綁定驗證碼）則數、計費段數、點數與費用' },
  ),
  pnp: Type.Object(
    {
      messages: Type.Integer(),
      unitPrice: NullableNumber,
      ntd: Type.Union([Type.Number(), Type.Null()], { description: '新台幣；未設定單價時為 null' }),
    },
    { description: '本月 LINE 通知訊息（以電話號碼送達，另行計費，不計入訊息額度）' },
  ),
  costNtd: Type.Union([Type.Number(), Type.Null()], { description: '簡訊＋LINE 通知訊息的新台幣合計（不含方案月費）' }),
  prices: Prices,
  byPurpose: Type.Array(
    Type.Object({
      purpose: Type.String({ description: PURPOSES.join('、') }),
      label: Type.String(),
      pushes: Type.Integer(),
      replies: Type.Integer(),
      pnp: Type.Integer(),
      sms: Type.Integer(),
    }),
    { description: '依用途：提醒、回覆、回診、人工訊息、測試、群發、衛教、其他' },
  ),
  days: Type.Array(
    Type.Object({
      date: Type.String(),
      pushes: Type.Integer(),
      replies: Type.Integer(),
      pnp: Type.Integer(),
      planned: Type.Integer(),
      forecast: NullableNumber,
      cumulative: Type.Integer(),
    }),
    { description: '本月每一天（診所時區）：推播、回覆、通知訊息；今天起加上預估與累計' },
  ),
  notices: Type.Array(
    Type.Object({
      id: Type.Integer(),
      kind: Type.String({ description: 'line_quota_80 達 80%、line_quota_100 達上限' }),
      period: Type.String(),
      level: Type.String(),
      message: Type.String(),
      createdAt: Type.String(),
      readAt: NullableString,
    }),
  ),
});

export const PricesResponse = Prices;
export const QuotaQuery = Type.Object({
  refresh: Type.Optional(
    Type.Boolean({ description: 'true：立即向 LINE 重新查詢方案額度與用量（平常最多每 10 分鐘查詢一次）' }),
  ),
});
export const NoticeParams = Type.Object({ id: Type.Integer() });
