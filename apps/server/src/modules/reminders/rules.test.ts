// The rule settings through the API: skip weekdays saved and explained, every refusal of a
// bad document (422 with field paths, nothing saved), one clinic's admin never reading or
// changing another's rules, and the simulator on saved and unsaved rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp, type TestClinic } from '../../testing/helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-03-09T01:00:00Z' }); // Monday 09:00 in Taipei
});
afterAll(() => t.close());

/** A clinic open Monday to Saturday, like the demo clinic. */
async function saturdayClinic(): Promise<TestClinic> {
  const c = await createTestClinic(t);
  await t.deps.db
    .updateTable('clinics')
    .set({
      business_hours: JSON.stringify([1, 2, 3, 4, 5, 6].map((w) => ({ weekday: w, open: '09:00', close: '18:00' }))),
    })
    .where('id', '=', c.clinicId)
    .execute();
  return c;
}

type Settings = { rules: Record<string, unknown>[]; overrides: Record<string, unknown>[] } & Record<string, unknown>;
const strip = (s: Settings): Settings => ({
  ...s,
  rules: s.rules.map(({ explanation: _e, ...r }) => r),
});

describe('reminder rules', () => {
  it('saves skip weekdays, explains them, and refuses bad documents whole', async () => {
    const c = await saturdayClinic();
    const adm = as(t.app, c.admin);
    const got = await adm.get('/api/reminders/rules');
    expect(got.statusCode).toBe(200);
    const doc = strip(got.json());
    doc.rules[1] = { ...doc.rules[1], skipWeekdays: [6] };
    const put = await adm.put('/api/reminders/rules', doc);
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().rules[1].skipWeekdays).toEqual([6]);
    expect(put.json().rules[1].explanation).toContain('週六不發送');
    const saved = strip((await adm.get('/api/reminders/rules')).json());

    const refused = async (patch: (d: Settings) => void, field: string, text: string) => {
      const bad = structuredClone(saved);
      patch(bad);
      const res = await adm.put('/api/reminders/rules', bad);
      expect(res.statusCode, `${field}: ${res.body}`).toBe(422);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      const detail = res.json().error.details.find((d: { field: string }) => d.field === field);
      expect(detail, `${field}: ${res.body}`).toBeDefined();
      expect(detail.message).toContain(text);
    };
    await refused((d) => d.rules.push({ ...d.rules[0] }), 'rules.3.id', '重複');
    await refused((d) => (d.rules[0].templateId = 'nope'), 'rules.0.templateId', '找不到訊息範本');
    await refused((d) => d.overrides.push({ ruleId: 'gone', doctorId: 'D1' }), 'overrides.0.ruleId', '不存在');
    await refused(
      (d) => d.overrides.push({ ruleId: 'booking', doctorId: 'D1', visitType: '植牙' }),
      'overrides.0',
      '其中之一',
    );
    await refused((d) => d.overrides.push({ ruleId: 'booking' }), 'overrides.0', '其中之一');
    await refused((d) => (d.rules[2].at = '25:00'), 'rules.2.at', '格式');
    await refused((d) => (d.rules[1].hours = 721), 'rules.1.hours', '30 天');
    await refused((d) => (d.rules[1].hours = 0), 'rules.1.hours', '1 到 720');
    await refused((d) => Object.assign(d.rules[2], { kind: 'days_before', days: 31 }), 'rules.2.days', '1 到 30');
    await refused((d) => (d.mergeWindowMinutes = 1441), 'mergeWindowMinutes', '0 到 1440');
    await refused((d) => (d.monthlyCap = -1), 'monthlyCap', '留空');
    await refused((d) => (d.rules[1].skipWeekdays = [0, 1, 2, 3, 4, 5, 6]), 'rules.1.skipWeekdays', '七天');
    await refused((d) => (d.rules[1].skipWeekdays = [7]), 'rules.1.skipWeekdays.0', '不可大於 6');
    await refused((d) => (d.quietHours = { enabled: true, start: '22:00', end: '22:00' }), 'quietHours.end', '相同');
    await refused((d) => (d.monthlyCap = '100'), 'monthlyCap', '格式');
    // Nothing of the refused documents was saved.
    expect(strip((await adm.get('/api/reminders/rules')).json())).toEqual(saved);
    // The limits themselves and an empty cap are fine.
    const edge = structuredClone(saved);
    Object.assign(edge, { mergeWindowMinutes: 1440, monthlyCap: null });
    edge.rules[1].hours = 720;
    expect((await adm.put('/api/reminders/rules', edge)).statusCode).toBe(200);
  });

  it('one clinic’s admin neither reads nor changes another clinic’s rules', async () => {
    const a = await saturdayClinic();
    const b = await createTestClinic(t);
    const admA = as(t.app, a.admin);
    const admB = as(t.app, b.admin);
    const doc = strip((await admA.get('/api/reminders/rules')).json());
    doc.rules[1] = { ...doc.rules[1], skipWeekdays: [6], name: 'A 診所的 48 小時' };
    expect((await admA.put('/api/reminders/rules', doc)).statusCode).toBe(200);
    const seenByB = (await admB.get('/api/reminders/rules')).json();
    expect(JSON.stringify(seenByB)).not.toContain('A 診所的 48 小時');
    expect(seenByB.rules[1].skipWeekdays).toBeUndefined();
    const bDoc = strip(seenByB);
    bDoc.rules[1] = { ...bDoc.rules[1], hours: 24 };
    expect((await admB.put('/api/reminders/rules', bDoc)).statusCode).toBe(200);
    const aAfter = (await admA.get('/api/reminders/rules')).json();
    expect(aAfter.rules[1]).toMatchObject({ hours: 48, skipWeekdays: [6], name: 'A 診所的 48 小時' });
    // B's simulator runs on B's rules, never A's.
    const sim = await admB.post('/api/reminders/simulate', { date: '2026-03-16', time: '10:00' });
    expect(sim.json().items[1].explanation).toContain('24 小時前');
    // Only admins save; other roles read.
    const desk = as(t.app, await a.staff('front_desk'));
    expect((await desk.get('/api/reminders/rules')).statusCode).toBe(200);
    expect((await desk.put('/api/reminders/rules', doc)).statusCode).toBe(403);
    expect((await as(t.app, null).get('/api/reminders/rules')).statusCode).toBe(401);
  });
});

describe('simulator', () => {
  it('shows when each rule sends and why, on saved or unsaved rules, saving nothing', async () => {
    const c = await saturdayClinic();
    const adm = as(t.app, c.admin);
    const sim = await adm.post('/api/reminders/simulate', { date: '2026-03-16', time: '10:00' });
    expect(sim.statusCode, sim.body).toBe(200);
    const body = sim.json();
    expect(body.visit.label).toBe('2026年3月16日（星期一） 10:00');
    expect(body.items.map((i: { ruleId: string }) => i.ruleId)).toEqual(['booking', 'before-48h', 'visit-day']);
    expect(body.items[1]).toMatchObject({
      dueAt: '2026-03-14T02:00:00.000Z',
      dueLabel: '2026年3月14日（星期六） 10:00',
      skipped: false,
      reason: null,
    });

    // Unsaved draft: Saturday skipped for the 48 h rule → Friday at the shift time.
    const draft = strip((await adm.get('/api/reminders/rules')).json());
    draft.rules[1] = { ...draft.rules[1], skipWeekdays: [6] };
    draft.rules.push({
      id: 'implant-7d',
      kind: 'days_before',
      name: '植牙 7 天前',
      enabled: true,
      days: 7,
      at: '10:00',
      visitTypes: ['植牙'],
      essential: true,
      shift: true,
      templateId: 'default',
    });
    draft.rules[2] = { ...draft.rules[2], enabled: false };
    draft.overrides = [{ ruleId: 'booking', doctorId: 'D7', enabled: false }];
    const s2 = await adm.post('/api/reminders/simulate', {
      settings: draft,
      date: '2026-03-16',
      time: '10:00',
      doctorId: 'D7',
      visitType: null,
    });
    expect(s2.statusCode, s2.body).toBe(200);
    const items = s2.json().items;
    expect(items[1]).toMatchObject({ dueAt: '2026-03-13T01:00:00.000Z', dueLabel: '2026年3月13日（星期五） 09:00' });
    expect(items[1].explanation).toContain('此提醒設定週六不發送');
    expect(items[1].ruleExplanation).toContain('週六不發送，改在前一個可發送的上班日 09:00 發送');
    expect(items[0]).toMatchObject({ skipped: true, reason: 'disabled' });
    expect(items[0].explanation).toContain('D7');
    expect(items[2]).toMatchObject({ skipped: true, reason: 'disabled', explanation: '此規則已停用，不發送' });
    expect(items[3]).toMatchObject({ skipped: true, reason: 'visit_type' });
    const implant = await adm.post('/api/reminders/simulate', {
      settings: draft,
      date: '2026-03-20',
      time: '14:00',
      visitType: '植牙',
    });
    expect(implant.json().items[3]).toMatchObject({ dueLabel: '2026年3月13日（星期五） 10:00', skipped: false });
    // Nothing saved.
    expect((await adm.get('/api/reminders/rules')).json().rules[1].skipWeekdays).toBeUndefined();

    // Other staff who read rules may simulate.
    const viewer = as(t.app, await c.staff('viewer'));
    expect((await viewer.post('/api/reminders/simulate', { date: '2026-03-16', time: '10:00' })).statusCode).toBe(200);
  });

  it('refuses bad input with a zh-TW message', async () => {
    const c = await saturdayClinic();
    const adm = as(t.app, c.admin);
    const bad = async (body: Record<string, unknown>, field: string, text: string) => {
      const res = await adm.post('/api/reminders/simulate', { date: '2026-03-16', time: '10:00', ...body });
      expect(res.statusCode, res.body).toBe(422);
      const d = res.json().error.details.find((x: { field: string }) => x.field === field);
      expect(d, res.body).toBeDefined();
      expect(d.message).toContain(text);
    };
    await bad({ date: '2026-02-30' }, 'date', '沒有 2026-02-30 這一天');
    await bad({ date: '2026-03-09', time: '08:00' }, 'date', '已過');
    await bad({ bookedAt: '2026-03-17T00:00:00+08:00' }, 'bookedAt', '早於看診時間');
    await bad({ time: '9:00' }, 'time', '格式');
    const doc = strip((await adm.get('/api/reminders/rules')).json());
    doc.rules[1].hours = 1000;
    await bad({ settings: doc }, 'settings.rules.1.hours', '1 到 720');
    // A booking in the past of the visit: the planner plans as of that moment.
    const past = await adm.post('/api/reminders/simulate', {
      date: '2026-03-10',
      time: '10:00',
      bookedAt: '2026-03-09T09:30:00+08:00',
    });
    expect(past.statusCode).toBe(200);
    expect(past.json().items[0]).toMatchObject({ dueLabel: '2026年3月9日（星期一） 09:30', skipped: false });
    expect(past.json().items[1]).toMatchObject({ skipped: true, reason: 'past' });
  });
});
