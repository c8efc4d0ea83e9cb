// The clocks of a case (first action, reply) counted in the clinic's open hours: only the time
// inside a business-hours range of a working day counts, in the clinic's time zone. Pure
// functions; the calendar (working days, closures) and the hours come from their modules.
import { addDays, localParts, weekdayOf, zonedTime } from '../../platform/time.ts';

export type OpenHours = {
  timeZone: string;
  hours: { weekday: number; open: string; close: string }[];
  isWorkingDay(date: string): boolean;
  /** false: the clock runs around the clock (a clinic that counts calendar hours). */
  businessHoursOnly: boolean;
};

/** How far ahead a due time is searched (a clinic closed for longer has no due time: null). */
const MAX_DAYS = 366;

/** The open ranges of one local date as instants, in order. */
function rangesOf(date: string, oh: OpenHours): [number, number][] {
  if (!oh.isWorkingDay(date)) return [];
  const wd = weekdayOf(date);
  return oh.hours
    .filter((h) => h.weekday === wd && h.open < h.close)
    .sort((a, b) => a.open.localeCompare(b.open))
    .map((h) => [zonedTime(date, h.open, oh.timeZone).getTime(), zonedTime(date, h.close, oh.timeZone).getTime()]);
}

const aroundTheClock = (oh: OpenHours) => !oh.businessHoursOnly || oh.hours.length === 0;

/**
 * The instant at which `minutes` of open time have passed since `start`. A case opened at
 * night starts counting when the clinic opens; null when no open time lies within a year.
 */
export function addOpenMinutes(start: Date, minutes: number, oh: OpenHours): Date | null {
  if (aroundTheClock(oh)) return new Date(start.getTime() + minutes * 60_000);
  let left = minutes * 60_000;
  const from = start.getTime();
  let date = localParts(start, oh.timeZone).date;
  for (let i = 0; i < MAX_DAYS; i++, date = addDays(date, 1)) {
    for (const [a, b] of rangesOf(date, oh)) {
      const s = Math.max(a, from);
      if (s >= b) continue;
      if (s + left <= b) return new Date(s + left);
      left -= b - s;
    }
  }
  return null;
}

/** The open minutes between two instants (0 when `to` is not after `from`). */
export function openMinutesBetween(from: Date, to: Date, oh: OpenHours): number {
  const a0 = from.getTime();
  const b0 = to.getTime();
  if (b0 <= a0) return 0;
  if (aroundTheClock(oh)) return (b0 - a0) / 60_000;
  let total = 0;
  let date = localParts(from, oh.timeZone).date;
  const last = localParts(to, oh.timeZone).date;
  for (let i = 0; i < MAX_DAYS * 2 && date <= last; i++, date = addDays(date, 1)) {
    for (const [a, b] of rangesOf(date, oh)) total += Math.max(0, Math.min(b, b0) - Math.max(a, a0));
  }
  return total / 60_000;
}

/** A limit in words for patients and staff: 4 小時, 24 小時, 1.5 小時. */
export const hoursText = (hours: number) => `${Number.isInteger(hours) ? hours : hours.toFixed(1)} 小時`;
