// Request and response schemas of questionnaires (back office and the patient's LIFF form).
import { Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const L = Type.Literal;

const QuestionType = Type.Union([L('single'), L('multi'), L('scale'), L('nps'), L('text')], {
  description: 'single 單選、multi 多選、scale 1–5 分量表、nps 推薦分數 0–10、text 文字回答',
});
const Code = Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$' });
export const Question = Type.Object(
  {
    id: { ...Code, description: '題目代碼（同一份問卷內不重複；英數字、-、_）' },
    type: QuestionType,
    title: Type.String({ minLength: 1, maxLength: 200, description: '題目' }),
    required: Type.Boolean({ description: '是否必填' }),
    options: Type.Optional(
      Type.Array(
        Type.Object(
          { id: { ...Code, description: '選項代碼' }, label: Type.String({ minLength: 1, maxLength: 100 }) },
          { additionalProperties: false },
        ),
        { maxItems: 12, description: '選項（單選、多選必填 2–12 個；其他題型不可有）' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const QuestionnaireBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 100, description: '問卷名稱（病患看得到）' }),
    intro: Type.Optional(Type.String({ maxLength: 500, description: '開頭說明' })),
    questions: Type.Array(Question, { minItems: 1, maxItems: 30, description: '題目，依順序顯示' }),
    closesAt: Type.Optional(Nullable(Type.String({ format: 'date-time', description: '截止時間（之後不再收答案）' }))),
    afterVisit: Type.Optional(Type.Boolean({ description: '看診完成後自動寄出' })),
    afterVisitDelayMinutes: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 10080, description: '看診完成後幾分鐘寄出（預設 120）' }),
    ),
    afterVisitTypes: Type.Optional(
      Nullable(
        Type.Array(Type.String({ minLength: 1, maxLength: 50 }), {
          maxItems: 20,
          description: '只在這些就診類別後寄出（null＝所有就診）',
        }),
      ),
    ),
    template: Type.Optional(Nullable(Type.Union([L('satisfaction')], { description: '由哪個範本建立' }))),
  },
  { additionalProperties: false },
);

export const Questionnaire = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    intro: Type.String(),
    questions: Type.Array(Question),
    closesAt: Nullable(Type.String()),
    closed: Type.Boolean({ description: '已截止' }),
    afterVisit: Type.Boolean(),
    afterVisitDelayMinutes: Type.Integer(),
    afterVisitTypes: Nullable(Type.Array(Type.String())),
    template: Nullable(Type.String()),
    locked: Type.Boolean({ description: '已寄出過：題目不能再修改' }),
    recipients: Type.Integer({ description: '對象人數（含未能寄出者）' }),
    sent: Type.Integer({ description: '已傳送、尚未填答' }),
    answered: Type.Integer({ description: '已填答' }),
    queued: Type.Integer({ description: '排程中（例如等勿擾時段結束）' }),
    notSent: Type.Integer({ description: '未能寄出（未綁定 LINE、達上限、已截止）' }),
    responseRate: Nullable(Type.Number({ description: '回覆率＝已填答 ÷ 已送達（0–1）' })),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'Questionnaire' },
);

export const QuestionnaireList = Type.Object({ items: Type.Array(Type.Ref('Questionnaire')) });

export const Templates = Type.Object({
  items: Type.Array(
    Type.Object({ id: Type.String(), title: Type.String(), intro: Type.String(), questions: Type.Array(Question) }),
  ),
});

export const SendBody = Type.Object(
  {
    audience: Type.Union([L('segment'), L('tag')], { description: 'segment 已存的分眾、tag 標籤' }),
    audienceId: Type.String({ minLength: 1, maxLength: 64, description: '分眾或標籤的 id' }),
  },
  { additionalProperties: false },
);
export const SendResult = Type.Object({
  sendId: Type.String(),
  audienceLabel: Type.String(),
  matched: Type.Integer({ description: '符合條件的病患' }),
  added: Type.Integer({ description: '新加入的對象' }),
  alreadyAsked: Type.Integer({ description: '先前已寄過這份問卷而略過' }),
  queued: Type.Integer({ description: '將以 LINE 傳送' }),
  noLine: Type.Integer({ description: '未綁定 LINE，無法傳送' }),
});
export const Sends = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      audienceKind: Type.String(),
      audienceLabel: Type.String(),
      matched: Type.Integer(),
      queued: Type.Integer(),
      createdBy: Type.String(),
      createdAt: Type.String(),
    }),
  ),
});

const QuestionResult = Type.Object({
  questionId: Type.String(),
  type: QuestionType,
  title: Type.String(),
  answered: Type.Integer(),
  counts: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), count: Type.Integer() }), {
    description: '選擇題：各選項人數；量表與 NPS：各分數人數',
  }),
  average: Nullable(Type.Number()),
  nps: Nullable(Type.Integer({ description: 'NPS＝推薦者(9–10)% − 批評者(0–6)%' })),
  promoters: Type.Integer(),
  passives: Type.Integer(),
  detractors: Type.Integer(),
  texts: Type.Array(Type.Object({ text: Type.String(), submittedAt: Type.String() })),
});
export const Results = Type.Object({
  questionnaire: Type.Ref('Questionnaire'),
  responses: Type.Integer(),
  questions: Type.Array(QuestionResult),
});

export const ExportQuery = Type.Object({
  format: Type.Union([L('csv'), L('xlsx')], { description: 'csv 或 xlsx' }),
});

// ---- LIFF ----
export const LiffParams = Type.Object({ channelId: Type.String(), id: Type.String({ maxLength: 64 }) });
export const LiffQuestionnaire = Type.Object({
  id: Type.String(),
  title: Type.String(),
  intro: Type.String(),
  clinicName: Type.String(),
  questions: Type.Array(Question),
  closesAt: Nullable(Type.String()),
  state: Type.Union([L('open'), L('answered'), L('closed')], {
    description: 'open 可填答、answered 已填答、closed 已截止',
  }),
  answeredAt: Nullable(Type.String()),
});
export const LiffAnswerBody = Type.Object(
  {
    answers: Type.Array(
      Type.Object(
        {
          questionId: Type.String({ minLength: 1, maxLength: 40 }),
          value: Type.Union(
            [
              Type.String({ maxLength: 5000 }),
              Type.Integer(),
              Type.Array(Type.String({ maxLength: 40 }), { maxItems: 12 }),
            ],
            { description: '單選：選項代碼；多選：選項代碼陣列；量表與 NPS：整數；文字：字串（未答的題目不送）' },
          ),
        },
        { additionalProperties: false },
      ),
      { maxItems: 30 },
    ),
  },
  { additionalProperties: false },
);
export const LiffAnswerResult = Type.Object({ ok: Type.Boolean(), submittedAt: Type.String() });
