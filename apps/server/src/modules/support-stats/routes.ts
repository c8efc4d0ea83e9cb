// 客服 › 客服成效: the figures of a period, per day or week.
import { clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { StatsQuery, StatsResponse } from './schemas.ts';
import { supportStatsService } from './service.ts';

export function supportStatsRoutes(app: App, deps: Deps): void {
  const svc = supportStatsService(deps);
  app.get(
    '/api/support/stats',
    {
      schema: {
        tags: ['後台：客服'],
        summary: '客服成效',
        description:
          '一段日期（診所時區）內病患傳來的問題有多少得到回答（機器人或人員）、機器人回答的比例、轉給真人的比例、' +
          '人員首次回覆時間的中位數（從待回覆到第一則人員訊息），合計與每日或每週；另含提醒的文字回覆判讀結果，' +
          '以及常見問題機器人與客訴案件的統計。期間結束後 7 天內的回覆仍計入。一次最多 366 天。',
        querystring: StatsQuery,
        response: { 200: StatsResponse, ...errorResponses(400, 401, 403, 422) },
      },
      preHandler: requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']),
    },
    async (req) => svc.stats(clinicOf(req), req.query),
  );
}
