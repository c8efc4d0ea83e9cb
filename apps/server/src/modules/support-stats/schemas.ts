// Request and response schemas of GET /api/support/stats (客服 › 客服成效).
import { Type } from 'typebox';

const day = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });
const Rate = (description: string) =>
  Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description });

const Timing = (description: string) =>
  Type.Object(
    {
      count: Type.Integer({ description: '已完成的件數' }),
      medianMinutes: Type.Union([Type.Number(), Type.Null()], { description: '中位數（分鐘）' }),
      averageMinutes: Type.Union([Type.Number(), Type.Null()], { description: '平均（分鐘）' }),
      withinLimit: Type.Integer({ description: '在時限內完成的件數' }),
      withinLimitShare: Type.Union([Type.Number(), Type.Null()], { description: '在時限內完成的比例' }),
    },
    { description },
  );

export const StatsQuery = Type.Object({
  from: Type.Optional(day('起始日（含，診所時區 YYYY-MM-DD），預設 27 天前（共 4 週）')),
  to: Type.Optional(day('結束日（含），預設今天；最多 366 天')),
  granularity: Type.Optional(
    Type.Union([Type.Literal('day'), Type.Literal('week')], {
      default: 'day',
      description: 'day：每日；week：每週（週一起算）',
    }),
  ),
});

const figures = {
  questions: Type.Integer({ description: '病患傳來的文字訊息（問題）數' }),
  answeredByBot: Type.Integer({ description: '由機器人回答（常見問題、自動回覆、提醒的文字回覆）' }),
  answeredByPerson: Type.Integer({ description: '由櫃台人員回答' }),
  unanswered: Type.Integer({ description: '尚無人回答' }),
  answerRate: Rate('回答率：（機器人＋人員）÷ 問題數；沒有問題時為 null'),
  botShare: Rate('機器人回答的比例'),
  handedShare: Rate('轉給真人的比例（機器人沒有回答的問題）'),
  medianFirstResponseMinutes: Type.Union([Type.Number(), Type.Null()], {
    description: '人員首次回覆時間的中位數（分鐘）：從開始等待（待回覆）到第一則人員訊息',
  }),
  personResponses: Type.Integer({ description: '人員回覆的等待次數（中位數的樣本數）' }),
};
const Figures = Type.Object(figures);

export const StatsResponse = Type.Object({
  from: Type.String(),
  to: Type.String(),
  granularity: Type.String(),
  timeZone: Type.String(),
  total: Figures,
  series: Type.Array(Type.Object({ period: Type.String({ description: '該日或該週第一天（週一）' }), ...figures })),
  reminderText: Type.Object(
    {
      total: Type.Integer({ description: '提醒後病患以文字回覆的則數' }),
      byIntent: Type.Record(Type.String(), Type.Integer(), {
        description:
          '判讀結果：confirm 確認、cancel 取消、reschedule 改期、running_late 會晚到、question 問題、other 其他',
      }),
      accepted: Type.Integer({ description: '病患按下一鍵確認、已送出的申請' }),
      handed: Type.Integer({ description: '轉給櫃台人員處理' }),
    },
    { description: '提醒的文字回覆（C4）' },
  ),
  faq: Type.Object(
    {
      asked: Type.Integer({ description: '常見問題機器人被問的問題數' }),
      answered: Type.Integer({ description: '機器人有回答的' }),
      unanswered: Type.Integer({ description: '沒有把握、轉給真人（進入訓練佇列）的' }),
      helpful: Type.Integer({ description: '病患回覆「有幫助」' }),
      notHelpful: Type.Integer({ description: '病患回覆「沒幫助」' }),
    },
    { additionalProperties: true, description: '常見問題機器人的統計' },
  ),
  cases: Type.Object(
    {
      total: Type.Integer({ description: '期間內開立的客訴與意見案件' }),
      open: Type.Integer({ description: '尚未結案' }),
      firstAction: Timing('首次處理（受理）：營業時間內的分鐘數'),
      reply: Timing('回覆病患：營業時間內的分鐘數'),
      satisfaction: Type.Object(
        {
          satisfied: Type.Integer(),
          neutral: Type.Integer(),
          unsatisfied: Type.Integer(),
          answered: Type.Integer(),
          satisfiedShare: Type.Union([Type.Number(), Type.Null()]),
        },
        { additionalProperties: true, description: '結案時「這次的處理您滿意嗎？」的回答' },
      ),
    },
    { additionalProperties: true, description: '客訴與意見案件的統計（依類別與月份的明細見客訴與意見頁）' },
  ),
});
