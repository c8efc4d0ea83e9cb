// Request and response schemas of care plans (照護計畫) and enrolments.
import { Type } from 'typebox';

const Hhmm = Type.String({
  pattern: '^([01]\\d|2[0-3]):[0-5]\\d$',
  description: '時間 HH:MM（診所時區）',
  examples: ['19:00'],
});

export const StepWhen = Type.Union(
  [
    Type.Object(
      {
        kind: Type.Literal('day'),
        day: Type.Integer({ minimum: 0, maximum: 365, description: '第幾天（0＝看診當天）' }),
        at: Hhmm,
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        kind: Type.Literal('hours'),
        hours: Type.Number({ exclusiveMinimum: 0, maximum: 8760, description: '看診（或加入計畫）後幾小時' }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: '發送時間：第幾天的幾點（診所時區），或看診後幾小時；安靜時段內會延到安靜時段結束' },
);

export const CheckIn = Type.Object(
  {
    question: Type.String({ maxLength: 200, description: '關心問題，例如「今天傷口還好嗎？」' }),
    options: Type.Array(
      Type.Object(
        {
          label: Type.String({ maxLength: 20, description: '快速回覆按鈕文字（LINE 上限 20 字）' }),
          route: Type.Enum(['fine', 'worrying', 'call'], {
            description: 'fine 沒問題（繼續下一步）、worrying 建立待追蹤（一般）、call 請診所來電（優先）',
          }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 12 },
    ),
  },
  { additionalProperties: false, description: '關心問題與快速回覆選項；「不用再傳」一律自動提供' },
);

export const PlanStep = Type.Object(
  {
    when: StepWhen,
    text: Type.String({
      maxLength: 2000,
      description: '訊息文字；可用 {name} 病患姓名、{clinic} 診所名稱、{phone} 診所電話',
    }),
    imageId: Type.Union([Type.String({ maxLength: 64 }), Type.Null()], {
      description: '圖片（先以 POST /api/inbox/uploads 上傳 JPEG/PNG，最大 1 MB）；沒有為 null',
    }),
    articleId: Type.Union([Type.String({ maxLength: 64 }), Type.Null()], { description: '衛教文章 id；沒有為 null' }),
    checkIn: Type.Union([CheckIn, Type.Null()]),
  },
  { additionalProperties: false },
);

export const PlanTrigger = Type.Union(
  [
    Type.Object(
      {
        kind: Type.Literal('visit'),
        visitTypes: Type.Array(Type.String({ maxLength: 50 }), {
          maxItems: 20,
          description: '看診類別（HIS 的 visitType）',
        }),
        treatmentCodes: Type.Array(Type.String({ maxLength: 30 }), {
          maxItems: 50,
          description: '處置代碼（HIS 的 treatmentCodes）',
        }),
      },
      { additionalProperties: false },
    ),
    Type.Object({ kind: Type.Literal('tag'), tagId: Type.String({ maxLength: 64 }) }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('manual') }, { additionalProperties: false }),
  ],
  {
    description: '觸發：visit 看診完成且看診類別或處置代碼符合、tag 病患被加上標籤（人員加上時）、manual 只由人員加入',
  },
);

export const PlanBody = Type.Object(
  {
    name: Type.String({ maxLength: 50, description: '計畫名稱' }),
    enabled: Type.Optional(Type.Boolean({ description: '是否啟用（新增時預設不啟用）' })),
    trigger: PlanTrigger,
    steps: Type.Array(PlanStep, { maxItems: 20, description: '步驟（依時間排序後儲存；同一時間的兩個步驟會被拒絕）' }),
  },
  { additionalProperties: false },
);

export const Plan = Type.Object({
  id: Type.String(),
  shippedKey: Type.Union([Type.String(), Type.Null()], { description: '內建計畫代碼；診所自建為 null' }),
  name: Type.String(),
  enabled: Type.Boolean(),
  trigger: PlanTrigger,
  steps: Type.Array(PlanStep),
  enrolled: Type.Integer({ description: '進行中的人數' }),
  version: Type.Integer(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});
export const Plans = Type.Object({ items: Type.Array(Plan) });

export const EnabledBody = Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false });
export const EnrolBody = Type.Object(
  { patientId: Type.String({ maxLength: 64, description: '病患 id（Careline 的 id）' }) },
  { additionalProperties: false },
);

export const EnrolmentQuery = Type.Object({
  planId: Type.Optional(Type.String({ maxLength: 64 })),
  patientId: Type.Optional(Type.String({ maxLength: 64 })),
  status: Type.Optional(Type.Enum(['active', 'done', 'ended'])),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
});

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const Enrolment = Type.Object({
  id: Type.String(),
  planId: Type.String(),
  planName: Type.String(),
  patientId: Type.String(),
  patientName: Type.String(),
  chartNo: Nullable(Type.String()),
  lineStatus: Type.String(),
  source: Type.String({ description: 'visit 看診完成、tag 標籤、staff 人員加入' }),
  anchorAt: Type.String({ description: '第 0 天（看診時間或加入時間）' }),
  status: Type.String(),
  statusLabel: Type.String(),
  endReason: Nullable(Type.String()),
  endReasonLabel: Nullable(Type.String()),
  endedAt: Nullable(Type.String()),
  endedBy: Nullable(Type.String()),
  createdAt: Type.String(),
  nextStep: Nullable(Type.Integer()),
  nextAt: Nullable(Type.String()),
  steps: Type.Array(
    Type.Object({
      index: Type.Integer(),
      when: Type.String(),
      dueAt: Type.String(),
      status: Type.String(),
      statusLabel: Type.String(),
      reason: Nullable(Type.String()),
      sentAt: Nullable(Type.String()),
      answer: Nullable(Type.String()),
      answerRoute: Nullable(Type.String()),
      followUpId: Nullable(Type.String()),
    }),
  ),
});
export const Enrolments = Type.Object({ items: Type.Array(Enrolment), total: Type.Integer() });
