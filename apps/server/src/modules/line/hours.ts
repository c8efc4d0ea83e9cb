// The clinic's business hours in words for patients (「週一至週五 9:00–12:00、14:00–17:30；週六 9:00–12:00」)
// and whether an instant falls inside them, in the clinic's time zone.
import { localParts, WEEKDAY_ZH } from '../../platform/time.ts';

export type BusinessHour = { weekday: number; open: string; close: string };

const clock = (hhmm: string) => hhmm.replace(/^0(\d)/, '$1');

/** Monday first, as people in Taiwan read a week. */
const ORDER = [1, 2, 3, 4, 5, 6, 0];

export function describeHours(hours: BusinessHour[]): string {
  const byDay = new Map<number, string>();
  for (const d of ORDER) {
    const ranges = hours
      .filter((h) => h.weekday === d)
      .sort((a, b) => a.open.localeCompare(b.open))
      .map((h) => `${clock(h.open)}–${clock(h.close)}`);
    if (ranges.length) byDay.set(d, ranges.join('、'));
  }
  // Consecutive days with the same hours share one phrase: 週一至週五 …
  const groups: { days: number[]; text: string }[] = [];
  for (const d of ORDER) {
    const text = byDay.get(d);
    if (!text) continue;
    const last = groups.at(-1);
    const prev = last ? last.days.at(-1)! : null;
    if (last && last.text === text && prev !== null && ORDER.indexOf(prev) === ORDER.indexOf(d) - 1) last.days.push(d);
    else groups.push({ days: [d], text });
  }
  return groups
    .map((g) => {
      const first = WEEKDAY_ZH[g.days[0]];
      const days =
        g.days.length === 1
          ? first
          : g.days.length === 2
            ? `${first}、${WEEKDAY_ZH[g.days[1]].slice(1)}`
            : `${first}至${WEEKDAY_ZH[g.days.at(-1)!]}`;
      return `${days} ${g.text}`;
    })
    .join('；');
}

export function isOpen(hours: BusinessHour[], timeZone: string, at: Date): boolean {
  const l = localParts(at, timeZone);
  return hours.some((h) => h.weekday === l.weekday && h.open <= l.time && l.time < h.close);
}

/** The automatic acknowledgement of a message no automatic reply answered. */
export function acknowledgement(
  clinic: { businessHours: BusinessHour[]; timeZone: string; phone: string },
  at: Date,
): string {
  const urgent = clinic.phone ? `如有急事請來電 ${clinic.phone}。` : '';
  if (clinic.businessHours.length === 0 || isOpen(clinic.businessHours, clinic.timeZone, at))
    return `已收到您的訊息，櫃台人員將於上班時間盡快回覆您。${urgent}`;
  return `已收到您的訊息。目前非服務時間（${describeHours(clinic.businessHours)}），櫃台人員將於上班時間回覆。${urgent}`;
}
