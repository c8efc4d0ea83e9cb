// The working-day calendar of one clinic, as a pure value: government office calendar
// (shipped data or an imported official CSV) + the clinic's business-hour weekdays + the
// clinic's own closures and extra working days. The clinic always wins.
//
// isWorkingDay(date), in this order:
//   1. a clinic override for that date: 'closed' → no, 'open' → yes;
//   2. a government day off on a weekday, or a named holiday on a weekend (春節 on a Saturday)
//      → no (a clinic open on Saturdays is still closed on a holiday Saturday unless it adds
//      an extra working day);
//   3. a government make-up workday (補班, e.g. Saturday 2025-02-08) → yes;
//   4. otherwise the clinic's business hours: a weekday with at least one opening period → yes.
import { SHIPPED_CALENDAR, type CalendarEntry } from './data.ts';
import { parse as parseCsv } from 'csv-parse/sync';
import { WEEKDAY_ZH, weekdayOf } from '../../platform/time.ts';

export type ClinicOverride = { date: string; kind: 'closed' | 'open'; note: string };

export type DayInfo = { date: string; working: boolean; reason: string };

export type ClinicCalendar = {
  isWorkingDay(date: string): boolean;
  /** Whether the day is a working day and why, in zh-TW (「週六」「春節」「診所休診：颱風」). */
  describe(date: string): DayInfo;
};

export type GovernmentCalendar = (year: number) => CalendarEntry[] | null;

/** Shipped data, with imported years (from the database) replacing whole years. */
export function governmentCalendar(imported: Record<number, CalendarEntry[]> = {}): GovernmentCalendar {
  return (year) => imported[year] ?? SHIPPED_CALENDAR[year] ?? null;
}

export function buildClinicCalendar(opts: {
  openWeekdays: number[];
  government: GovernmentCalendar;
  overrides?: ClinicOverride[];
}): ClinicCalendar {
  const open = new Set(opts.openWeekdays);
  const overrides = new Map((opts.overrides ?? []).map((o) => [o.date, o]));
  const years = new Map<number, Map<string, CalendarEntry>>();
  const govDay = (date: string): CalendarEntry | undefined => {
    const y = Number(date.slice(0, 4));
    let m = years.get(y);
    if (!m) {
      m = new Map((opts.government(y) ?? []).map((e) => [e.date, e]));
      years.set(y, m);
    }
    return m.get(date);
  };
  const describe = (date: string): DayInfo => {
    const o = overrides.get(date);
    if (o)
      return {
        date,
        working: o.kind === 'open',
        reason: o.kind === 'open' ? `診所加開${o.note ? `：${o.note}` : ''}` : `診所休診${o.note ? `：${o.note}` : ''}`,
      };
    const wd = weekdayOf(date);
    const g = govDay(date);
    const weekend = wd === 0 || wd === 6;
    if (g && g.off && (!weekend || g.name)) return { date, working: false, reason: g.name || '國定假日' };
    if (g && !g.off) return { date, working: true, reason: g.name || '補行上班' };
    if (!open.has(wd)) return { date, working: false, reason: `${WEEKDAY_ZH[wd]}休診` };
    return { date, working: true, reason: WEEKDAY_ZH[wd] };
  };
  return { describe, isWorkingDay: (date) => describe(date).working };
}

export type ParsedCsv = { year: number; entries: CalendarEntry[]; days: number };

/**
 * Parses the official yearly CSV (西元日期, 星期, 是否放假, 備註), Big5 or UTF-8 (with or without
 * BOM). Keeps the days that differ from the plain weekend pattern plus named weekend days.
 * Throws Error with a zh-TW message naming the line on bad input.
 */
export function parseOfficialCsv(input: Buffer | string, expectedYear?: number): ParsedCsv {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    const utf8 = new TextDecoder('utf-8', { fatal: false }).decode(input);
    text = utf8.includes('\uFFFD') ? new TextDecoder('big5').decode(input) : utf8;
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, each record comes with the line it ends on (what error messages name); the
    // library's types do not follow that option, hence the cast.
    records = parseCsv(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }) as unknown as typeof records;
  } catch (err) {
    throw new Error(`CSV 格式錯誤：${err instanceof Error ? err.message : String(err)}`);
  }
  if (!records.length) throw new Error('檔案是空的');
  const header = records[0].record;
  const col = (name: string) => header.findIndex((h) => h.includes(name));
  const iDate = col('西元日期'),
    iOff = col('是否放假'),
    iNote = col('備註');
  if (iDate < 0 || iOff < 0)
    throw new Error('找不到「西元日期」或「是否放假」欄位，請確認是行政院人事行政總處的政府行政機關辦公日曆表 CSV');
  const entries: CalendarEntry[] = [];
  let year: number | null = null;
  let days = 0;
  for (const { record: cells, info } of records.slice(1)) {
    const line = info.lines;
    const raw = cells[iDate] ?? '';
    const m = /^(\d{4})[-/]?(\d{2})[-/]?(\d{2})$/.exec(raw);
    if (!m) throw new Error(`第 ${line} 行的日期「${raw}」格式不正確（應為 20260101）`);
    const date = `${m[1]}-${m[2]}-${m[3]}`;
    const y = Number(m[1]);
    if (year === null) year = y;
    if (y !== year) throw new Error(`第 ${line} 行的日期 ${date} 不屬於 ${year} 年；一個檔案只能有一個年度`);
    const flag = cells[iOff];
    if (flag !== '0' && flag !== '2')
      throw new Error(`第 ${line} 行的「是否放假」是「${flag}」，應為 0（上班）或 2（放假）`);
    const note = iNote >= 0 ? (cells[iNote] ?? '') : '';
    const wd = weekdayOf(date);
    const weekend = wd === 0 || wd === 6;
    const off = flag === '2';
    days++;
    if (off !== weekend || (off && note)) entries.push({ date, off, name: note || (off ? '放假' : '補行上班') });
  }
  if (year === null) throw new Error('檔案沒有任何日期');
  if (expectedYear !== undefined && year !== expectedYear)
    throw new Error(`檔案內容是 ${year} 年，與指定的 ${expectedYear} 年不符`);
  if (days < 365) throw new Error(`檔案只有 ${days} 天，應包含整年（365 或 366 天）`);
  return { year, entries, days };
}
