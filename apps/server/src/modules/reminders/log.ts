// The delivery log of the back office: every reminder of a range of send (or visit) days with
// its state, channel, time, the planner's explanation and error, filtered by rule, state, doctor
// and channel, failed ones first, a page at a time, with counts by state.
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { addDays, isDate, localParts, zonedTime } from '../../platform/time.ts';
import { clinicService } from '../clinics/service.ts';
import { displayState, toView } from './backoffice.ts';
import { reminderLogRepository } from './log.repository.ts';

/** The longest range of days one request may cover (two months). */
export const MAX_LOG_DAYS = 62;

export type LogQuery = {
  from?: string;
  to?: string;
  by: 'send' | 'visit';
  state?: string;
  ruleId?: string;
  doctorId?: string;
  channel?: string;
  q?: string;
  page: number;
  pageSize: number;
};

const dayCount = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;

export function reminderLog(deps: Deps) {
  const repo = reminderLogRepository(deps.db);
  return {
    async list(clinicId: string, q: LogQuery) {
      const tz = (await clinicService(deps).get(clinicId)).timeZone;
      const today = localParts(deps.clock.now(), tz).date;
      const from = q.from ?? today;
      const to = q.to ?? from;
      for (const [field, v] of [
        ['from', from],
        ['to', to],
      ] as const)
        if (!isDate(v)) throw errors.validation([{ field, code: 'date', message: `${v} 不是有效的日期` }]);
      if (to < from) throw new AppError('RANGE_REVERSED', 422, '結束日不能早於起始日');
      if (dayCount(from, to) > MAX_LOG_DAYS)
        throw new AppError('RANGE_TOO_LONG', 422, `一次最多查詢 ${MAX_LOG_DAYS} 天，請縮小日期範圍`);
      const filter = {
        from: zonedTime(from, '00:00', tz).toISOString(),
        to: zonedTime(addDays(to, 1), '00:00', tz).toISOString(),
        by: q.by,
        state: q.state,
        ruleId: q.ruleId,
        doctorHisId: q.doctorId,
        channel: q.channel,
        q: q.q,
      };
      const [rows, counts] = await Promise.all([
        repo.page(clinicId, filter, { limit: q.pageSize + 1, offset: (q.page - 1) * q.pageSize }),
        repo.countByState(clinicId, filter),
      ]);
      const summary: Record<string, number> = { planned: 0, sent: 0, answered: 0, failed: 0, skipped: 0, cancelled: 0 };
      for (const c of counts) {
        const s = displayState(c.state === 'sending' ? 'planned' : c.state, c.reply_status);
        summary[s] = (summary[s] ?? 0) + Number(c.n);
      }
      const total = q.state ? (summary[q.state] ?? 0) : Object.values(summary).reduce((a, n) => a + n, 0);
      return {
        from,
        to,
        by: q.by,
        items: rows.slice(0, q.pageSize).map(toView),
        total,
        summary,
        page: q.page,
        pageSize: q.pageSize,
        hasMore: rows.length > q.pageSize,
      };
    },
  };
}
