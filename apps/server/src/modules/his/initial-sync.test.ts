// Connecting an HIS sends nothing unasked: appointments the HIS copies over during the clinic's
// initial sync get no booking-day message (the 48-hour and visit-day reminders still plan);
// with bookedAt only a booking made today does; after the initial sync (ended by an admin or
// after 24 hours) a new booking gets its booking-day message. Both databases.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { jobDefinitions } from '../../jobs.ts';
import { startWorker, type Worker } from '../../platform/jobs.ts';
import { as, createTestApp, createTestClinic, login, type TestApp, type TestClinic } from '../../testing/helpers.ts';

let t: TestApp;
let worker: Worker;
const NOW = '2026-03-09T02:00:00.000Z'; // Monday 10:00 in Taipei
beforeAll(async () => {
  t = await createTestApp({ start: NOW });
  worker = startWorker(t.deps, jobDefinitions(), { workerId: 'initial-sync-test', autoStart: false });
});
beforeEach(() => t.clock.set(NOW));
afterAll(async () => {
  await worker.stop();
  await t.close();
});

async function drain() {
  for (let i = 0; i < 50 && (await worker.runOnce()) > 0; i++);
}

async function clinic() {
  const c = await createTestClinic(t, { timeZone: 'Asia/Taipei' });
  const his = c.his(await c.apiKey());
  expect((await his.put('/his/v1/doctors/D1', { name: '林醫師' })).statusCode).toBe(201);
  expect((await his.put('/his/v1/patients/P1', { name: '王小明', phone: '0912-345-678' })).statusCode).toBe(201);
  return { c, his };
}

const booking = (over: Record<string, unknown> = {}) => ({
  patientId: 'P1',
  doctorId: 'D1',
  startsAt: '2026-03-13T14:00:00+08:00',
  status: 'booked',
  version: 1,
  ...over,
});

/** The reminder rules planned for an appointment and whether each will be sent. */
async function plan(c: TestClinic, hisId: string) {
  await drain();
  const a = await t.deps.db
    .selectFrom('appointments')
    .select('id')
    .where('clinic_id', '=', c.clinicId)
    .where('his_id', '=', hisId)
    .executeTakeFirstOrThrow();
  const d = (await as(t.app, await login(t.app, c.admin.email)).get(`/api/appointments/${a.id}`)).json();
  return Object.fromEntries(
    (d.reminders as { ruleName: string; state: string; explanation: string }[]).map((r) => [r.ruleName, r.state]),
  );
}

it('the first HIS call starts the initial sync; an admin sees it and ends it', async () => {
  const c = await createTestClinic(t);
  const admin = as(t.app, c.admin);
  expect((await admin.get('/api/his/initial-sync')).json()).toMatchObject({ state: 'not_started', startedAt: null });
  const his = c.his(await c.apiKey());
  await his.get('/his/v1/status-changes');
  expect((await admin.get('/api/his/initial-sync')).json()).toEqual({
    state: 'active',
    startedAt: NOW,
    endsAt: '2026-03-10T02:00:00.000Z',
    endedAt: null,
    endedBy: null,
  });
  const desk = as(t.app, await c.staff('front_desk'));
  expect((await desk.get('/api/his/initial-sync')).statusCode).toBe(200);
  expect((await desk.post('/api/his/initial-sync/end', {})).statusCode).toBe(403);
  t.clock.set('2026-03-09T03:00:00.000Z');
  const ended = (await admin.post('/api/his/initial-sync/end', {})).json();
  expect(ended).toMatchObject({ state: 'ended', endedAt: '2026-03-09T03:00:00.000Z', endedBy: c.admin.email });
  // Ending again changes nothing; a later HIS call does not start it again.
  t.clock.set('2026-03-09T04:00:00.000Z');
  await his.get('/his/v1/status-changes');
  expect((await admin.post('/api/his/initial-sync/end', {})).json()).toEqual(ended);
});

it('during the initial sync an appointment without bookedAt gets no booking-day message; the others plan', async () => {
  const { c, his } = await clinic();
  expect((await his.put('/his/v1/appointments/A1', booking())).statusCode).toBe(201);
  expect(await plan(c, 'A1')).toEqual({
    預約當日提醒: 'skipped',
    '看診前 48 小時提醒': 'planned',
    看診當天提醒: 'planned',
  });
  const a = (await his.get('/his/v1/appointments/A1')).json();
  expect(a).toMatchObject({ bookedAt: null, lights: { reply: { code: 'not_sent' } } });
  // A later version (the HIS moves the visit) still is not a new booking.
  expect(
    (await his.put('/his/v1/appointments/A1', booking({ startsAt: '2026-03-12T15:00:00+08:00', version: 2 })))
      .statusCode,
  ).toBe(200);
  expect((await plan(c, 'A1'))['預約當日提醒']).toBe('skipped');
});

it('with bookedAt, only a booking made today (clinic time) gets a booking-day message, even in the sync', async () => {
  const { c, his } = await clinic();
  const items = [
    { appointmentId: 'B-today', ...booking({ bookedAt: '2026-03-09T09:55:00+08:00' }) },
    { appointmentId: 'B-yesterday', ...booking({ bookedAt: '2026-03-08T23:59:00+08:00' }) },
    // Midnight in Taipei is still the previous day in UTC: the clinic's day decides.
    { appointmentId: 'B-midnight', ...booking({ bookedAt: '2026-03-08T16:30:00Z' }) },
    { appointmentId: 'B-future', ...booking({ bookedAt: '2026-03-09T12:00:00+08:00' }) },
  ];
  const r = await his.post('/his/v1/appointments/batch', { items });
  expect(r.json().summary).toMatchObject({ created: 4, invalid: 0 });
  expect((await plan(c, 'B-today'))['預約當日提醒']).toBe('planned');
  expect((await plan(c, 'B-yesterday'))['預約當日提醒']).toBe('skipped');
  expect((await plan(c, 'B-midnight'))['預約當日提醒']).toBe('planned');
  expect((await plan(c, 'B-future'))['預約當日提醒']).toBe('planned');
  expect((await his.get('/his/v1/appointments/B-today')).json().bookedAt).toBe('2026-03-09T09:55:00+08:00');
  // bookedAt must carry a time zone; null is "not known".
  const bad = await his.put('/his/v1/appointments/B-bad', booking({ bookedAt: '2026-03-09 09:55' }));
  expect(bad.statusCode).toBe(422);
  expect(bad.json().error.details[0].field).toBe('bookedAt');
  expect((await his.put('/his/v1/appointments/B-null', booking({ bookedAt: null }))).json().bookedAt).toBeNull();
});

it('after an admin ends the initial sync, or 24 hours on, a new booking gets its booking-day message', async () => {
  const { c, his } = await clinic();
  await as(t.app, c.admin).post('/api/his/initial-sync/end', {});
  expect((await his.put('/his/v1/appointments/C1', booking())).statusCode).toBe(201);
  expect((await plan(c, 'C1'))['預約當日提醒']).toBe('planned');

  const other = await clinic();
  t.clock.set('2026-03-10T02:00:00.000Z');
  const admin = as(t.app, await login(t.app, other.c.admin.email));
  expect((await admin.get('/api/his/initial-sync')).json()).toMatchObject({
    state: 'ended',
    endedAt: '2026-03-10T02:00:00.000Z',
    endedBy: null,
  });
  expect((await other.his.put('/his/v1/appointments/C2', booking())).statusCode).toBe(201);
  expect((await plan(other.c, 'C2'))['預約當日提醒']).toBe('planned');
});
