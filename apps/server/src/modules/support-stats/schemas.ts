// Request and response schemas of GET /api/support/stats (客服 › 客服成效).
import { Type } from 'typebox';

const day = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });
const Rate = (description: string) =>
  Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description });

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
  faq: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
    description: '常見問題機器人的統計（尚未啟用時為 null）',
  }),
  cases: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], {
    description: '客訴與意見案件的統計（尚未啟用時為 null）',
  }),
});
