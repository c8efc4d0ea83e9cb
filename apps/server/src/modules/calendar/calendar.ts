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
import { WEEKDAY_ZH, isDate, weekdayOf } from '../../platform/time.ts';

export type ClinicOverride = { date: string; kind: 'closed' | 'open'; note: string };

/**
 * Why a day is what it is, for the year view and its colours:
 *   holiday         a government day off (國定假日, 春節, 調整放假 …), weekday or named weekend day;
 *   observed        a government observed day off (補假): its name says 補假;
 *   makeup_workday  a government make-up workday (補班, 補行上班);
 *   weekly_closed   a weekday the clinic has no opening period (its business hours);
 *   clinic_closed   the clinic's own closure (颱風停診);
 *   clinic_open     the clinic's extra open day;
 *   working         an ordinary working day.
 */
export type DayCategory =
  'holiday' | 'observed' | 'makeup_workday' | 'weekly_closed' | 'clinic_closed' | 'clinic_open' | 'working';

export type DayInfo = { date: string; working: boolean; category: DayCategory; reason: string };

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
      return o.kind === 'open'
        ? { date, working: true, category: 'clinic_open', reason: `診所加開${o.note ? `：${o.note}` : ''}` }
        : { date, working: false, category: 'clinic_closed', reason: `診所休診${o.note ? `：${o.note}` : ''}` };
    const wd = weekdayOf(date);
    const g = govDay(date);
    const weekend = wd === 0 || wd === 6;
    if (g && g.off && (!weekend || g.name)) {
      const reason = g.name || '國定假日';
      return { date, working: false, category: reason.includes('補假') ? 'observed' : 'holiday', reason };
    }
    if (g && !g.off) return { date, working: true, category: 'makeup_workday', reason: g.name || '補行上班' };
    if (!open.has(wd)) return { date, working: false, category: 'weekly_closed', reason: `${WEEKDAY_ZH[wd]}休診` };
    return { date, working: true, category: 'working', reason: WEEKDAY_ZH[wd] };
  };
  return { describe, isWorkingDay: (date) => describe(date).working };
}

export type ParsedCsv = { year: number; entries: CalendarEntry[]; days: number };

/** What is wrong with a file, as a stable code (the message is for people). */
export type CsvProblem =
  | 'encoding'
  | 'format'
  | 'empty'
  | 'columns'
  | 'date'
  | 'flag'
  | 'weekday'
  | 'duplicate_day'
  | 'wrong_year'
  | 'missing_days';

/** A refused file: a zh-TW message naming the line or the days, and what kind of problem. */
export class CalendarCsvError extends Error {
  readonly problem: CsvProblem;
  constructor(problem: CsvProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

const WEEKDAY_CHARS = '日一二三四五六';

/** UTF-8 (with or without BOM) when the bytes are valid UTF-8, else Big5; neither → refused. */
function decodeCsv(input: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    try {
      return new TextDecoder('big5', { fatal: true }).decode(input);
    } catch {
      throw new CalendarCsvError(
        'encoding',
        '無法辨識檔案的文字編碼：請上傳 Big5 或 UTF-8 的 CSV 檔（行政院人事行政總處公布的原始檔即可）',
      );
    }
  }
}

/**
 * Parses the official yearly CSV (西元日期, 星期, 是否放假, 備註), Big5 or UTF-8 (with or without
 * BOM). Keeps the days that differ from the plain weekend pattern plus named weekend days.
 * A full-year file must list every date of its one year exactly once, each with the right
 * weekday when the 星期 column is there; `expectedYear` is the year the admin chose.
 * Throws CalendarCsvError with a zh-TW message naming the line or the days on bad input.
 */
export function parseOfficialCsv(input: Buffer | string, expectedYear?: number): ParsedCsv {
  const text = typeof input === 'string' ? input : decodeCsv(input);
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
    throw new CalendarCsvError('format', `CSV 格式錯誤：${err instanceof Error ? err.message : String(err)}`);
  }
  if (!records.length) throw new CalendarCsvError('empty', '檔案是空的');
  const header = records[0].record;
  const col = (name: string) => header.findIndex((h) => h.includes(name));
  const iDate = col('西元日期'),
    iWeekday = col('星期'),
    iOff = col('是否放假'),
    iNote = col('備註');
  if (iDate < 0 || iOff < 0)
    throw new CalendarCsvError(
      'columns',
      '找不到「西元日期」或「是否放假」欄位，請確認是行政院人事行政總處的政府行政機關辦公日曆表 CSV',
    );
  const entries: CalendarEntry[] = [];
  const seen = new Set<string>();
  let year: number | null = null;
  for (const { record: cells, info } of records.slice(1)) {
    const line = info.lines;
    const raw = cells[iDate] ?? '';
    const m = /^(\d{4})[-/]?(\d{2})[-/]?(\d{2})$/.exec(raw);
    const date = m ? `${m[1]}-${m[2]}-${m[3]}` : '';
    if (!m || !isDate(date))
      throw new CalendarCsvError('date', `第 ${line} 行的日期「${raw}」不正確（應為 20260101 這樣的西元日期）`);
    const y = Number(m[1]);
    if (year === null) {
      year = y;
      if (expectedYear !== undefined && year !== expectedYear)
        throw new CalendarCsvError(
          'wrong_year',
          `檔案內容是 ${year} 年的日曆，與您選擇的 ${expectedYear} 年不符；請選擇 ${year} 年，或上傳 ${expectedYear} 年的檔案`,
        );
    }
    if (y !== year)
      throw new CalendarCsvError('wrong_year', `第 ${line} 行的日期 ${date} 不屬於 ${year} 年；一個檔案只能有一個年度`);
    if (seen.has(date)) throw new CalendarCsvError('duplicate_day', `第 ${line} 行的日期 ${date} 重複出現`);
    seen.add(date);
    const wd = weekdayOf(date);
    const wdCell = iWeekday >= 0 ? (cells[iWeekday] ?? '') : '';
    if (wdCell.length === 1 && WEEKDAY_CHARS.includes(wdCell) && wdCell !== WEEKDAY_CHARS[wd])
      throw new CalendarCsvError(
        'weekday',
        `第 ${line} 行：${date} 是星期${WEEKDAY_CHARS[wd]}，檔案卻寫星期${wdCell}；請確認檔案內容`,
      );
    const flag = cells[iOff];
    if (flag !== '0' && flag !== '2')
      throw new CalendarCsvError('flag', `第 ${line} 行的「是否放假」是「${flag ?? ''}」，應為 0（上班）或 2（放假）`);
    const note = iNote >= 0 ? (cells[iNote] ?? '') : '';
    const weekend = wd === 0 || wd === 6;
    const off = flag === '2';
    if (off !== weekend || (off && note)) entries.push({ date, off, name: note || (off ? '放假' : '補行上班') });
  }
  if (year === null) throw new CalendarCsvError('empty', '檔案沒有任何日期');
  const missing = datesOfYear(year).filter((d) => !seen.has(d));
  if (missing.length)
    throw new CalendarCsvError(
      'missing_days',
      `檔案缺少 ${missing.length} 天（${missing.slice(0, 5).join('、')}${missing.length > 5 ? '…' : ''}）；` +
        `整年的辦公日曆表須列出每一天`,
    );
  entries.sort((a, b) => (a.date < b.date ? -1 : 1));
  return { year, entries, days: seen.size };
}

/** Every date of a year, YYYY-MM-DD, in order. */
export function datesOfYear(year: number): string[] {
  const out: string[] = [];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d = new Date(d.getTime() + 86_400_000))
    out.push(d.toISOString().slice(0, 10));
  return out;
}
