// Bookable slots from a doctor's booking rule: every `slotMinutes` inside the clinic's business
// hours of each working day (the work calendar), from the cut-off before the visit up to
// `daysAhead` days ahead, in the clinic's time zone. Pure functions.
import { addDays, localParts, weekdayOf, zonedTime } from '../../platform/time.ts';

export type Rule = { slotMinutes: number; daysAhead: number; cutoffMinutes: number; perSlot: number };
export type OpenDays = {
  timeZone: string;
  hours: { weekday: number; open: string; close: string }[];
  isWorkingDay(date: string): boolean;
};
export type SlotTime = { startsAt: Date; endsAt: Date; capacity: number };

/** The first instant a rule still takes bookings for, and the last (exclusive). */
export function bookingWindow(rule: Rule, now: Date, timeZone: string): { earliest: Date; latest: Date } {
  const today = localParts(now, timeZone).date;
  return {
    earliest: new Date(now.getTime() + rule.cutoffMinutes * 60_000),
    latest: zonedTime(addDays(today, rule.daysAhead + 1), '00:00', timeZone),
  };
}

/** The rule's slots starting in [from, to), inside the booking window. */
export function ruleSlots(rule: Rule, open: OpenDays, now: Date, from: Date, to: Date): SlotTime[] {
  const w = bookingWindow(rule, now, open.timeZone);
  const lo = Math.max(from.getTime(), w.earliest.getTime());
  const hi = Math.min(to.getTime(), w.latest.getTime());
  if (lo >= hi) return [];
  const out: SlotTime[] = [];
  const step = rule.slotMinutes * 60_000;
  const last = localParts(new Date(hi - 1), open.timeZone).date;
  for (let date = localParts(new Date(lo), open.timeZone).date; date <= last; date = addDays(date, 1)) {
    if (!open.isWorkingDay(date)) continue;
    const wd = weekdayOf(date);
    const ranges = open.hours
      .filter((h) => h.weekday === wd && h.open < h.close)
      .sort((a, b) => a.open.localeCompare(b.open));
    for (const h of ranges) {
      const close = zonedTime(date, h.close, open.timeZone).getTime();
      for (let t = zonedTime(date, h.open, open.timeZone).getTime(); t + step <= close; t += step) {
        if (t < lo || t >= hi) continue;
        out.push({ startsAt: new Date(t), endsAt: new Date(t + step), capacity: rule.perSlot });
      }
    }
  }
  return out;
}
