// The Taiwan government office calendar (政府行政機關辦公日曆表) shipped as data: only the
// days that differ from "Monday–Friday work, Saturday–Sunday off", plus the named holidays
// that fall on a weekend (so a clinic open on Saturdays still closes on, e.g., 春節).
//   off: true  → a day off (holiday, observed 補假, or a named holiday on a weekend); an observed
//                day's name says 補假 (the year view's 「補假」 colour is read from the name, as
//                the official CSV's 備註 writes it)
//   off: false → a make-up workday (補班) on a weekend
// An imported official CSV (POST /api/calendar/import) replaces a whole year of this data.
// How to add a year: docs/calendar.md.

export type CalendarEntry = { date: string; off: boolean; name: string };

/** Days off from `from` to `to` named `name`, except the days `named` names otherwise (補假 …). */
const range = (from: string, to: string, name: string, named: Record<string, string> = {}): CalendarEntry[] => {
  const out: CalendarEntry[] = [];
  for (
    let d = new Date(`${from}T00:00:00Z`);
    d <= new Date(`${to}T00:00:00Z`);
    d = new Date(d.getTime() + 86_400_000)
  ) {
    const date = d.toISOString().slice(0, 10);
    out.push({ date, off: true, name: named[date] ?? name });
  }
  return out;
};

/** 2025 as revised mid-year (9/29, 10/24, 12/25 added by the 紀念日及節日實施條例 amendment). */
const Y2025: CalendarEntry[] = [
  { date: '2025-01-01', off: true, name: '開國紀念日' },
  ...range('2025-01-25', '2025-02-02', '春節', { '2025-01-27': '調整放假' }), // 1/27 調整放假, 1/28 除夕, 1/29–31 春節
  { date: '2025-02-08', off: false, name: '補行上班（1/27 調整放假）' },
  { date: '2025-02-28', off: true, name: '和平紀念日' },
  { date: '2025-04-03', off: true, name: '兒童節補假' },
  { date: '2025-04-04', off: true, name: '兒童節及民族掃墓節' },
  { date: '2025-05-30', off: true, name: '端午節補假' },
  { date: '2025-05-31', off: true, name: '端午節' },
  { date: '2025-09-28', off: true, name: '教師節' },
  { date: '2025-09-29', off: true, name: '教師節補假' },
  { date: '2025-10-06', off: true, name: '中秋節' },
  { date: '2025-10-10', off: true, name: '國慶日' },
  { date: '2025-10-24', off: true, name: '臺灣光復暨金門古寧頭大捷紀念日補假' },
  { date: '2025-10-25', off: true, name: '臺灣光復暨金門古寧頭大捷紀念日' },
  { date: '2025-12-25', off: true, name: '行憲紀念日' },
];

/** 2026: no more 補班; a holiday on Saturday is observed on Friday, on Sunday on Monday. */
const Y2026: CalendarEntry[] = [
  { date: '2026-01-01', off: true, name: '開國紀念日' },
  ...range('2026-02-14', '2026-02-22', '春節', { '2026-02-20': '春節補假' }), // 2/15 小年夜, 2/16 除夕, 2/17–19 春節, 補假 2/20
  { date: '2026-02-27', off: true, name: '和平紀念日補假' },
  { date: '2026-02-28', off: true, name: '和平紀念日' },
  { date: '2026-04-03', off: true, name: '兒童節補假' },
  { date: '2026-04-04', off: true, name: '兒童節' },
  { date: '2026-04-05', off: true, name: '民族掃墓節' },
  { date: '2026-04-06', off: true, name: '民族掃墓節補假' },
  { date: '2026-05-01', off: true, name: '勞動節' },
  { date: '2026-06-19', off: true, name: '端午節' },
  { date: '2026-09-25', off: true, name: '中秋節' },
  { date: '2026-09-28', off: true, name: '教師節' },
  { date: '2026-10-09', off: true, name: '國慶日補假' },
  { date: '2026-10-10', off: true, name: '國慶日' },
  { date: '2026-10-25', off: true, name: '臺灣光復暨金門古寧頭大捷紀念日' },
  { date: '2026-10-26', off: true, name: '臺灣光復暨金門古寧頭大捷紀念日補假' },
  { date: '2026-12-25', off: true, name: '行憲紀念日' },
];

/**
 * 2027: our best reading of the rules (the official calendar was not yet in hand when this
 * was written). UNCERTAIN dates are marked; import the official CSV as soon as the 行政院人事
 * 行政總處 publishes it, which replaces this whole year.
 */
const Y2027: CalendarEntry[] = [
  { date: '2027-01-01', off: true, name: '開國紀念日' },
  // UNCERTAIN: 小年夜 2/4, 除夕 2/5, 初一–初三 2/6–2/8, 補假 2/9–2/10 for 初一/初二 on the weekend.
  ...range('2027-02-04', '2027-02-10', '春節', { '2027-02-09': '春節補假', '2027-02-10': '春節補假' }),
  { date: '2027-02-28', off: true, name: '和平紀念日' },
  { date: '2027-03-01', off: true, name: '和平紀念日補假' },
  { date: '2027-04-04', off: true, name: '兒童節' },
  { date: '2027-04-05', off: true, name: '民族掃墓節' },
  { date: '2027-04-06', off: true, name: '兒童節補假' }, // UNCERTAIN: 兒童節 (Sunday) observed after 清明
  { date: '2027-04-30', off: true, name: '勞動節補假' }, // UNCERTAIN: 5/1 is a Saturday
  { date: '2027-05-01', off: true, name: '勞動節' },
  { date: '2027-06-09', off: true, name: '端午節' },
  { date: '2027-09-15', off: true, name: '中秋節' },
  { date: '2027-09-28', off: true, name: '教師節' },
  { date: '2027-10-10', off: true, name: '國慶日' },
  { date: '2027-10-11', off: true, name: '國慶日補假' },
  { date: '2027-10-25', off: true, name: '臺灣光復暨金門古寧頭大捷紀念日' },
  { date: '2027-12-24', off: true, name: '行憲紀念日補假' }, // UNCERTAIN: 12/25 is a Saturday
  { date: '2027-12-25', off: true, name: '行憲紀念日' },
];

export const SHIPPED_CALENDAR: Record<number, CalendarEntry[]> = { 2025: Y2025, 2026: Y2026, 2027: Y2027 };

/** The shipped years checked against the official calendar; the others are read from the rules. */
export const SHIPPED_VERIFIED = new Set([2025, 2026]);
