// Reports end to end: HIS appointments over several local days → the roll-up job → the KPIs per
// day / week / month, per doctor and visit type, the baseline comparison, the value in NT$ and
// the settings; an HIS resync of old visits rebuilds the days it touched; another clinic sees
// nothing of it. Runs on SQLite and (TEST_DATABASE_URL) PostgreSQL with the same expectations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { runRollup } from './rollup.ts';
import { reportService } from './service.ts';

let t: TestApp;
beforeAll(async () => {
  // Friday 2026-05-15 12:00 Taipei.
  t = await createTestApp({ start: '2026-05-15T04:00:00.000Z' });
});
afterAll(async () => t?.close());

type Kpi = {
  key: string;
  unit: string;
  total: number | null;
  target: unknown;
  scope: string;
  series: { period: string; value: number | null; numerator: number | null; denominator: number | null }[];
};

async function clinicWithVisits() {
  const c = await createTestClinic(t);
  const his = c.his(await c.apiKey());
  for (const [d, name] of [
    ['D1', '林醫師'],
    ['D2', '陳醫師'],
  ])
    expect((await his.put(`/his/v1/doctors/${d}`, { name })).statusCode).toBeLessThan(300);
  for (const p of ['P1', 'P2', 'P3'])
    expect((await his.put(`/his/v1/patients/${p}`, { name: '王小明' })).statusCode).toBeLessThan(300);
  // Taipei local days: 05-13 three visits of D1 (初診/複診), 05-14 two of D2; 00:30 local is still that day.
  const visits: [string, string, string, string, string | null][] = [
    ['A1', 'P1', 'D1', '2026-05-12T16:30:00.000Z', '初診'], // 05-13 00:30 local
    ['A2', 'P2', 'D1', '2026-05-13T02:00:00.000Z', '複診'],
    ['A3', 'P3', 'D1', '2026-05-13T03:00:00.000Z', '複診'],
    ['A4', 'P1', 'D2', '2026-05-14T01:00:00.000Z', null],
    ['A5', 'P2', 'D2', '2026-05-14T15:59:00.000Z', null], // 05-14 23:59 local
  ];
  for (const [id, patientId, doctorId, startsAt, visitType] of visits) {
    const r = await his.put(`/his/v1/appointments/${id}`, {
      patientId,
      doctorId,
      startsAt,
      status: 'booked',
      version: 1,
      ...(visitType ? { visitType } : {}),
    });
    expect(r.statusCode, r.body).toBeLessThan(300);
  }
  const status = async (id: string, s: string, v: number) => {
    const cur = visits.find((x) => x[0] === id)!;
    const r = await his.put(`/his/v1/appointments/${id}`, {
      patientId: cur[1],
      doctorId: cur[2],
      startsAt: cur[3],
      status: s,
      version: v,
      ...(cur[4] ? { visitType: cur[4] } : {}),
    });
    expect(r.statusCode, r.body).toBeLessThan(300);
  };
  await status('A1', 'completed', 2);
  await status('A2', 'no_show', 2);
  await status('A3', 'cancelled', 2);
  await status('A4', 'completed', 2);
  await status('A5', 'no_show', 2);
  return { c, his, status };
}

describe('reports', () => {
  it('rolls up HIS visits per local day and answers the KPI shape', async () => {
    const { c } = await clinicWithVisits();
    const admin = as(t.app, c.admin);
    const before = await admin.get('/api/reports/kpis?from=2026-05-13&to=2026-05-14');
    expect(before.statusCode, before.body).toBe(200);
    expect(before.json().rollup.state).toBe('building');

    await runRollup(t.deps, c.clinicId);
    const r = await admin.get('/api/reports/kpis?from=2026-05-13&to=2026-05-14&grain=day');
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json() as {
      rollup: { state: string };
      kpis: Kpi[];
      filters: { doctors: unknown; visitTypes: string[] };
    };
    expect(body.rollup.state).toBe('ready');
    const k = (key: string) => body.kpis.find((x) => x.key === key)!;
    expect(k('no_show_rate').series).toEqual([
      { period: '2026-05-13', value: 50, numerator: 1, denominator: 2 },
      { period: '2026-05-14', value: 50, numerator: 1, denominator: 2 },
    ]);
    expect(k('no_show_rate').total).toBe(50);
    expect(k('cancellation_rate').series.map((s) => [s.numerator, s.denominator])).toEqual([
      [1, 3],
      [0, 2],
    ]);
    expect(k('satisfaction_rate').target).toEqual({ op: '>=', value: 90 });
    expect(k('slots_refilled').total).toBeNull();
    expect(body.filters.doctors).toEqual([
      { id: 'D1', name: '林醫師' },
      { id: 'D2', name: '陳醫師' },
    ]);
    expect(body.filters.visitTypes).toEqual(['初診', '複診']);

    const d1 = (await admin.get('/api/reports/kpis?from=2026-05-13&to=2026-05-14&doctorId=D1')).json() as {
      kpis: Kpi[];
    };
    expect(d1.kpis.find((x) => x.key === 'no_show_rate')!.total).toBe(50);
    expect(d1.kpis.find((x) => x.key === 'no_show_rate')!.series[1].denominator).toBe(0);
    const month = (await admin.get('/api/reports/kpis?from=2026-05-01&to=2026-05-15&grain=month')).json() as {
      kpis: Kpi[];
    };
    expect(month.kpis.find((x) => x.key === 'no_show_rate')!.series).toEqual([
      { period: '2026-05', value: 50, numerator: 2, denominator: 4 },
    ]);
  });

  it('keeps the settings, compares with the baseline, prices the month; another clinic sees none of it', async () => {
    const { c } = await clinicWithVisits();
    const admin = as(t.app, c.admin);
    const desk = as(t.app, await c.staff('front_desk'));
    await runRollup(t.deps, c.clinicId);

    const defaults = (await admin.get('/api/reports/settings')).json();
    expect(defaults).toMatchObject({
      baselinePeriod: null,
      averageVisitValueTwd: 500,
      minutesPerCall: 3,
      staffHourlyCostTwd: 200,
      baseline: { isDefault: true },
    });
    const body = {
      baselinePeriod: { from: '2026-05-13', to: '2026-05-13' },
      averageVisitValueTwd: 800,
      minutesPerCall: 4,
      staffHourlyCostTwd: 250,
    };
    expect((await desk.put('/api/reports/settings', body)).statusCode).toBe(403);
    const bad = await admin.put('/api/reports/settings', {
      ...body,
      baselinePeriod: { from: '2026-05-13', to: '2026-05-01' },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details[0].field).toBe('baselinePeriod');
    const put = await admin.put('/api/reports/settings', body);
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().baseline).toEqual({ from: '2026-05-13', to: '2026-05-13', isDefault: false });

    // Baseline 05-13: 1 no-show of 2 reported, 1 cancelled of 3; now 05-14: 1 of 2, 0 of 2.
    const base = await desk.get('/api/reports/baseline?from=2026-05-14&to=2026-05-14');
    expect(base.statusCode, base.body).toBe(200);
    expect(base.json().figures).toEqual([
      expect.objectContaining({
        key: 'cancellation_rate',
        baseline: { value: 33.3, numerator: 1, denominator: 3 },
        current: { value: 0, numerator: 0, denominator: 2 },
        change: -33.3,
      }),
      expect.objectContaining({ key: 'no_show_rate', change: 0 }),
    ]);

    const value = await desk.get('/api/reports/value?month=2026-05');
    expect(value.statusCode, value.body).toBe(200);
    const figures = Object.fromEntries(
      (value.json().figures as { key: string; value: number | null; formula: string }[]).map((f) => [f.key, f]),
    );
    expect(figures.no_shows_avoided.value).toBe(0);
    expect(figures.net_value_twd.value).toBe(0);
    expect(figures.staff_hours_saved.formula).toContain('每通 4 分鐘');
    expect((await desk.get('/api/reports/value?month=2026-07')).statusCode).toBe(422);

    const other = await createTestClinic(t);
    const theirs = as(t.app, other.admin);
    const kpis = (await theirs.get('/api/reports/kpis?from=2026-05-13&to=2026-05-14')).json();
    expect(
      kpis.kpis.find((k: Kpi) => k.key === 'no_show_rate').series.map((s: Kpi['series'][0]) => s.denominator),
    ).toEqual([0, 0]);
    expect(kpis.filters).toEqual({ doctors: [], visitTypes: [] });
    expect((await theirs.get('/api/reports/settings')).json().baselinePeriod).toBeNull();
  });

  it('re-counts the days an HIS resync touched, beyond the hourly window', async () => {
    const { c, status } = await clinicWithVisits();
    t.clock.set('2026-05-15T05:00:00.000Z'); // the run starts after the HIS's writes
    await runRollup(t.deps, c.clinicId);
    // (the service, not a session: sessions do not last the two months this test moves the clock)
    const noShows = async () =>
      (await reportService(t.deps).kpis(c.clinicId, { from: '2026-05-13', to: '2026-05-14' })).kpis
        .find((k) => k.key === 'no_show_rate')!
        .series.map((x) => x.numerator);
    expect(await noShows()).toEqual([1, 1]);

    // Two months later the HIS sends 05-14's visit again, corrected to a no-show.
    const later = new Date('2026-07-15T04:00:00.000Z');
    t.clock.set(later.toISOString());
    try {
      await status('A4', 'no_show', 3);
      t.clock.set('2026-07-15T04:30:00.000Z');
      const run = await runRollup(t.deps, c.clinicId);
      expect(run.full).toBe(false);
      expect(run.from).toBe('2026-05-14');
      expect(await noShows()).toEqual([1, 2]);
      // Nothing changed since: the next run, an hour later, keeps to its 45-day window.
      t.clock.set('2026-07-15T05:00:00.000Z');
      expect((await runRollup(t.deps, c.clinicId)).from).toBe('2026-05-31');
    } finally {
      t.clock.set('2026-05-15T04:00:00.000Z');
    }
  });

  it('counts by the local day of a clinic whose zone changes to summer time', async () => {
    const c = await createTestClinic(t, { timeZone: 'America/New_York' });
    const his = c.his(await c.apiKey());
    await his.put('/his/v1/doctors/D1', { name: '林醫師' });
    await his.put('/his/v1/patients/P1', { name: '王小明' });
    // New York moves to EDT on 2026-03-08 at 02:00 local.
    const starts = [
      '2026-03-08T04:30:00.000Z', // 03-07 23:30 EST
      '2026-03-08T05:30:00.000Z', // 03-08 00:30 EST
      '2026-03-09T03:30:00.000Z', // 03-08 23:30 EDT
      '2026-03-09T04:30:00.000Z', // 03-09 00:30 EDT
    ];
    for (const [i, startsAt] of starts.entries()) {
      const r = await his.put(`/his/v1/appointments/N${i}`, {
        patientId: 'P1',
        doctorId: 'D1',
        startsAt,
        status: 'completed',
        version: 1,
      });
      expect(r.statusCode, r.body).toBeLessThan(300);
    }
    await runRollup(t.deps, c.clinicId);
    const r = await as(t.app, c.admin).get('/api/reports/kpis?from=2026-03-07&to=2026-03-09&grain=day');
    const kpi = (r.json() as { kpis: Kpi[] }).kpis.find((k) => k.key === 'no_show_rate')!;
    expect(kpi.series.map((x) => [x.period, x.denominator])).toEqual([
      ['2026-03-07', 1],
      ['2026-03-08', 2],
      ['2026-03-09', 1],
    ]);
  });
});
