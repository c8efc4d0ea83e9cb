// The periods of a report in the clinic's calendar: local dates (YYYY-MM-DD) grouped by day,
// week (Monday first; a week is named by its Monday) or month (YYYY-MM). Pure date arithmetic
// on local dates — the roll-up rows already carry the clinic's local day, so no time zone is
// needed here; "today" comes from platform/time.ts in the clinic's zone.
import { addDays, weekdayOf } from '../../platform/time.ts';

export const GRAINS = ['day', 'week', 'month'] as const;
export type Grain = (typeof GRAINS)[number];

/** The Monday of the week holding `date`. */
export const mondayOf = (date: string): string => addDays(date, -((weekdayOf(date) + 6) % 7));

/** The period a local date belongs to: the date, its week's Monday, or its month (YYYY-MM). */
export function periodOf(date: string, grain: Grain): string {
  if (grain === 'day') return date;
  if (grain === 'week') return mondayOf(date);
  return date.slice(0, 7);
}

/** Every period touching [from, to], in order (the first and last may be partial). */
export function periodsBetween(from: string, to: string, grain: Grain): string[] {
  const out: string[] = [];
  for (let d = from; d <= to;) {
    const p = periodOf(d, grain);
    if (out[out.length - 1] !== p) out.push(p);
    d = grain === 'day' ? addDays(d, 1) : grain === 'week' ? addDays(mondayOf(d), 7) : firstOfNextMonth(d);
  }
  return out;
}

/** Number of days in [from, to], both included. */
export const daysIn = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

/** The first day of the month after `date`'s. */
export function firstOfNextMonth(date: string): string {
  const [y, m] = date.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** `date` moved by `n` months, the day kept where the month has it (else its last day). */
export function addMonths(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const idx = y * 12 + (m - 1) + n;
  const ny = Math.floor(idx / 12),
    nm = (idx % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${ny}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** The first and last day of a month (YYYY-MM). */
export function monthRange(month: string): { from: string; to: string } {
  const from = `${month}-01`;
  return { from, to: addDays(firstOfNextMonth(from), -1) };
}

/** The default range of a grain ending today: 30 days, 12 weeks (from a Monday), 12 months (from a 1st). */
export function defaultRange(today: string, grain: Grain): { from: string; to: string } {
  if (grain === 'day') return { from: addDays(today, -29), to: today };
  if (grain === 'week') return { from: addDays(mondayOf(today), -7 * 11), to: today };
  return { from: `${addMonths(today, -11).slice(0, 7)}-01`, to: today };
}

/** Splits [from, to] into calendar months (the roll-up rebuilds a month per transaction). */
export function monthChunks(from: string, to: string): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  for (let d = from; d <= to; d = firstOfNextMonth(d)) {
    const end = addDays(firstOfNextMonth(d), -1);
    out.push({ from: d, to: end < to ? end : to });
  }
  return out;
}
