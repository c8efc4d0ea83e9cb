// The demo seed: the demo doctor login is one of the demo HIS's doctors (same name, linked), so
// its 行事曆 opens on its own column — before and after the fake HIS fills the clinic. After the
// fake HIS's history and the synthetic Careline history (reports/demo.ts seedDemoActivity), every
// KPI of the dashboard has values in the months since go-live, and another clinic sees none of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCTORS, fillDemoClinic } from '../../../../../scripts/fake-his.ts';
import { seedDemoActivity, seedDemoReports } from '../../modules/reports/demo.ts';
import { addDays, localParts } from '../../platform/time.ts';
import { as, createTestApp, createTestClinic, login, type TestApp } from '../../testing/helpers.ts';
import { DEMO_CLINIC_ID, DEMO_DOCTOR, DEMO_HIS_KEY, DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from './demo.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const doctorLogin = DEMO_LOGINS.find((u) => u.role === 'doctor')!;

describe('demo seed', () => {
  it('the demo doctor login is the fake HIS doctor of the same name, linked', async () => {
    const fake = DOCTORS.find((d) => d.id === DEMO_DOCTOR.hisId)!;
    expect(fake.body.name).toBe(doctorLogin.name);
    expect(doctorLogin.email).toBe('doctor@demo.careline.tw');

    expect(await seedDemo(t.deps)).toEqual({ created: true });
    const doc = as(t.app, await login(t.app, doctorLogin.email, DEMO_PASSWORD));
    const mine = (await doc.get('/api/doctors')).json();
    expect(mine).toMatchObject({ myDoctorId: DEMO_DOCTOR.hisId, matchedBy: 'link', unlinkedDoctorLogin: false });
    expect(mine.items).toEqual([expect.objectContaining({ id: DEMO_DOCTOR.hisId, name: doctorLogin.name })]);

    // The fake HIS then sends its doctors: the same doctor is updated, not duplicated, and the link holds.
    for (const d of DOCTORS) {
      const res = await t.app.inject({
        method: 'PUT',
        url: `/his/v1/doctors/${d.id}`,
        headers: { authorization: `Bearer ${DEMO_HIS_KEY}` },
        payload: d.body,
      });
      expect(res.statusCode, d.id).toBe(d.id === DEMO_DOCTOR.hisId ? 200 : 201);
    }
    const after = (await doc.get('/api/doctors')).json();
    expect(after).toMatchObject({ myDoctorId: DEMO_DOCTOR.hisId, matchedBy: 'link' });
    expect(after.items).toHaveLength(DOCTORS.length);

    // A second run keeps everything as it is.
    expect(await seedDemo(t.deps)).toEqual({ created: false });
    expect((await doc.get('/api/doctors')).json()).toMatchObject({ myDoctorId: DEMO_DOCTOR.hisId, matchedBy: 'link' });
    const admin = as(t.app, await login(t.app, DEMO_LOGINS[0].email, DEMO_PASSWORD));
    const links = (await admin.get('/api/doctor-links')).json().items;
    expect(links).toEqual([expect.objectContaining({ email: doctorLogin.email, doctorId: DEMO_DOCTOR.hisId })]);
  });

  it('the Careline history: every KPI has values in the months since go-live; not for another clinic', async () => {
    // The fake HIS through the app (no socket): a small clinic with eight months of visits.
    const fetchViaInject: typeof fetch = async (input, init) => {
      const req = new Request(input, init);
      const url = new URL(req.url);
      const body = req.body ? await req.text() : undefined;
      const r = await t.app.inject({
        method: req.method as 'GET',
        url: url.pathname + url.search,
        headers: Object.fromEntries(req.headers.entries()),
        ...(body ? { payload: body } : {}),
      });
      return new Response(r.statusCode === 204 ? null : r.body, {
        status: r.statusCode,
        headers: { 'content-type': String(r.headers['content-type'] ?? 'application/json') },
      });
    };
    const filled = await fillDemoClinic({
      baseUrl: 'http://demo.invalid',
      apiKey: DEMO_HIS_KEY,
      patients: 400,
      days: 3,
      historyDays: 240,
      now: t.deps.clock.now(),
      fetch: fetchViaInject,
    });
    expect(filled.failed, filled.errors[0]).toBe(0);
    const a = await seedDemoActivity(t.deps, DEMO_CLINIC_ID);
    expect(a.bindings).toBeGreaterThan(50);
    expect(a.line && a.pnp && a.sms && a.questions).toBeTruthy();
    await seedDemoReports(t.deps, DEMO_CLINIC_ID);

    const today = localParts(t.deps.clock.now(), 'Asia/Taipei').date;
    // The whole months after go-live (120 days ago) up to the last one.
    const from = `${addDays(today, -100).slice(0, 7)}-01`;
    const to = addDays(`${today.slice(0, 7)}-01`, -1);
    type Kpi = { key: string; series: { period: string; value: number | null }[] };
    const admin = as(t.app, await login(t.app, DEMO_LOGINS[0].email, DEMO_PASSWORD));
    const kpis = (await admin.get(`/api/reports/kpis?from=${from}&to=${to}&grain=month`)).json().kpis as Kpi[];
    // The waitlist's refills are not part of the synthetic history; complaints are (about one a week).
    const none = ['slots_refilled'];
    const filledKpis = kpis.filter((k) => !none.includes(k.key));
    expect(filledKpis.length).toBeGreaterThanOrEqual(14);
    for (const k of filledKpis) {
      expect(k.series.length, k.key).toBeGreaterThanOrEqual(2);
      for (const s of k.series) expect(s.value, `${k.key} ${s.period}`).not.toBeNull();
    }
    const value = (key: string, period: string) =>
      kpis.find((k) => k.key === key)!.series.find((s) => s.period === period)!.value!;
    const [first, last] = [from.slice(0, 7), to.slice(0, 7)];
    // The story: more patients on LINE, fewer SMS, confirmations well above half.
    expect(value('line_binding_rate', last)).toBeGreaterThan(value('line_binding_rate', first));
    expect(value('sms_cost_twd', last)).toBeLessThan(value('sms_cost_twd', first));
    expect(value('confirmation_rate', last)).toBeGreaterThan(50);
    expect(value('inbox_first_response_minutes', last)).toBeLessThan(1440);
    const v = (await admin.get(`/api/reports/value?month=${last}`)).json().figures as {
      key: string;
      value: number | null;
    }[];
    for (const f of v) expect(f.value, f.key).not.toBeNull();
    expect(v.find((f) => f.key === 'calls_replaced')!.value).toBeGreaterThan(0);
    expect(v.find((f) => f.key === 'message_cost_twd')!.value).toBeGreaterThan(0);

    // Another clinic: none of it.
    const other = await createTestClinic(t);
    const mine = as(t.app, other.admin);
    const theirs = (await mine.get(`/api/reports/kpis?from=${from}&to=${to}&grain=month`)).json().kpis as Kpi[];
    for (const k of theirs) for (const s of k.series) expect([null, 0], `${k.key} ${s.period}`).toContain(s.value);
    expect((await mine.get('/api/reminders/log')).json().items ?? []).toHaveLength(0);
    // Eight months of a clinic through the HIS API: ~14 s alone on PostgreSQL, more under a full run's load.
  }, 120_000);
});
