// How the 報表 pages write KPI values (the API's units: percent 0–100, minutes, hours, counts,
// NT$), targets and periods, in one place.
import type { ApiResponse } from '../../api.ts';

export type Kpis = ApiResponse<'/api/reports/kpis'>;
export type Kpi = Kpis['kpis'][number];
export type Unit = Kpi['unit'];
export type Target = NonNullable<Kpi['target']>;
export type Grain = 'day' | 'week' | 'month';

const nf = (digits: number, min = 0) =>
  new Intl.NumberFormat('zh-TW', { maximumFractionDigits: digits, minimumFractionDigits: min });

export function formatValue(v: number | null | undefined, unit: Unit): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  switch (unit) {
    case 'percent':
      return `${nf(1, 1).format(v)}%`;
    case 'minutes':
      return v >= 120 ? `${nf(1).format(v / 60)} 小時` : `${nf(1).format(v)} 分鐘`;
    case 'hours':
      return `${nf(1).format(v)} 小時`;
    case 'twd':
      return `${v < 0 ? '−' : ''}NT$ ${nf(0).format(Math.abs(v))}`;
    default:
      return nf(1).format(v);
  }
}

/** The number and its unit apart, for a big figure with a small unit: ["98.5", "%"]. */
export function valueParts(v: number | null, unit: Unit): [string, string] {
  if (v === null || !Number.isFinite(v)) return ['—', ''];
  if (unit === 'percent') return [nf(1, 1).format(v), '%'];
  if (unit === 'minutes') return v >= 120 ? [nf(1).format(v / 60), '小時'] : [nf(1).format(v), '分鐘'];
  if (unit === 'hours') return [nf(1).format(v), '小時'];
  if (unit === 'twd') return [`${v < 0 ? '−' : ''}${nf(0).format(Math.abs(v))}`, 'NT$'];
  return [nf(1).format(v), ''];
}

/** ≥ 90%, ≤ 24 小時 (a whole-number target without the rate's decimal). */
export function targetText(t: Target | null, unit: Unit): string | null {
  if (!t) return null;
  const v = unit === 'percent' && Number.isInteger(t.value) ? `${t.value}%` : formatValue(t.value, unit);
  return `${t.op === '>=' ? '≥' : '≤'} ${v}`;
}

export function meets(v: number | null, t: Target | null): boolean | null {
  if (v === null || !t) return null;
  return t.op === '>=' ? v >= t.value : v <= t.value;
}

/** A period of the series for an axis: 11/3, 11/3 週, 2026/11. */
export function periodLabel(p: string, grain: Grain): string {
  if (grain === 'month') return `${p.slice(0, 4)}/${Number(p.slice(5, 7))}`;
  const d = `${Number(p.slice(5, 7))}/${Number(p.slice(8, 10))}`;
  return grain === 'week' ? `${d} 週` : d;
}

/** 2026 年 11 月 */
export const monthTitle = (month: string) => `${month.slice(0, 4)} 年 ${Number(month.slice(5, 7))} 月`;
