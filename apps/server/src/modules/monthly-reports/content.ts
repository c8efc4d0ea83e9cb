// What a monthly report holds, independent of its format (PDF or XLSX): the month's KPIs with the
// previous month and the daily series, the value of Careline in NT$, and the baseline comparison.
// Numbers are as the KPI API gives them; units say how to write them (formatValue).

export type Unit = 'percent' | 'minutes' | 'hours' | 'count' | 'twd';
export type Target = { op: '>=' | '<='; value: number };

export type ReportKpi = {
  key: string;
  label: string;
  unit: Unit;
  definition: string;
  formula: string;
  target: Target | null;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  previous: number | null;
  daily: { period: string; value: number | null }[];
};

export type ReportFigure = { key: string; label: string; value: number | null; unit: Unit; formula: string };

export type ReportContent = {
  clinicName: string;
  timeZone: string;
  /** YYYY-MM */
  month: string;
  from: string;
  to: string;
  /** The month is still running: figures up to `to` (today). */
  partial: boolean;
  generatedAt: string;
  kpis: ReportKpi[];
  value: { figures: ReportFigure[]; settings: { label: string; value: string }[] };
  baseline: {
    label: string;
    rows: { label: string; unit: Unit; baseline: number | null; current: number | null }[];
  } | null;
};

const nf = (digits: number, min = 0) =>
  new Intl.NumberFormat('zh-TW', { maximumFractionDigits: digits, minimumFractionDigits: min });

/** A KPI value for people: 98.5%, 12 分鐘, 3.5 小時, 1,234, NT$ 12,345. */
export function formatValue(v: number | null, unit: Unit): string {
  if (v === null || !Number.isFinite(v)) return '—';
  switch (unit) {
    case 'percent':
      // Always one decimal, so a column of rates lines up (5.0% under 12.5%).
      return `${nf(1, 1).format(v)}%`;
    case 'minutes':
      // A day's worth of minutes reads better as hours (the 24-hour reply target: ≤ 24 小時).
      return v >= 120 ? `${nf(1).format(v / 60)} 小時` : `${nf(1).format(v)} 分鐘`;
    case 'hours':
      return `${nf(1).format(v)} 小時`;
    case 'twd':
      return `${v < 0 ? '−' : ''}NT$ ${nf(0).format(Math.abs(v))}`;
    default:
      return nf(1).format(v);
  }
}

/** ≥ 90%, ≤ 24 小時 (a whole-number target without the rate's decimal). */
export function targetText(t: Target | null, unit: Unit): string {
  if (!t) return '—';
  const v = unit === 'percent' && Number.isInteger(t.value) ? `${t.value}%` : formatValue(t.value, unit);
  return `${t.op === '>=' ? '≥' : '≤'} ${v}`;
}

export function meets(v: number | null, t: Target | null): boolean | null {
  if (v === null || !t) return null;
  return t.op === '>=' ? v >= t.value : v <= t.value;
}

/** 2026 年 11 月 */
export const monthTitle = (month: string) => `${month.slice(0, 4)} 年 ${Number(month.slice(5, 7))} 月`;
