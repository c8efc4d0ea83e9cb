// Request and response schemas of the FAQ bot's routes (常見問題, 同義詞, 機器人訓練, 測試).
import { Type, type Static } from 'typebox';

const FaqButton = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 20, description: '按鈕文字（最多 20 字）' }),
    action: Type.Union([Type.Literal('uri'), Type.Literal('message'), Type.Literal('faq')], {
      description:
        'uri：開啟網址或撥打電話（https:// 或 tel:）；message：代病人送出一句話；faq：顯示另一則常見問題（postback）',
    }),
    value: Type.String({
      minLength: 1,
      maxLength: 1000,
      description: 'uri 的網址、message 的文字（最多 300 字），或 faq 要顯示的常見問題 id',
    }),
  },
  { additionalProperties: false },
);

export const FaqAnswer = Type.Object(
  {
    text: Type.String({
      maxLength: 2000,
      description: '回答內容；可用 {clinic} {hours} {phone} {address}，傳送時換成診所設定的名稱、門診時間、電話、地址',
    }),
    buttons: Type.Array(FaqButton, {
      maxItems: 3,
      description: '按鈕（最多 3 個）；有按鈕時以 Flex 訊息送出，沒有時是一般文字訊息',
    }),
  },
  { additionalProperties: false },
);
export type FaqAnswerValue = Static<typeof FaqAnswer>;

export const FaqBody = Type.Object(
  {
    title: Type.String({
      minLength: 1,
      maxLength: 100,
      description: '問題標題，例如「拔牙後注意事項」（也是一種問法）',
    }),
    category: Type.String({ maxLength: 30, description: '分類，例如「術後照護」；空字串＝未分類' }),
    wordings: Type.Array(Type.String({ maxLength: 200 }), {
      maxItems: 50,
      description: '病人可能的問法（至少一個，不可與本診所其他問法重複）',
    }),
    answer: FaqAnswer,
    enabled: Type.Boolean({ description: '關閉後機器人不再用這則回答' }),
  },
  { additionalProperties: false },
);
export type FaqInput = Static<typeof FaqBody>;

export const Faq = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    category: Type.String(),
    wordings: Type.Array(Type.String()),
    answer: FaqAnswer,
    enabled: Type.Boolean(),
    hits: Type.Integer({ description: '機器人用這則回答的次數' }),
    lastHitAt: Type.Union([Type.String(), Type.Null()]),
    helpful: Type.Integer({ description: '病人回覆「有幫助」的次數' }),
    notHelpful: Type.Integer({ description: '病人回覆「沒幫助」的次數' }),
    updatedAt: Type.String(),
  },
  { $id: 'Faq' },
);

export const FaqList = Type.Object({
  items: Type.Array(Type.Ref('Faq')),
  threshold: Type.Number({ description: '回答門檻（信心分數 0–1）' }),
});

export const FaqParams = Type.Object({ id: Type.String({ maxLength: 40 }) });

export const SynonymBody = Type.Object(
  {
    terms: Type.Array(Type.String({ maxLength: 30 }), {
      maxItems: 30,
      description: '同義詞（至少兩個）；第一個是代表詞，例如 ["停車", "泊車", "停車場"]',
    }),
  },
  { additionalProperties: false },
);

export const Synonym = Type.Object({ id: Type.String(), terms: Type.Array(Type.String()) });
export const SynonymList = Type.Object({ items: Type.Array(Synonym) });

const Candidate = Type.Object({
  faqId: Type.String(),
  title: Type.String(),
  confidence: Type.Number({ description: '信心分數 0–1' }),
  score: Type.Number({ description: 'BM25 分數' }),
});

export const TestBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 5000, description: '病人可能傳的一句話' }) },
  { additionalProperties: false },
);

export const TestResult = Type.Object({
  answered: Type.Boolean({ description: '機器人會不會回答' }),
  reason: Type.Union(
    [Type.Literal('answered'), Type.Literal('low_confidence'), Type.Literal('ambiguous'), Type.Literal('no_match')],
    { description: 'answered：回答；low_confidence：分數低於門檻；ambiguous：前兩名太接近；no_match：沒有相關的問法' },
  ),
  best: Type.Union([Candidate, Type.Null()]),
  candidates: Type.Array(Candidate),
  threshold: Type.Number(),
  margin: Type.Number(),
  answer: Type.Union([FaqAnswer, Type.Null()], { description: '會送出的回答（已代入診所資料）' }),
});

export const QuestionIds = Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 500 });

export const TrainerAddBody = Type.Object(
  {
    questionIds: QuestionIds,
    faqId: Type.String({ maxLength: 40, description: '加入哪一則常見問題' }),
    wording: Type.String({ minLength: 1, maxLength: 200, description: '要加入的問法（通常是病人的原句，可修改）' }),
  },
  { additionalProperties: false },
);

export const TrainerCreateBody = Type.Object(
  { questionIds: QuestionIds, faq: FaqBody },
  { additionalProperties: false },
);

export const TrainerDismissBody = Type.Object({ questionIds: QuestionIds }, { additionalProperties: false });

export const TrainerGroup = Type.Object({
  text: Type.String({ description: '代表的一句（最近一次的問法）' }),
  samples: Type.Array(Type.String(), { description: '同組中不同的問法（最多 5 個）' }),
  count: Type.Integer(),
  firstAskedAt: Type.String(),
  lastAskedAt: Type.String(),
  questionIds: Type.Array(Type.String()),
  unanswered: Type.Integer({ description: '沒有回答的次數' }),
  notHelpful: Type.Integer({ description: '回答了但病人說沒幫助的次數' }),
  suggestion: Type.Union([Candidate, Type.Null()], { description: '最接近的常見問題（預先選好）' }),
});

export const TrainerQueue = Type.Object({ groups: Type.Array(TrainerGroup), total: Type.Integer() });

export const TrainerDone = Type.Object({ updated: Type.Integer({ description: '處理了幾則提問' }) });
