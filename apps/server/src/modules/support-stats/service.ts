// 客服 › 客服成效: seed 004's figures (answer rate, share answered by the bot, share handed to a
// person, median first response time of people) from the line module's message log, the
// free-text answers to reminders, and — when those modules are present — the FAQ bot's and the
// complaint cases' own statistics. Composes the owners' services; owns no table.
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { addDays, isDate, localParts, zonedTime } from '../../platform/time.ts';
import { caseService } from '../cases/service.ts';
import { clinicService } from '../clinics/service.ts';
import { faqService } from '../faq/service.ts';
import { lineMetrics, type Granularity } from '../line/metrics.ts';
import { reminderTextStats } from '../reminder-text/stats.ts';

export const MAX_STATS_DAYS = 366;
const dayCount = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;

export function supportStatsService(deps: Deps) {
  return {
    async stats(clinicId: string, q: { from?: string; to?: string; granularity?: Granularity }) {
      const tz = (await clinicService(deps).get(clinicId)).timeZone;
      const today = localParts(deps.clock.now(), tz).date;
      const to = q.to ?? today;
      const from = q.from ?? addDays(to, -27);
      for (const [field, v] of [
        ['from', from],
        ['to', to],
      ] as const)
        if (!isDate(v)) throw errors.validation([{ field, code: 'date', message: `${v} 不是有效的日期` }]);
      if (to < from) throw new AppError('RANGE_REVERSED', 422, '結束日不能早於起始日');
      if (dayCount(from, to) > MAX_STATS_DAYS)
        throw new AppError('RANGE_TOO_LONG', 422, `一次最多查詢 ${MAX_STATS_DAYS} 天，請縮小日期範圍`);
      const granularity = q.granularity ?? 'day';
      const start = zonedTime(from, '00:00', tz).toISOString();
      const end = zonedTime(addDays(to, 1), '00:00', tz).toISOString();
      const [answers, reminderText, faq, cases] = await Promise.all([
        lineMetrics(deps).answerFigures(clinicId, from, to, tz, granularity),
        reminderTextStats(deps, clinicId, from, to, tz),
        faqService(deps).stats(clinicId, start, end),
        caseService(deps).stats(clinicId, from, to),
      ]);
      return {
        from,
        to,
        granularity,
        timeZone: tz,
        ...answers,
        reminderText,
        faq,
        cases,
      };
    },
  };
}
