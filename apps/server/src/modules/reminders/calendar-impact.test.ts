// The calendar-change dry run: a closure, an extra open day, removing one and importing a year
// answer "this will move N planned reminders" with the list, save nothing, and match what the
// reminder engine actually moves after the change is confirmed; another clinic sees and
// changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type Worker } from '../../platform/jobs.ts';
import { jobDefinitions } from '../../jobs.ts';
import { as, createTestApp, createTestClinic, type TestApp, type TestClinic } from '../../testing/helpers.ts';

let t: TestApp;
let worker: Worker;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-03-09T01:00:00Z' }); // Monday 09:00 in Taipei
  worker = startWorker(t.deps, jobDefinitions(), { workerId: 'impact-test', autoStart: false });
});
afterAll(async () => {
  await worker.stop();
  await t.close();
});

async function drain() {
  t.clock.advance(2000); // the clinic replan runs a second after the change
  for (let i = 0; i < 50 && (await worker.runOnce()) > 0; i++);
}

/** A Monday-to-Friday clinic with a doctor, a patient and the given visits (HIS id → start). */
async function clinicWithVisits(visits: Record<string, string>) {
  const c = await createTestClinic(t);
  const bh = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '09:00', close: '18:00' }));
  await t.deps.db
    .updateTable('clinics')
    .set({ business_hours: JSON.stringify(bh) })
    .where('id', '=', c.clinicId)
    .execute();
  const his = c.his(await c.apiKey());
  expect((await his.put('/his/v1/doctors/D1', { name: '林醫師' })).statusCode).toBe(201);
  expect((await his.put('/his/v1/patients/P1', { name: '王小明', phone: '0912-345-678' })).statusCode).toBe(201);
  for (const [id, startsAt] of Object.entries(visits)) {
    const r = await his.put(`/his/v1/appointments/${id}`, {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt,
      status: 'booked',
      version: 1,
    });
    expect(r.statusCode, r.body).toBe(201);
  }
  await drain();
  return c;
}

type Row = { id: string; appointment_id: string; rule_name: string; state: string; due_at: string | null };
const rowsOf = (clinicId: string): Promise<Row[]> =>
  t.deps.db
    .selectFrom('reminder_deliveries')
    .select(['id', 'appointment_id', 'rule_name', 'state', 'due_at'])
    .where('clinic_id', '=', clinicId)
    .orderBy('id')
    .execute();

/** What moved between two snapshots, in the dry run's terms (appointment, rule, change, new time). */
function diff(before: Row[], after: Row[]) {
  const was = new Map(before.map((r) => [r.id, r]));
  const out: string[] = [];
  for (const r of after) {
    const b = was.get(r.id);
    if (!b) continue;
    if (b.state === 'planned' && r.state === 'planned' && b.due_at !== r.due_at)
      out.push(`${r.appointment_id} ${r.rule_name} moved ${r.due_at}`);
    if (b.state === 'planned' && r.state !== 'planned') out.push(`${r.appointment_id} ${r.rule_name} skipped null`);
    if (b.state !== 'planned' && r.state === 'planned')
      out.push(`${r.appointment_id} ${r.rule_name} scheduled ${r.due_at}`);
  }
  return out.sort();
}
type Impact = {
  affected: number;
  moved: number;
  skipped: number;
  scheduled: number;
  message: string;
  items: { appointmentId: string; ruleName: string; change: string; newDueAt: string | null }[];
};
const asDiff = (i: Impact) => i.items.map((x) => `${x.appointmentId} ${x.ruleName} ${x.change} ${x.newDueAt}`).sort();

/** Dry run, then confirm; the dry run must have said exactly what the engine then did. */
async function dryRunThenConfirm(c: TestClinic, body: Record<string, unknown>, confirm: () => Promise<number>) {
  const adm = as(t.app, c.admin);
  const before = await rowsOf(c.clinicId);
  const overridesBefore = (await adm.get('/api/calendar/closures')).json().items;
  const r = await adm.post('/api/reminders/calendar-impact', body);
  expect(r.statusCode, r.body).toBe(200);
  const impact = r.json() as Impact;
  // Nothing saved by the dry run.
  expect(await rowsOf(c.clinicId)).toEqual(before);
  expect((await adm.get('/api/calendar/closures')).json().items).toEqual(overridesBefore);
  expect(await confirm()).toBeLessThan(300);
  await drain();
  expect(asDiff(impact)).toEqual(diff(before, await rowsOf(c.clinicId)));
  expect(impact.affected).toBe(impact.moved + impact.skipped);
  return impact;
}

describe('calendar impact on planned reminders', () => {
  it('a typhoon closure moves the 48-hour reminder to the previous working day; removal moves it back', async () => {
    const c = await clinicWithVisits({
      A1: '2026-03-13T15:00:00+08:00', // Friday: 48 h before is Wednesday 3/11 15:00
      A2: '2026-03-20T15:00:00+08:00', // next Friday: not touched by a closure on 3/11
    });
    const adm = as(t.app, c.admin);
    const rows = await rowsOf(c.clinicId);
    expect(rows.filter((r) => r.state === 'planned').length).toBeGreaterThanOrEqual(4);

    const add = await dryRunThenConfirm(
      c,
      { action: 'add', date: '2026-03-11', kind: 'closed', note: '颱風停診' },
      async () =>
        (await adm.post('/api/calendar/closures', { date: '2026-03-11', kind: 'closed', note: '颱風停診' })).statusCode,
    );
    expect(add).toMatchObject({ affected: 1, moved: 1, skipped: 0, scheduled: 0, message: '將移動 1 則已排程的提醒' });
    expect(add.items).toEqual([
      expect.objectContaining({
        visitId: 'A1',
        patientName: '王小明',
        doctorName: '林醫師',
        startsAt: '2026-03-13T07:00:00.000Z',
        ruleName: '看診前 48 小時提醒',
        change: 'moved',
        oldDueAt: '2026-03-11T07:00:00.000Z',
        newDueAt: '2026-03-10T01:00:00.000Z',
        explanation: expect.stringContaining('診所休診：颱風停診，順延至3/10（二） 09:00'),
      }),
    ]);

    const [closure] = (await adm.get('/api/calendar/closures')).json().items;
    const remove = await dryRunThenConfirm(
      c,
      { action: 'remove', id: closure.id },
      async () => (await adm.delete(`/api/calendar/closures/${closure.id}`)).statusCode,
    );
    expect(remove).toMatchObject({ affected: 1, moved: 1 });
    expect(remove.items[0]).toMatchObject({
      oldDueAt: '2026-03-10T01:00:00.000Z',
      newDueAt: '2026-03-11T07:00:00.000Z',
    });

    // A closure on a day nothing is sent moves nothing.
    const none = await adm.post('/api/reminders/calendar-impact', {
      action: 'add',
      date: '2026-04-15',
      kind: 'closed',
    });
    expect(none.json()).toMatchObject({ affected: 0, message: '不會移動任何已排程的提醒', items: [] });
    // Removing what does not exist, a bad date: 4xx in zh-TW.
    const gone = await adm.post('/api/reminders/calendar-impact', { action: 'remove', id: closure.id });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.message).toBe('找不到指定的休診／加診日');
    const bad = await adm.post('/api/reminders/calendar-impact', { action: 'add', date: '2026-02-30', kind: 'closed' });
    expect(bad.statusCode).toBe(422);
  });

  it('an extra open Saturday un-shifts a Monday visit’s reminder; an imported year moves what it closes', async () => {
    const c = await clinicWithVisits({
      B1: '2026-03-16T10:00:00+08:00', // Monday: 48 h before is Saturday 3/14 10:00 → Friday 09:00
      B2: '2026-03-20T15:00:00+08:00', // Friday: 48 h before is Wednesday 3/18 15:00
    });
    const adm = as(t.app, c.admin);
    const open = await dryRunThenConfirm(
      c,
      { action: 'add', date: '2026-03-14', kind: 'open', note: '週六加診' },
      async () =>
        (await adm.post('/api/calendar/closures', { date: '2026-03-14', kind: 'open', note: '週六加診' })).statusCode,
    );
    expect(open.items).toEqual([
      expect.objectContaining({
        visitId: 'B1',
        change: 'moved',
        oldDueAt: '2026-03-13T01:00:00.000Z',
        newDueAt: '2026-03-14T02:00:00.000Z',
      }),
    ]);

    // An official 2026 file in which Wednesday 3/18 is a day off.
    const lines = ['西元日期,星期,是否放假,備註'];
    for (let d = new Date(Date.UTC(2026, 0, 1)); d.getUTCFullYear() === 2026; d = new Date(d.getTime() + 86_400_000)) {
      const iso = d.toISOString().slice(0, 10);
      const wd = d.getUTCDay();
      const off = wd === 0 || wd === 6 || iso === '2026-03-18';
      lines.push(
        `${iso.replaceAll('-', '')},${'日一二三四五六'[wd]},${off ? 2 : 0},${iso === '2026-03-18' ? '停班' : ''}`,
      );
    }
    const csv = lines.join('\r\n');
    const imp = await dryRunThenConfirm(
      c,
      { action: 'import', year: 2026, csv },
      async () => (await adm.post('/api/calendar/import', { year: 2026, csv })).statusCode,
    );
    expect(imp.items).toEqual([
      expect.objectContaining({
        visitId: 'B2',
        oldDueAt: '2026-03-18T07:00:00.000Z',
        newDueAt: '2026-03-17T01:00:00.000Z',
      }),
    ]);
    const wrong = await adm.post('/api/reminders/calendar-impact', { action: 'import', year: 2027, csv });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().error.details[0].code).toBe('wrong_year');
  });

  it('a reminder merged away or freed by the change: skipped and scheduled, as the engine does it', async () => {
    // Monday visit B: its 48-hour reminder (Saturday 10:00, clinic closed) moves to Friday 09:00,
    // within the merge window of a "3 days before at 09:30" rule, so it is merged away; an extra
    // open Saturday frees it (scheduled), and removing that day merges it again (skipped).
    const c = await clinicWithVisits({});
    const adm = as(t.app, c.admin);
    const got = (await adm.get('/api/reminders/rules')).json();
    const doc = { ...got, rules: got.rules.map(({ explanation: _e, ...r }: { explanation?: string }) => r) };
    doc.rules.push({
      id: 'three-days',
      kind: 'days_before',
      name: '看診前 3 天提醒',
      enabled: true,
      days: 3,
      at: '09:30',
      essential: false,
      shift: false,
      templateId: doc.rules[1].templateId,
    });
    expect((await adm.put('/api/reminders/rules', doc)).statusCode).toBe(200);
    await drain();
    const his = c.his(await c.apiKey());
    const r = await his.put('/his/v1/appointments/M1', {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt: '2026-03-16T10:00:00+08:00',
      status: 'booked',
      version: 1,
    });
    expect(r.statusCode, r.body).toBe(201);
    await drain();
    const state48 = async () => (await rowsOf(c.clinicId)).find((x) => x.rule_name === '看診前 48 小時提醒')?.state;
    expect(await state48()).toBe('skipped');

    const open = await dryRunThenConfirm(
      c,
      { action: 'add', date: '2026-03-14', kind: 'open' },
      async () => (await adm.post('/api/calendar/closures', { date: '2026-03-14', kind: 'open' })).statusCode,
    );
    expect(open).toMatchObject({ affected: 0, scheduled: 1 });
    expect(open.message).toBe('不會移動任何已排程的提醒；另有 1 則原本不發送的提醒將排程發送');
    expect(open.items).toEqual([
      expect.objectContaining({
        visitId: 'M1',
        change: 'scheduled',
        oldDueAt: null,
        newDueAt: '2026-03-14T02:00:00.000Z',
      }),
    ]);
    expect(await state48()).toBe('planned');

    const [extra] = (await adm.get('/api/calendar/closures')).json().items;
    const remove = await dryRunThenConfirm(
      c,
      { action: 'remove', id: extra.id },
      async () => (await adm.delete(`/api/calendar/closures/${extra.id}`)).statusCode,
    );
    expect(remove).toMatchObject({ affected: 1, moved: 0, skipped: 1 });
    expect(remove.message).toBe('將移動 1 則已排程的提醒；其中 1 則將不再發送');
    expect(remove.items).toEqual([
      expect.objectContaining({
        change: 'skipped',
        oldDueAt: '2026-03-14T02:00:00.000Z',
        newDueAt: null,
        explanation: expect.stringContaining('合併為一則'),
      }),
    ]);
    expect(await state48()).toBe('skipped');
  });

  it('another clinic’s staff see and change nothing; only admins run it', async () => {
    const c = await clinicWithVisits({ C1: '2026-03-13T15:00:00+08:00' });
    const other = await createTestClinic(t);
    const adm = as(t.app, c.admin);
    await adm.post('/api/calendar/closures', { date: '2026-04-01', kind: 'closed', note: '院內訓練' });
    const [mine] = (await adm.get('/api/calendar/closures')).json().items;
    const before = await rowsOf(c.clinicId);
    const theirs = as(t.app, other.admin);
    const seen = await theirs.post('/api/reminders/calendar-impact', {
      action: 'add',
      date: '2026-03-11',
      kind: 'closed',
    });
    expect(seen.json()).toMatchObject({ affected: 0, appointments: 0, items: [] });
    expect((await theirs.post('/api/reminders/calendar-impact', { action: 'remove', id: mine.id })).statusCode).toBe(
      404,
    );
    expect((await theirs.delete(`/api/calendar/closures/${mine.id}`)).statusCode).toBe(404);
    expect((await theirs.get('/api/calendar/closures')).json().items).toEqual([]);
    const desk = as(t.app, await c.staff('front_desk'));
    expect(
      (await desk.post('/api/reminders/calendar-impact', { action: 'add', date: '2026-03-11', kind: 'closed' }))
        .statusCode,
    ).toBe(403);
    expect((await desk.post('/api/calendar/closures', { date: '2026-03-11', kind: 'closed' })).statusCode).toBe(403);
    await drain();
    expect(await rowsOf(c.clinicId)).toEqual(before);
    expect((await adm.get('/api/calendar/closures')).json().items).toHaveLength(1);
  });
});
