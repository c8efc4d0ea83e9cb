import { describe, expect, it } from 'vitest';
import { buildClinicCalendar, CalendarCsvError, governmentCalendar, parseOfficialCsv } from './calendar.ts';
import { localParts, zonedTime } from '../../platform/time.ts';

/** Encodes text as Big5 using the platform decoder's table (no iconv needed). */
function big5(text: string): Buffer {
  const map = new Map<string, number[]>();
  const dec = new TextDecoder('big5');
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (const trail of [...Array(0x3f).keys()]
      .map((i) => i + 0x40)
      .concat([...Array(0x5e).keys()].map((i) => i + 0xa1))) {
      const ch = dec.decode(Uint8Array.from([lead, trail]));
      if (ch.length === 1 && ch !== '\uFFFD' && !map.has(ch)) map.set(ch, [lead, trail]);
    }
  }
  const out: number[] = [];
  for (const ch of text) out.push(...(ch.charCodeAt(0) < 0x80 ? [ch.charCodeAt(0)] : map.get(ch)!));
  return Buffer.from(out);
}

function officialCsv(year: number, offDays: Record<string, string>, workDays: Record<string, string> = {}): string {
  const lines = ['西元日期,星期,是否放假,備註'];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d = new Date(d.getTime() + 86_400_000)) {
    const iso = d.toISOString().slice(0, 10);
    const wd = d.getUTCDay();
    const off = iso in offDays ? true : iso in workDays ? false : wd === 0 || wd === 6;
    lines.push(
      `${iso.replaceAll('-', '')},${'日一二三四五六'[wd]},${off ? 2 : 0},${offDays[iso] ?? workDays[iso] ?? ''}`,
    );
  }
  return lines.join('\r\n');
}

describe('clinic calendar', () => {
  const gov = governmentCalendar();
  const monFri = buildClinicCalendar({ openWeekdays: [1, 2, 3, 4, 5], government: gov });
  const withSat = buildClinicCalendar({
    openWeekdays: [1, 2, 3, 4, 5, 6],
    government: gov,
    overrides: [
      { date: '2026-07-10', kind: 'closed', note: '颱風停診' },
      { date: '2026-02-14', kind: 'open', note: '春節加診' },
    ],
  });

  it('government days off, observed days, the 2025 make-up workday and the 2025 revision', () => {
    expect(monFri.isWorkingDay('2026-02-16')).toBe(false); // 除夕
    expect(monFri.isWorkingDay('2026-02-27')).toBe(false); // 228 observed
    expect(monFri.isWorkingDay('2026-02-23')).toBe(true);
    expect(monFri.isWorkingDay('2025-02-08')).toBe(true); // 補班 Saturday
    expect(monFri.describe('2025-02-08').reason).toContain('補行上班');
    for (const d of ['2025-09-29', '2025-10-24', '2025-12-25', '2026-10-26', '2026-09-28', '2027-02-08'])
      expect(monFri.isWorkingDay(d)).toBe(false);
    expect(monFri.isWorkingDay('2026-03-14')).toBe(false); // Saturday
  });

  it('clinic business hours and overrides win', () => {
    expect(withSat.isWorkingDay('2026-03-14')).toBe(true); // open Saturdays
    expect(withSat.isWorkingDay('2026-02-21')).toBe(false); // but not on a 春節 Saturday
    expect(withSat.isWorkingDay('2026-02-14')).toBe(true); // extra working day
    expect(withSat.describe('2026-07-10')).toEqual({
      date: '2026-07-10',
      working: false,
      category: 'clinic_closed',
      reason: '診所休診：颱風停診',
    });
  });

  it('names each day’s category: holiday, observed (補假), make-up workday, weekly closed, clinic closures', () => {
    const sunClosed = buildClinicCalendar({
      openWeekdays: [1, 2, 3, 4, 5, 6],
      government: gov,
      overrides: [
        { date: '2026-07-10', kind: 'closed', note: '颱風停診' },
        { date: '2026-02-27', kind: 'open', note: '' },
      ],
    });
    const cat = (d: string) => [sunClosed.describe(d).category, sunClosed.describe(d).reason];
    expect(cat('2026-01-01')).toEqual(['holiday', '開國紀念日']);
    expect(cat('2026-02-14')).toEqual(['holiday', '春節']); // a named Saturday, closed although open on Saturdays
    expect(cat('2026-02-20')).toEqual(['observed', '春節補假']);
    expect(cat('2026-04-06')).toEqual(['observed', '民族掃墓節補假']);
    expect(cat('2025-01-27')).toEqual(['holiday', '調整放假']);
    expect(cat('2025-02-08')).toEqual(['makeup_workday', '補行上班（1/27 調整放假）']);
    expect(cat('2026-03-15')).toEqual(['weekly_closed', '週日休診']);
    expect(cat('2026-03-14')).toEqual(['working', '週六']);
    expect(cat('2026-07-10')).toEqual(['clinic_closed', '診所休診：颱風停診']);
    expect(cat('2026-02-27')).toEqual(['clinic_open', '診所加開']);
    expect(sunClosed.describe('2026-02-27').working).toBe(true);
  });

  it('parses the official CSV in UTF-8 (with BOM) and Big5, and rejects bad files with line numbers', () => {
    const csv = officialCsv(
      2028,
      { '2028-01-03': '開國紀念日補假', '2028-01-01': '開國紀念日' },
      { '2028-01-08': '補行上班' },
    );
    const utf = parseOfficialCsv(Buffer.from('\uFEFF' + csv, 'utf8'), 2028);
    expect(utf.year).toBe(2028);
    expect(utf.days).toBe(366);
    expect(utf.entries).toEqual([
      { date: '2028-01-01', off: true, name: '開國紀念日' },
      { date: '2028-01-03', off: true, name: '開國紀念日補假' },
      { date: '2028-01-08', off: false, name: '補行上班' },
    ]);
    expect(parseOfficialCsv(big5(csv)).entries).toEqual(utf.entries);
    expect(() => parseOfficialCsv(csv, 2029)).toThrow('檔案內容是 2028 年的日曆，與您選擇的 2029 年不符');
    expect(() => parseOfficialCsv(csv.replace('20280105,三,0', '20280105,三,1'))).toThrow('第 6 行');
    expect(() => parseOfficialCsv('a,b\n1,2')).toThrow('西元日期');
    const cal = buildClinicCalendar({
      openWeekdays: [1, 2, 3, 4, 5],
      government: governmentCalendar({ 2028: utf.entries }),
    });
    expect(cal.isWorkingDay('2028-01-03')).toBe(false);
    expect(cal.isWorkingDay('2028-01-08')).toBe(true);
  });

  it('refuses a missing day, a duplicate, an impossible date, a wrong weekday and unreadable bytes', () => {
    const csv = officialCsv(2028, { '2028-01-01': '開國紀念日' });
    const problem = (input: string | Buffer, year?: number) => {
      try {
        parseOfficialCsv(input, year);
      } catch (err) {
        expect(err).toBeInstanceOf(CalendarCsvError);
        return [(err as CalendarCsvError).problem, (err as Error).message];
      }
      throw new Error('accepted');
    };
    const without = csv
      .split('\r\n')
      .filter((l) => !/^2028030[1-7],/.test(l))
      .join('\r\n');
    expect(problem(without, 2028)).toEqual([
      'missing_days',
      '檔案缺少 7 天（2028-03-01、2028-03-02、2028-03-03、2028-03-04、2028-03-05…）；整年的辦公日曆表須列出每一天',
    ]);
    expect(problem(csv.replace('20280105,三,0,', '20280105,三,0,\r\n20280105,三,0,'))).toEqual([
      'duplicate_day',
      '第 7 行的日期 2028-01-05 重複出現',
    ]);
    expect(problem(csv.replace('20280105,三,0,', '20280230,三,0,'))[0]).toBe('date');
    expect(problem(csv.replace('20280105,三,0,', '20280105,四,0,'))).toEqual([
      'weekday',
      '第 6 行：2028-01-05 是星期三，檔案卻寫星期四；請確認檔案內容',
    ]);
    expect(problem(csv.replace('20280301', '20290301'))[0]).toBe('wrong_year');
    expect(problem(csv, 2027)[0]).toBe('wrong_year');
    expect(problem(Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x80, 0xff, 0x00]))[0]).toBe('encoding');
    expect(problem('西元日期,星期,備註\n20280101,六,')[0]).toBe('columns');
    expect(problem('')[0]).toBe('empty');
  });

  it('reads quoted CSV fields: a remark with a comma or a quote, quoted dates and flags', () => {
    const csv = officialCsv(2028, { '2028-01-01': '開國紀念日' })
      .replace('20280101,六,2,開國紀念日', '"20280101","六","2","開國紀念日,元旦（""放假""）"')
      .replace('20280105,三,0,', '20280105,三,0,"備註,有逗號"');
    const parsed = parseOfficialCsv(csv, 2028);
    expect(parsed.days).toBe(366);
    expect(parsed.entries).toEqual([{ date: '2028-01-01', off: true, name: '開國紀念日,元旦（"放假"）' }]);
    expect(() => parseOfficialCsv('西元日期,星期,是否放假,備註\n"20280101,六,2')).toThrow('CSV');
  });

  it('zoned time round-trips across DST and the date line', () => {
    expect(zonedTime('2026-03-13', '09:00', 'Asia/Taipei').toISOString()).toBe('2026-03-13T01:00:00.000Z');
    expect(zonedTime('2026-03-08', '03:30', 'America/Los_Angeles').toISOString()).toBe('2026-03-08T10:30:00.000Z');
    expect(localParts(new Date('2026-03-13T16:30:00Z'), 'Asia/Taipei')).toMatchObject({
      date: '2026-03-14',
      time: '00:30',
      weekday: 6,
    });
  });
});
