// Wall-clock arithmetic and formatting in a clinic's time zone with Intl only (the process TZ is
// never involved). Dates are 'YYYY-MM-DD' strings, times 'HH:MM'; instants are Date (UTC).

const fmts = new Map<string, Intl.DateTimeFormat>();
function fmt(timeZone: string): Intl.DateTimeFormat {
  let f = fmts.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    fmts.set(timeZone, f);
  }
  return f;
}

export type LocalParts = {
  date: string;
  time: string;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
};

/** The wall-clock date and time of an instant in `timeZone`. */
export function localParts(at: Date, timeZone: string): LocalParts {
  const p: Record<string, string> = {};
  for (const x of fmt(timeZone).formatToParts(at)) p[x.type] = x.value;
  const year = Number(p.year),
    month = Number(p.month),
    day = Number(p.day),
    hour = Number(p.hour) % 24,
    minute = Number(p.minute);
  const date = `${p.year}-${p.month}-${p.day}`;
  return {
    date,
    time: `${String(hour).padStart(2, '0')}:${p.minute}`,
    year,
    month,
    day,
    hour,
    minute,
    weekday: weekdayOf(date),
  };
}

/** Offset of `timeZone` from UTC at an instant, in ms. */
function offsetMs(at: Date, timeZone: string): number {
  const l = localParts(at, timeZone);
  const sec = Number(
    fmt(timeZone)
      .formatToParts(at)
      .find((x) => x.type === 'second')?.value ?? 0,
  );
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, sec) - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant at which the wall clock in `timeZone` shows `date` `time` (the later one in a DST gap/overlap). */
export function zonedTime(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  let t = guess - offsetMs(new Date(guess), timeZone);
  t = guess - offsetMs(new Date(t), timeZone);
  return new Date(t);
}

export const weekdayOf = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();

export function addDays(date: string, n: number): string {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() + n * 86_400_000).toISOString().slice(0, 10);
}

export const WEEKDAY_ZH = ['週日', '週一', '週二', '週三', '週四', '週五', '週六'];
export const WEEKDAY_SHORT = ['日', '一', '二', '三', '四', '五', '六'];

/** '2/13（五）' style short date. */
export const shortDate = (date: string): string =>
  `${Number(date.slice(5, 7))}/${Number(date.slice(8, 10))}（${WEEKDAY_SHORT[weekdayOf(date)]}）`;

/** '2026年2月13日（星期五）' style long date for patients. */
export const longDate = (date: string): string =>
  `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日` +
  `（星期${WEEKDAY_SHORT[weekdayOf(date)]}）`;

/**
 * A visit date for patients in one of the styles a reminder template picks:
 * 'roc' 民國115年3月16日 (the Republic of China year, 西元 − 1911, as on Taiwanese forms and NHI
 * cards), 'western' 2026年3月16日, 'numeric' 2026/03/16. The weekday is a separate variable.
 */
export type DateStyle = 'roc' | 'western' | 'numeric';
export function visitDateText(date: string, style: DateStyle): string {
  const [y, m, d] = [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
  if (style === 'numeric') return date.replaceAll('-', '/');
  return style === 'roc' ? `民國${y - 1911}年${m}月${d}日` : `${y}年${m}月${d}日`;
}

export const isDate = (s: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) &&
  !Number.isNaN(new Date(`${s}T00:00:00Z`).getTime()) &&
  new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
export const isHhmm = (s: string): boolean => /^([01]\d|2[0-3]):[0-5]\d$/.test(s);

/**
 * An instant as a clinic's staff read it, in the clinic's time zone: 'YYYY-MM-DD HH:MM'
 * (or only the date / the time). The one formatter for times shown to people or written to
 * exports; anything for machines stays ISO-8601 UTC.
 */
export function formatInZone(at: Date | string, timeZone: string, part: 'datetime' | 'date' | 'time' = 'datetime') {
  const l = localParts(typeof at === 'string' ? new Date(at) : at, timeZone);
  return part === 'date' ? l.date : part === 'time' ? l.time : `${l.date} ${l.time}`;
}

/** The clinic's UTC offset at an instant as '+08:00', for headers that state the zone. */
export function offsetLabel(at: Date, timeZone: string): string {
  const minutes = Math.round(offsetMs(at, timeZone) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** An instant as RFC 3339 in the clinic's wall-clock time with its offset: '2026-12-08T09:00:00+08:00'. */
export function localIso(at: Date, timeZone: string): string {
  const l = localParts(at, timeZone);
  return `${l.date}T${l.time}:00${offsetLabel(at, timeZone)}`;
}
