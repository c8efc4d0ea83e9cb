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

/**
 * When the clinic opens next, in words: 今天 14:00, 明天（週六）9:00, 週一 9:00. Null without
 * business hours (no promise can be made).
 */
export function nextOpening(hours: BusinessHour[], timeZone: string, at: Date): string | null {
  if (hours.length === 0) return null;
  const l = localParts(at, timeZone);
  for (let d = 0; d <= 7; d++) {
    const weekday = (l.weekday + d) % 7;
    const open = hours
      .filter((h) => h.weekday === weekday && (d > 0 || h.open > l.time))
      .map((h) => h.open)
      .sort()[0];
    if (!open) continue;
    const day = d === 0 ? '今天 ' : d === 1 ? `明天（${WEEKDAY_ZH[weekday]}）` : `${WEEKDAY_ZH[weekday]} `;
    return `${day}${clock(open)}`;
  }
  return null;
}

type ClinicHours = { businessHours: BusinessHour[]; timeZone: string; phone: string };

/** When a person will answer, as a clause: 「櫃台人員將盡快回覆您」 or 「櫃台人員將於明天（週六）9:00 上班後回覆您」. */
function whenAnswered(clinic: ClinicHours, at: Date): { open: boolean; clause: string } {
  if (clinic.businessHours.length === 0 || isOpen(clinic.businessHours, clinic.timeZone, at))
    return { open: true, clause: '櫃台人員將盡快回覆您' };
  const next = nextOpening(clinic.businessHours, clinic.timeZone, at);
  return {
    open: false,
    clause: `目前非服務時間（${describeHours(clinic.businessHours)}），櫃台人員將於${next ? `${next} ` : ''}上班後回覆您`,
  };
}

/** The answer to 「找真人」: a person will answer, and when. */
export function handOffReply(clinic: ClinicHours, at: Date): string {
  const w = whenAnswered(clinic, at);
  const urgent = clinic.phone ? `如有急事請來電 ${clinic.phone}。` : '';
  return w.open
    ? `好的，已為您轉接櫃台人員，${w.clause}，請稍候。${urgent}`
    : `好的，已為您轉接櫃台人員。${w.clause}。${urgent}`;
}

/** The acknowledgement of a message the bot could not answer: it offers a person and says when one answers. */
export function failedAnswerReply(clinic: ClinicHours, at: Date): string {
  const w = whenAnswered(clinic, at);
  const urgent = clinic.phone ? `如有急事請來電 ${clinic.phone}。` : '';
  return `已收到您的訊息，這個問題需要由櫃台人員回覆。${w.clause}。${urgent}`;
}
