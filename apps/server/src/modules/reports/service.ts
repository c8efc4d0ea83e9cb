// Reports: the KPIs of the dashboard per day / week / month (per doctor and visit type where the
// figure belongs to a visit), the baseline comparison, the value of Careline in NT$ and the
// clinic's report settings. Every figure is read from the daily roll-ups (rollup.ts keeps them):
// a page view sums at most a few thousand small rows, never the appointments or messages.
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { addDays, isDate, localParts } from '../../platform/time.ts';
import { clinicService } from '../clinics/service.ts';
import { clinicDoctors } from '../doctors/service.ts';
import { initialSyncOf } from '../his/sync.ts';
import { pricesOf } from '../reminders/quota.ts';
import { addSums, KPIS, percent, round, zeroSums, type Figure, type Prices, type Sums } from './kpis.ts';
import { addMonths, daysIn, defaultRange, monthRange, periodOf, periodsBetween, type Grain } from './periods.ts';
import { reportRepository, type SettingsRow } from './repository.ts';
import { ensureRollups } from './rollup.ts';

/** The longest range one request may sum (three years and a bit, by day rows). */
export const MAX_RANGE_DAYS = 1200;
/** The longest range of a day-grain series. */
export const MAX_DAY_SERIES = 400;

export const DEFAULT_SETTINGS = {
  averageVisitValueTwd: 500,
  minutesPerCall: 3,
  staffHourlyCostTwd: 200,
};

type Filter = { doctorId?: string; visitType?: string };

function checkRange(from: string, to: string, maxDays: number) {
  for (const [field, v] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (!isDate(v)) throw errors.validation([{ field, code: 'date', message: `${v} 不是有效的日期` }]);
  if (to < from) throw new AppError('RANGE_REVERSED', 422, '結束日不能早於起始日');
  if (daysIn(from, to) > maxDays)
    throw new AppError('RANGE_TOO_LONG', 422, `一次最多查詢 ${maxDays} 天，請縮小日期範圍`);
}

export function reportService(deps: Deps) {
  const repo = reportRepository(deps.db);
  const clinicOf = (clinicId: string) => clinicService(deps).get(clinicId);
  const todayIn = (tz: string) => localParts(deps.clock.now(), tz).date;

  /** The doctor filter is the HIS's doctor id; the roll-up rows carry Careline's. */
  async function doctorMap(clinicId: string) {
    const doctors = await clinicDoctors(deps.db, clinicId);
    return {
      byHis: new Map(doctors.map((d) => [d.his_id, d])),
      byId: new Map(doctors.map((d) => [d.id, d])),
    };
  }

  async function resolveFilter(clinicId: string, q: Filter, byHis: Map<string, { id: string }>): Promise<Filter> {
    const f: Filter = {};
    if (q.doctorId !== undefined) {
      const d = byHis.get(q.doctorId);
      // An unknown doctor has no visits: filter on an id no row carries.
      f.doctorId = d ? d.id : `unknown:${q.doctorId}`;
    }
    if (q.visitType !== undefined) f.visitType = q.visitType;
    return f;
  }

  /** Sums of every day in [from, to] (visit figures filtered, clinic figures whole). */
  async function daySums(clinicId: string, from: string, to: string, f: Filter) {
    const [visit, clinic] = await Promise.all([
      repo.visitDays(clinicId, from, to, f),
      repo.clinicDays(clinicId, from, to),
    ]);
    return { visit, clinic };
  }

  function sumOver(rows: { day: string }[][], inRange: (day: string) => boolean): Sums {
    const s = zeroSums();
    for (const list of rows) for (const r of list) if (inRange(r.day)) addSums(s, r as Partial<Sums>);
    return s;
  }

  async function settingsRow(clinicId: string): Promise<SettingsRow | undefined> {
    return repo.settings(clinicId);
  }

  /** The day Careline started for the clinic: its first HIS call, else the day it was created. */
  async function carelineSince(clinicId: string, tz: string): Promise<string> {
    const sync = await initialSyncOf(deps.db, clinicId, deps.clock.now());
    const at = sync.startedAt ?? (await clinicOf(clinicId)).createdAt;
    return localParts(new Date(at), tz).date;
  }

  async function baselineOf(clinicId: string, tz: string, row?: SettingsRow) {
    if (row?.baseline_from && row.baseline_to)
      return { from: row.baseline_from, to: row.baseline_to, isDefault: false };
    const since = await carelineSince(clinicId, tz);
    return { from: addMonths(since, -3), to: addDays(since, -1), isDefault: true };
  }

  async function settingsView(clinicId: string) {
    const tz = (await clinicOf(clinicId)).timeZone;
    const row = await settingsRow(clinicId);
    return {
      baselinePeriod: row?.baseline_from && row.baseline_to ? { from: row.baseline_from, to: row.baseline_to } : null,
      averageVisitValueTwd: row?.average_visit_value_twd ?? DEFAULT_SETTINGS.averageVisitValueTwd,
      minutesPerCall: row?.minutes_per_call ?? DEFAULT_SETTINGS.minutesPerCall,
      staffHourlyCostTwd: row?.staff_hourly_cost_twd ?? DEFAULT_SETTINGS.staffHourlyCostTwd,
      baseline: await baselineOf(clinicId, tz, row),
      carelineSince: await carelineSince(clinicId, tz),
      updatedAt: row?.updated_at ?? null,
      updatedBy: row?.updated_by ?? null,
    };
  }

  return {
    async kpis(clinicId: string, q: { from?: string; to?: string; grain?: Grain } & Filter) {
      const clinic = await clinicOf(clinicId);
      const tz = clinic.timeZone;
      const grain = q.grain ?? 'day';
      const def = defaultRange(todayIn(tz), grain);
      const to = q.to ?? def.to;
      const from = q.from ?? (q.to ? defaultRange(to, grain).from : def.from);
      checkRange(from, to, grain === 'day' ? MAX_DAY_SERIES : MAX_RANGE_DAYS);
      const doctors = await doctorMap(clinicId);
      const f = await resolveFilter(clinicId, q, doctors.byHis);
      const [rollup, sums, dims, prices] = await Promise.all([
        ensureRollups(deps, clinicId),
        daySums(clinicId, from, to, f),
        repo.dimensions(clinicId, from, to),
        pricesOf(deps, clinicId) as Promise<Prices>,
      ]);
      const periods = periodsBetween(from, to, grain);
      const byPeriod = new Map(periods.map((p) => [p, zeroSums()]));
      for (const list of [sums.visit, sums.clinic])
        for (const r of list) addSums(byPeriod.get(periodOf(r.day, grain))!, r as Partial<Sums>);
      const total = sumOver([sums.visit, sums.clinic], () => true);

      return {
        from,
        to,
        grain,
        timeZone: tz,
        rollup,
        kpis: KPIS.map((k) => ({
          key: k.key,
          label: k.label,
          unit: k.unit,
          definition: k.definition,
          formula: k.formula,
          target: k.target,
          scope: k.scope,
          total: k.compute(total, prices).value,
          series: periods.map((period) => ({ period, ...k.compute(byPeriod.get(period)!, prices) })),
        })),
        filters: {
          doctors: dims.doctorIds
            .flatMap((id) => {
              const d = doctors.byId.get(id);
              return d ? [{ id: d.his_id, name: d.name }] : [];
            })
            .sort((a, b) => a.id.localeCompare(b.id)),
          visitTypes: [...dims.visitTypes].sort(),
        },
      };
    },

    /** No-show and cancellation rates of a period against the baseline period. */
    async baseline(clinicId: string, q: { from?: string; to?: string } & Filter) {
      const tz = (await clinicOf(clinicId)).timeZone;
      const today = todayIn(tz);
      const to = q.to ?? today;
      const from = q.from ?? addDays(addMonths(to, -3), 1);
      checkRange(from, to, MAX_RANGE_DAYS);
      const base = await baselineOf(clinicId, tz, await settingsRow(clinicId));
      const f = await resolveFilter(clinicId, q, (await doctorMap(clinicId)).byHis);
      await ensureRollups(deps, clinicId);
      const [b, c] = await Promise.all([
        repo.visitDays(clinicId, base.from, base.to, f),
        repo.visitDays(clinicId, from, to, f),
      ]);
      const bs = sumOver([b], () => true);
      const cs = sumOver([c], () => true);
      const keys = ['no_show_rate', 'cancellation_rate'];
      return {
        baseline: { from: base.from, to: base.to },
        current: { from, to },
        figures: KPIS.filter((k) => keys.includes(k.key)).map((k) => {
          const before = k.compute(bs, { smsPoint: null, pnpMessage: null });
          const now = k.compute(cs, { smsPoint: null, pnpMessage: null });
          return {
            key: k.key,
            label: k.label,
            unit: k.unit,
            formula: k.formula,
            baseline: before,
            current: now,
            change: before.value === null || now.value === null ? null : round(now.value - before.value, 1),
          };
        }),
      };
    },

    /** The value of Careline in a month (K6), every figure with its formula and the numbers put in. */
    async value(clinicId: string, q: { month?: string }) {
      const tz = (await clinicOf(clinicId)).timeZone;
      const today = todayIn(tz);
      const month = q.month ?? today.slice(0, 7);
      const range = monthRange(month);
      if (!isDate(range.from))
        throw errors.validation([{ field: 'month', code: 'month', message: `${month} 不是有效的月份` }]);
      if (range.from > today) throw new AppError('MONTH_IN_FUTURE', 422, '還沒有這個月份的資料');
      const to = range.to < today ? range.to : today;
      const settings = await settingsView(clinicId);
      await ensureRollups(deps, clinicId);
      const [b, m, clinic, prices] = await Promise.all([
        repo.visitDays(clinicId, settings.baseline.from, settings.baseline.to),
        repo.visitDays(clinicId, range.from, to),
        repo.clinicDays(clinicId, range.from, to),
        pricesOf(deps, clinicId) as Promise<Prices>,
      ]);
      const bs = sumOver([b], () => true);
      const ms = sumOver([m, clinic], () => true);
      return {
        month,
        from: range.from,
        to,
        baseline: { from: settings.baseline.from, to: settings.baseline.to },
        figures: valueFigures(bs, ms, settings, prices),
      };
    },

    settingsView,

    async saveSettings(
      clinicId: string,
      input: {
        baselinePeriod: { from: string; to: string } | null;
        averageVisitValueTwd: number;
        minutesPerCall: number;
        staffHourlyCostTwd: number;
      },
      actor: Actor,
      ip: string,
    ) {
      const bp = input.baselinePeriod;
      if (bp) {
        const bad = !isDate(bp.from)
          ? `${bp.from} 不是有效的日期`
          : !isDate(bp.to)
            ? `${bp.to} 不是有效的日期`
            : bp.to < bp.from
              ? '基準期間的結束日不能早於起始日'
              : daysIn(bp.from, bp.to) > MAX_RANGE_DAYS
                ? `基準期間最長 ${MAX_RANGE_DAYS} 天`
                : null;
        if (bad) throw errors.validation([{ field: 'baselinePeriod', code: 'range', message: bad }]);
      }
      const before = await settingsView(clinicId);
      await repo.saveSettings({
        clinic_id: clinicId,
        baseline_from: bp?.from ?? null,
        baseline_to: bp?.to ?? null,
        average_visit_value_twd: input.averageVisitValueTwd,
        minutes_per_call: input.minutesPerCall,
        staff_hourly_cost_twd: input.staffHourlyCostTwd,
        updated_by: actor.label,
        updated_at: deps.clock.now().toISOString(),
      });
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'reports.settings_saved',
        entityType: 'clinic',
        entityId: clinicId,
        ip,
        detail: {
          ...input,
          before: {
            baselinePeriod: before.baselinePeriod,
            averageVisitValueTwd: before.averageVisitValueTwd,
            minutesPerCall: before.minutesPerCall,
            staffHourlyCostTwd: before.staffHourlyCostTwd,
          },
        },
      });
      return settingsView(clinicId);
    },
  };
}

const fmt = (x: number, digits = 0) =>
  x.toLocaleString('zh-TW', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pct = (f: Figure) => (f.value === null ? '—' : `${fmt(f.value, 1)}%`);

/**
 * K6: no-shows avoided (baseline rate − this month's rate, times the month's visits with an
 * outcome) × the average visit value; phone calls replaced by confirmations × minutes per call
 * as staff hours × the hourly cost; minus the month's LINE and SMS costs.
 */
export function valueFigures(
  baseline: Sums,
  month: Sums,
  settings: { averageVisitValueTwd: number; minutesPerCall: number; staffHourlyCostTwd: number },
  prices: Prices,
) {
  const b = percent(baseline.no_show, baseline.reported);
  const c = percent(month.no_show, month.reported);
  const visits = month.reported;
  const avoided = b.value === null || c.value === null ? null : round(((b.value - c.value) / 100) * visits, 1);
  const noShowValue = avoided === null ? null : Math.round(avoided * settings.averageVisitValueTwd);
  const calls = month.confirmed;
  const hours = round((calls * settings.minutesPerCall) / 60, 1);
  const staffValue = Math.round(((calls * settings.minutesPerCall) / 60) * settings.staffHourlyCostTwd);
  const lineCost = prices.pnpMessage === null ? 0 : round(month.line_pnp * prices.pnpMessage, 2);
  const smsPoints = month.sms_points_milli / 1000;
  const smsCost = prices.smsPoint === null ? 0 : round(smsPoints * prices.smsPoint, 2);
  const messageCost = round(lineCost + smsCost, 2);
  const net = noShowValue === null ? null : Math.round(noShowValue + staffValue - messageCost);
  const unpriced = [
    prices.pnpMessage === null && month.line_pnp ? 'LINE 通知訊息未設定單價，以 0 計' : '',
    prices.smsPoint === null && month.sms_points_milli ? '簡訊點數未設定單價，以 0 計' : '',
  ].filter(Boolean);
  return [
    {
      key: 'baseline_no_show_rate',
      label: '基準期間未到診率',
      unit: 'percent' as const,
      value: b.value,
      formula: `基準期間未到診 ${fmt(baseline.no_show)} 診 ÷ HIS 已回報結果 ${fmt(baseline.reported)} 診 = ${pct(b)}`,
    },
    {
      key: 'no_show_rate',
      label: '本月未到診率',
      unit: 'percent' as const,
      value: c.value,
      formula: `本月未到診 ${fmt(month.no_show)} 診 ÷ HIS 已回報結果 ${fmt(month.reported)} 診 = ${pct(c)}`,
    },
    {
      key: 'no_shows_avoided',
      label: '減少的未到診',
      unit: 'count' as const,
      value: avoided,
      formula:
        avoided === null
          ? '基準期間或本月沒有已回報結果的看診，無法計算'
          : `（基準未到診率 ${pct(b)} − 本月未到診率 ${pct(c)}）× 本月已回報結果 ${fmt(visits)} 診 = ${fmt(avoided, 1)} 診`,
    },
    {
      key: 'no_show_value_twd',
      label: '減少未到診的收入',
      unit: 'twd' as const,
      value: noShowValue,
      formula:
        noShowValue === null
          ? '減少的未到診無法計算'
          : `減少的未到診 ${fmt(avoided ?? 0, 1)} 診 × 平均每診收入 NT$${fmt(settings.averageVisitValueTwd)}` +
            ` = NT$${fmt(noShowValue)}`,
    },
    {
      key: 'calls_replaced',
      label: '省下的確認電話',
      unit: 'count' as const,
      value: calls,
      formula: `本月病患以 LINE／簡訊回覆「確認赴約」的預約 ${fmt(calls)} 診，每診省下一通確認電話`,
    },
    {
      key: 'staff_hours_saved',
      label: '省下的櫃台時數',
      unit: 'hours' as const,
      value: hours,
      formula: `${fmt(calls)} 通 × 每通 ${fmt(settings.minutesPerCall)} 分鐘 ÷ 60 = ${fmt(hours, 1)} 小時`,
    },
    {
      key: 'staff_value_twd',
      label: '省下的人事成本',
      unit: 'twd' as const,
      value: staffValue,
      formula: `${fmt(hours, 1)} 小時 × 每小時 NT$${fmt(settings.staffHourlyCostTwd)} = NT$${fmt(staffValue)}`,
    },
    {
      key: 'message_cost_twd',
      label: '訊息費用',
      unit: 'twd' as const,
      value: messageCost,
      formula:
        `LINE 通知訊息 ${fmt(month.line_pnp)} 則 × NT$${prices.pnpMessage ?? 0} + 簡訊 ${fmt(smsPoints, 1)} 點 × ` +
        `NT$${prices.smsPoint ?? 0} = NT$${fmt(messageCost, 2)}` +
        (unpriced.length ? `（${unpriced.join('；')}）` : ''),
    },
    {
      key: 'net_value_twd',
      label: '本月淨效益',
      unit: 'twd' as const,
      value: net,
      formula:
        net === null
          ? '減少未到診的收入無法計算，淨效益也無法計算'
          : `減少未到診的收入 NT$${fmt(noShowValue ?? 0)} + 省下的人事成本 NT$${fmt(staffValue)}` +
            ` − 訊息費用 NT$${fmt(messageCost, 2)} = NT$${fmt(net)}`,
    },
  ];
}
