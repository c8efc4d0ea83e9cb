// The month's LINE and SMS usage for the quota page: the days of the clinic's month (their start
// instants, for counting per day in SQL), what each logged message was for (its source → a
// purpose), and the day-by-day series with a forecast to the month's end.
import { addDays, zonedTime } from '../../platform/time.ts';

/** The local dates of `month` (YYYY-MM) and the instants (ISO) at which each starts, plus the month's end. */
export function monthDays(month: string, timeZone: string): { dates: string[]; bounds: string[] } {
  const dates: string[] = [];
  for (let d = `${month}-01`; d.startsWith(month); d = addDays(d, 1)) dates.push(d);
  const bounds = [...dates, addDays(dates[dates.length - 1], 1)].map((d) =>
    zonedTime(d, '00:00', timeZone).toISOString(),
  );
  return { dates, bounds };
}

export const PURPOSES = ['reminder', 'reply', 'recall', 'staff', 'test', 'broadcast', 'care_plan', 'other'] as const;
export type Purpose = (typeof PURPOSES)[number];
export const PURPOSE_LABEL: Record<Purpose, string> = {
  reminder: '提醒',
  reply: '回覆',
  recall: '回診',
  staff: '人工訊息',
  test: '測試',
  broadcast: '群發',
  care_plan: '衛教',
  other: '其他',
};

// Sources that answer something the patient did (a tap, a keyword, a message, a follow, a
// binding): sent with the free Reply API while the event's reply token is valid.
const ANSWER_SOURCES = new Set(['reminder.answer', 'acknowledgement', 'greeting', 'binding', 'binding.family']);

/** What a logged message was for, from the source its sender wrote (line_messages.source). */
export function purposeOf(source: string): Purpose {
  if (source === 'test' || source.endsWith('.test')) return 'test';
  if (ANSWER_SOURCES.has(source) || source.startsWith('answer.') || source.startsWith('auto_reply')) return 'reply';
  if (source === 'reminder' || source.startsWith('reminder.')) return 'reminder';
  if (source.startsWith('recall')) return 'recall';
  if (source === 'staff' || source.startsWith('staff.')) return 'staff';
  if (source.startsWith('broadcast')) return 'broadcast';
  if (source.startsWith('care_plan')) return 'care_plan';
  return 'other';
}

export type DayUsage = {
  date: string;
  pushes: number;
  replies: number;
  pnp: number;
  /** Reminders still to go out that day (today: the rest of the day, overdue ones included). */
  planned: number;
  /** Expected pushes of a day still to come (today: the rest of it); null for past days. */
  forecast: number | null;
  /** Pushes of the month up to and including the day: counted until today, then forecast. */
  cumulative: number;
};

/**
 * The month day by day. Past days show what was pushed; today and the days ahead add what is
 * planned (the reminders) and the pace of the other pushes so far (answers pushed late, staff
 * messages, recalls …, per elapsed day) — reminders are not extrapolated, they are planned.
 */
export function dailySeries(input: {
  dates: string[];
  today: string;
  /** Elapsed part of the month in days (at least a small fraction), for the pace. */
  elapsedDays: number;
  /** Remaining part of today, 0–1. */
  restOfToday: number;
  used: { bucket: number; method: string; purpose: Purpose; n: number }[];
  planned: { date: string; n: number }[];
}): { days: DayUsage[]; pace: number; forecast: number } {
  const { dates, today } = input;
  const days: DayUsage[] = dates.map((date) => ({
    date,
    pushes: 0,
    replies: 0,
    pnp: 0,
    planned: 0,
    forecast: null,
    cumulative: 0,
  }));
  let otherPushes = 0;
  for (const u of input.used) {
    const d = days[u.bucket];
    if (!d) continue;
    if (u.method === 'push') {
      d.pushes += u.n;
      if (u.purpose !== 'reminder') otherPushes += u.n;
    } else if (u.method === 'reply') d.replies += u.n;
    else if (u.method === 'pnp') d.pnp += u.n;
  }
  const byDate = new Map(days.map((d) => [d.date, d]));
  for (const p of input.planned) {
    const d = byDate.get(p.date);
    if (d) d.planned += p.n;
  }
  const pace = otherPushes / Math.max(input.elapsedDays, 1 / 24);
  let total = 0;
  for (const d of days) {
    if (d.date < today) {
      total += d.pushes;
    } else {
      const ahead = d.planned + pace * (d.date === today ? input.restOfToday : 1);
      d.forecast = Math.round(ahead * 10) / 10;
      total += (d.date === today ? d.pushes : 0) + ahead;
    }
    d.cumulative = Math.round(total);
  }
  return { days, pace: Math.round(pace * 10) / 10, forecast: Math.round(total) };
}
