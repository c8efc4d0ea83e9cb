// Request and response schemas of the satisfaction routes (settings, dashboard, export, and the
// patient's comment page).
import { Type } from 'typebox';
import { COMMENT_MAX } from './service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const day = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });
const Rate = (description: string) =>
  Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description });
const Stars = Type.Integer({ minimum: 1, maximum: 5, description: '星等：1 最不滿意、5 最滿意' });

const settingsFields = {
  enabled: Type.Boolean({ description: '是否在看診完成後傳送滿意度調查' }),
  delayMinutes: Type.Integer({
    minimum: 0,
    maximum: 2880,
    description: 'HIS 標記看診完成後多久傳送（分鐘，預設 120）；遇到安靜時段則延到時段結束',
  }),
  validityDays: Type.Integer({ minimum: 1, maximum: 60, description: '傳送後幾天內可以回覆（預設 7 天）' }),
  minDaysBetween: Type.Integer({
    minimum: 0,
    maximum: 365,
    description: '同一位病患至少間隔幾天才再邀請（滿意度調查與問卷合計；0 表示不限）',
  }),
  doctorIds: Nullable(
    Type.Array(Type.String({ minLength: 1 }), {
      maxItems: 200,
      description: '只調查這些醫師的門診；null 表示所有醫師',
    }),
  ),
  visitTypes: Nullable(
    Type.Array(Type.String({ minLength: 1, maxLength: 50 }), {
      maxItems: 200,
      description: '只調查這些看診類別；null 表示所有類別',
    }),
  ),
  placeId: Type.String({
    maxLength: 2000,
    description:
      'Google 地點 ID（Place ID，例如 ChIJ 開頭的代碼），也可貼上含 placeid= 的評論連結；空字串表示不提供 Google 評論連結',
  }),
  messageText: Type.String({
    maxLength: 500,
    description: '邀請訊息；可用 {name}（病患姓名）、{clinic}（診所名稱）、{doctor}（醫師）',
  }),
};

export const SurveySettingsBody = Type.Object(settingsFields, { additionalProperties: false });
export const SurveySettings = Type.Object({
  ...settingsFields,
  reviewUrl: Nullable(Type.String({ description: '由 Place ID 產生的 Google 評論連結' })),
});

const LineMessage = Type.Unsafe<Record<string, unknown>>(
  Type.Object({ type: Type.String() }, { additionalProperties: true, description: 'LINE 訊息物件' }),
);
export const PreviewBody = Type.Object(
  { messageText: Type.String({ maxLength: 500 }), placeId: Type.String({ maxLength: 2000 }) },
  { additionalProperties: false },
);
export const PreviewResponse = Type.Object({
  survey: LineMessage,
  afterLow: Type.Array(LineMessage, { description: '評 2 星後收到的訊息（含「哪裡可以更好」與 Google 評論連結）' }),
  afterHigh: Type.Array(LineMessage, { description: '評 5 星後收到的訊息（同樣附 Google 評論連結）' }),
});

export const ReportQuery = Type.Object({
  from: Type.Optional(day('起始日（含，診所時區 YYYY-MM-DD，依調查傳送日），預設 29 天前')),
  to: Type.Optional(day('結束日（含），預設今天；最多 366 天')),
  doctorId: Type.Optional(Type.String({ minLength: 1, description: '只看這位醫師' })),
  visitType: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '只看這個看診類別' })),
  granularity: Type.Optional(
    Type.Union([Type.Literal('day'), Type.Literal('week')], {
      description: '趨勢：day 每日（預設）、week 每週（週一起算）',
    }),
  ),
});

const figures = {
  sent: Type.Integer({ description: '已傳送的調查數' }),
  answered: Type.Integer({ description: '已回覆的調查數' }),
  responseRate: Rate('回覆率：已回覆 ÷ 已傳送；沒有傳送時為 null'),
  average: Type.Union([Type.Number(), Type.Null()], { description: '平均星等（小數兩位）；沒有回覆時為 null' }),
  distribution: Type.Array(Type.Object({ stars: Stars, count: Type.Integer() }), { description: '1–5 星各幾人' }),
  comments: Type.Integer({ description: '留下意見的人數' }),
  lowScores: Type.Integer({ description: '3 星以下的人數' }),
  cases: Type.Integer({ description: '開立意見案件的件數' }),
};
export const SummaryResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timeZone: Type.String(),
  granularity: Type.String(),
  total: Type.Object(figures),
  trend: Type.Array(
    Type.Object({
      period: Type.String({ description: '該日或該週第一天（週一）' }),
      sent: Type.Integer(),
      answered: Type.Integer(),
      average: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
  byDoctor: Type.Array(Type.Object({ doctorId: Type.String(), name: Type.String(), ...figures })),
  byVisitType: Type.Array(Type.Object({ visitType: Nullable(Type.String()), name: Type.String(), ...figures })),
});

export const AnswersQuery = Type.Object({
  ...ReportQuery.properties,
  stars: Type.Optional(
    Type.String({ pattern: '^[1-5](,[1-5])*$', description: '只看這些星等，以逗號分隔，例如 1,2,3' }),
  ),
  withComment: Type.Optional(Type.Boolean({ description: '只看有留下意見的回覆' })),
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
});
export const AnswersResponse = Type.Object({
  total: Type.Integer(),
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      patientId: Type.String(),
      patientName: Type.String(),
      chartNo: Nullable(Type.String()),
      doctorId: Type.String(),
      doctorName: Type.String(),
      visitType: Nullable(Type.String()),
      visitAt: Type.String(),
      sentAt: Type.String(),
      stars: Stars,
      answeredAt: Type.String(),
      comment: Nullable(Type.String()),
      commentVia: Nullable(
        Type.Union([Type.Literal('line'), Type.Literal('liff')], { description: 'line 聊天室回覆、liff 意見頁' }),
      ),
      reviewOffered: Type.Boolean({ description: '回覆後是否提供了 Google 評論連結' }),
      caseId: Nullable(Type.String()),
      caseNumber: Nullable(Type.String()),
    }),
  ),
});

export const ExportQuery = Type.Object({
  ...ReportQuery.properties,
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { description: 'csv 或 xlsx' }),
});

// ---- the patient's comment page

export const LiffSurveyParams = Type.Object({ channelId: Type.String(), id: Type.String() });
export const LiffSurveyBody = Type.Object(
  {
    submissionId: Type.String({ minLength: 8, maxLength: 64, description: '這次送出的代碼（重送時相同）' }),
    stars: Type.Optional(Stars),
    comment: Type.String({
      maxLength: 20_000,
      description: `意見（最多 ${COMMENT_MAX} 字；超過時回 422 並說明字數）`,
    }),
  },
  { additionalProperties: false },
);
export const LiffSurvey = Type.Object({
  id: Type.String(),
  visitDate: Type.String({ description: '看診日（診所時區 YYYY-MM-DD）' }),
  doctorName: Type.String(),
  visitType: Nullable(Type.String()),
  stars: Nullable(Stars),
  comment: Nullable(Type.String()),
  expired: Type.Boolean(),
  caseNumber: Nullable(Type.String({ description: '意見開立的案件編號（3 星以下並留下意見時）' })),
  askImprove: Type.Boolean({ description: '3 星以下：詢問「想讓我們知道哪裡可以更好嗎？」' }),
  reviewUrl: Nullable(Type.String({ description: 'Google 評論連結（每位回覆者都會看到，不論星等）' })),
  commentMax: Type.Integer(),
});
