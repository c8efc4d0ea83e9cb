// Request and response schemas of recall rules and the recall list.
import { Type } from 'typebox';
import { RECALL_OUTCOMES } from './service.ts';

export const RecallRuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50, description: '名稱，例如「半年洗牙」' }),
    kind: Type.Enum(['after_visit', 'yearly', 'chronic_refill'], {
      description: 'after_visit 就診後幾天、yearly 年度、chronic_refill 慢性處方箋領藥',
    }),
    visitType: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 50 }), Type.Null()], {
        description: '以哪種就診類別為準（null＝任何就診）',
      }),
    ),
    intervalDays: Type.Integer({ minimum: 1, maximum: 3650, description: '上次就診後幾天提醒' }),
    message: Type.String({ minLength: 1, maxLength: 500, description: '訊息內容；{name} 代入病患姓名' }),
    button: Type.Enum(['booking', 'call'], { description: 'booking 線上預約按鈕、call 打電話按鈕' }),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const RecallRule = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: RecallRuleBody.properties.kind,
  visitType: Type.Union([Type.String(), Type.Null()]),
  intervalDays: Type.Integer(),
  message: Type.String(),
  button: RecallRuleBody.properties.button,
  enabled: Type.Boolean(),
});

export const RecallRules = Type.Object({ items: Type.Array(RecallRule) });

export const RecallListQuery = Type.Object({
  status: Type.Optional(Type.Enum(['due', 'sent', 'booked', 'declined', 'no_answer', 'skipped'])),
  ruleId: Type.Optional(Type.String({ maxLength: 100, description: '規則 id' })),
  page: Type.Optional(Type.Integer({ minimum: 1, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const RecallList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      patientId: Type.String(),
      patientName: Type.String(),
      chartNo: Nullable(Type.String()),
      phoneMasked: Nullable(Type.String()),
      lineStatus: Type.String(),
      ruleName: Type.String(),
      basisVisitAt: Type.String({ description: '作為依據的就診時間' }),
      dueDate: Type.String(),
      status: Type.String(),
      statusLabel: Type.String(),
      channel: Nullable(Type.String({ description: 'line 或 sms' })),
      sentAt: Nullable(Type.String()),
      outcome: Nullable(Type.String()),
      outcomeAt: Nullable(Type.String()),
      outcomeBy: Nullable(Type.String()),
      note: Type.String(),
    }),
  ),
});

export const RecallPreview = Type.Object({
  rules: Type.Array(Type.Object({ ruleId: Type.String(), name: Type.String(), due: Type.Integer() })),
  total: Type.Integer(),
  nextScanAt: Type.Union([Type.String(), Type.Null()]),
});

export const OutcomeBody = Type.Object(
  {
    outcome: Type.Enum([...RECALL_OUTCOMES], { description: 'booked 已預約、declined 婉拒、no_answer 未接聽' }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const ScanResult = Type.Object({ created: Type.Integer(), sent: Type.Integer(), failed: Type.Integer() });

export const OutcomeResult = Type.Object({ ok: Type.Boolean() });
