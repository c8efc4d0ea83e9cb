// The figures of a monthly report, read through the reports module's service (the dashboard's
// KPIs, value and baseline — one definition of every number): the month and the month before per
// month, the month per day, the value of the month, and the month against the baseline period.
import type { Deps } from '../../platform/deps.ts';
import { addDays } from '../../platform/time.ts';
import { reportService } from '../reports/service.ts';
import { formatValue, type ReportContent } from './content.ts';

const slash = (d: string) => d.replaceAll('-', '/');

export async function monthlyContent(
  deps: Deps,
  clinicId: string,
  m: { month: string; from: string; to: string },
): Promise<Pick<ReportContent, 'kpis' | 'value' | 'baseline'>> {
  const reports = reportService(deps);
  const previousFrom = `${addDays(m.from, -1).slice(0, 7)}-01`;
  const [monthly, daily, value, baseline, settings] = await Promise.all([
    reports.kpis(clinicId, { from: previousFrom, to: m.to, grain: 'month' }),
    reports.kpis(clinicId, { from: m.from, to: m.to, grain: 'day' }),
    reports.value(clinicId, { month: m.month }),
    reports.baseline(clinicId, { from: m.from, to: m.to }),
    reports.settingsView(clinicId),
  ]);
  const days = new Map(daily.kpis.map((k) => [k.key, k.series]));
  return {
    kpis: monthly.kpis.map((k) => {
      const now = k.series.find((s) => s.period === m.month);
      const before = k.series.find((s) => s.period !== m.month);
      return {
        key: k.key,
        label: k.label,
        unit: k.unit,
        definition: k.definition,
        formula: k.formula,
        target: k.target,
        value: now?.value ?? null,
        numerator: now?.numerator ?? null,
        denominator: now?.denominator ?? null,
        previous: before?.value ?? null,
        daily: (days.get(k.key) ?? []).map((s) => ({ period: s.period, value: s.value })),
      };
    }),
    value: {
      figures: value.figures,
      settings: [
        { label: '平均每診收入', value: formatValue(settings.averageVisitValueTwd, 'twd') },
        { label: '每通確認電話', value: `${settings.minutesPerCall} 分鐘` },
        { label: '櫃台人員時薪', value: formatValue(settings.staffHourlyCostTwd, 'twd') },
        { label: '基準期', value: `${slash(value.baseline.from)} ～ ${slash(value.baseline.to)}` },
      ],
    },
    baseline: {
      label: `${slash(baseline.baseline.from)} ～ ${slash(baseline.baseline.to)}`,
      rows: baseline.figures.map((x) => ({
        label: x.label,
        unit: x.unit,
        baseline: x.baseline.value,
        current: x.current.value,
      })),
    },
  };
}
