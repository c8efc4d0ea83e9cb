// Visit outcomes: an HIS status change of a visit today or yesterday enqueues one
// `appointments.outcome` job per appointment version, whose hooks get the change (with the
// treatment codes); the initial sync's copies and old visits enqueue nothing; a resend of the
// same version nothing more. Both databases.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { jobDefinitions } from '../../jobs.ts';
import { startWorker, type Worker } from '../../platform/jobs.ts';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { appointmentOutcomeJob, type Outcome } from './outcome.ts';

let t: TestApp;
let worker: Worker;
const NOW = '2026-03-09T02:00:00.000Z'; // Monday 10:00 in Taipei
const seen: { clinicId: string; o: Outcome }[] = [];
let failOnce = false;
beforeAll(async () => {
  t = await createTestApp({ start: NOW });
  const defs = jobDefinitions().filter((d) => d.type !== 'appointments.outcome');
  defs.push(
    appointmentOutcomeJob({
      onOutcome: [
        async (_deps, clinicId, o) => {
          seen.push({ clinicId, o });
          if (failOnce) {
            failOnce = false;
            throw new Error('hook failed once');
          }
        },
      ],
    }),
  );
  worker = startWorker(t.deps, defs, { workerId: 'outcome-test', autoStart: false });
});
beforeEach(() => {
  t.clock.set(NOW);
  seen.length = 0;
});
afterAll(async () => {
  await worker.stop();
  await t.close();
});

async function drain() {
  for (let i = 0; i < 50 && (await worker.runOnce()) > 0; i++);
}

async function clinic(endSync = true) {
  const c = await createTestClinic(t, { timeZone: 'Asia/Taipei' });
  const his = c.his(await c.apiKey());
  expect((await his.put('/his/v1/doctors/D1', { name: '林醫師' })).statusCode).toBe(201);
  expect((await his.put('/his/v1/patients/P1', { name: '王小明', phone: '0912-345-678' })).statusCode).toBe(201);
  if (endSync) expect((await as(t.app, c.admin).post('/api/his/initial-sync/end', {})).statusCode).toBe(200);
  return { c, his };
}

const visit = (over: Record<string, unknown> = {}) => ({
  patientId: 'P1',
  doctorId: 'D1',
  startsAt: '2026-03-09T09:30:00+08:00',
  visitType: '拔牙',
  status: 'booked',
  version: 1,
  ...over,
});

const outcomeJobs = (clinicId: string) =>
  t.deps.db
    .selectFrom('jobs')
    .select(['idempotency_key', 'status'])
    .where('clinic_id', '=', clinicId)
    .where('type', '=', 'appointments.outcome')
    .execute();

it('a visit of today marked completed: one outcome with its treatment codes, once per version', async () => {
  const { c, his } = await clinic();
  expect((await his.put('/his/v1/appointments/A1', visit())).statusCode).toBe(201);
  expect(await outcomeJobs(c.clinicId)).toEqual([]);
  const done = visit({ status: 'completed', treatmentCodes: ['92013C', ' 92015C '], version: 2 });
  const r = await his.put('/his/v1/appointments/A1', done);
  expect(r.statusCode).toBe(200);
  expect(r.json().treatmentCodes).toEqual(['92013C', '92015C']);
  // The same version again (an HIS resend) changes nothing and enqueues nothing.
  expect((await his.put('/his/v1/appointments/A1', done)).json().treatmentCodes).toEqual(['92013C', '92015C']);
  failOnce = true;
  await drain();
  t.clock.advance(10 * 60_000);
  await drain();
  const jobs = await outcomeJobs(c.clinicId);
  expect(jobs).toHaveLength(1);
  expect(jobs[0].status).toBe('done');
  // The hook failed once and ran again on the retry, with the same change.
  expect(seen).toHaveLength(2);
  expect(seen[1]).toEqual(seen[0]);
  const a = await t.deps.db
    .selectFrom('appointments')
    .select(['id', 'patient_id', 'doctor_id'])
    .where('clinic_id', '=', c.clinicId)
    .executeTakeFirstOrThrow();
  expect(seen[0]).toEqual({
    clinicId: c.clinicId,
    o: {
      appointmentId: a.id,
      appointmentHisId: 'A1',
      patientId: a.patient_id,
      doctorId: a.doctor_id,
      visitType: '拔牙',
      treatmentCodes: ['92013C', '92015C'],
      status: 'completed',
      previousStatus: 'booked',
      startsAt: '2026-03-09T01:30:00.000Z',
      version: 2,
    },
  });
  // A later change of something else (the note) is no outcome; without treatmentCodes they clear.
  const later = await his.put('/his/v1/appointments/A1', visit({ status: 'completed', note: '術後', version: 3 }));
  expect(later.json().treatmentCodes).toBeNull();
  expect(await outcomeJobs(c.clinicId)).toHaveLength(1);
});

it('yesterday counts (a clinic closing its day the next morning); older visits and copies do not', async () => {
  const { c, his } = await clinic();
  const items = [
    { appointmentId: 'Y1', ...visit({ startsAt: '2026-03-08T09:30:00+08:00', status: 'completed' }) },
    { appointmentId: 'O1', ...visit({ startsAt: '2026-03-07T23:30:00+08:00', status: 'completed' }) },
    { appointmentId: 'T1', ...visit({ status: 'no_show' }) },
    // Two changes of one appointment in a batch: one outcome each.
    { appointmentId: 'T2', ...visit({ status: 'checked_in' }) },
    { appointmentId: 'T2', ...visit({ status: 'completed', version: 2 }) },
  ];
  const r = await his.post('/his/v1/appointments/batch', { items });
  expect(r.statusCode).toBe(200);
  const keys = (await outcomeJobs(c.clinicId)).map((j) => j.idempotency_key).sort();
  expect(keys).toHaveLength(4);
  await drain();
  expect(seen.map((s) => [s.o.appointmentHisId, s.o.previousStatus, s.o.status]).sort()).toEqual([
    ['T1', null, 'no_show'],
    ['T2', null, 'checked_in'],
    ['T2', 'checked_in', 'completed'],
    ['Y1', null, 'completed'],
  ]);
});

it('during the initial sync a visit first seen completed is a copy; a live change of a known one is not', async () => {
  const { c, his } = await clinic(false);
  expect((await his.put('/his/v1/appointments/C1', visit({ status: 'completed' }))).statusCode).toBe(201);
  expect((await his.put('/his/v1/appointments/C2', visit())).statusCode).toBe(201);
  expect((await his.put('/his/v1/appointments/C2', visit({ status: 'no_show', version: 2 }))).statusCode).toBe(200);
  await drain();
  expect(seen.map((s) => [s.o.appointmentHisId, s.o.status])).toEqual([['C2', 'no_show']]);
  expect(await outcomeJobs(c.clinicId)).toHaveLength(1);
});

it('treatment codes are checked: not a list of strings → 422, nothing stored', async () => {
  const { c, his } = await clinic();
  const r = await his.put('/his/v1/appointments/B1', visit({ treatmentCodes: [92013] }));
  expect(r.statusCode).toBe(422);
  expect(r.json().error.details[0].field).toContain('treatmentCodes');
  const empty = await his.put('/his/v1/appointments/B1', visit({ treatmentCodes: [''] }));
  expect(empty.statusCode).toBe(422);
  expect(await t.deps.db.selectFrom('appointments').select('id').where('clinic_id', '=', c.clinicId).execute()).toEqual(
    [],
  );
});

it('a freed slot ahead is an outcome: a visit cancelled or moved (the start it left is sent)', async () => {
  const { c, his } = await clinic();
  const ahead = { startsAt: '2026-03-20T10:00:00+08:00' };
  expect((await his.put('/his/v1/appointments/F1', visit(ahead))).statusCode).toBe(201);
  expect((await his.put('/his/v1/appointments/F2', visit(ahead))).statusCode).toBe(201);
  // Next week's visit cancelled: an outcome (the waitlist offers the slot).
  expect(
    (await his.put('/his/v1/appointments/F1', visit({ ...ahead, status: 'cancelled', version: 2 }))).statusCode,
  ).toBe(200);
  // Moved to another day, still booked: an outcome carrying the start it left.
  const moved = visit({ startsAt: '2026-03-27T11:00:00+08:00', version: 2 });
  expect((await his.put('/his/v1/appointments/F2', moved)).statusCode).toBe(200);
  // A visit first seen cancelled is a status outcome too (the waitlist skips it); a note change none.
  expect((await his.put('/his/v1/appointments/F3', visit({ ...ahead, status: 'cancelled' }))).statusCode).toBe(201);
  expect((await his.put('/his/v1/appointments/F2', { ...moved, note: '改約', version: 3 })).statusCode).toBe(200);
  // A past visit (last week) moved or cancelled frees nothing.
  const past = { startsAt: '2026-03-02T10:00:00+08:00' };
  expect((await his.put('/his/v1/appointments/F4', visit(past))).statusCode).toBe(201);
  expect(
    (await his.put('/his/v1/appointments/F4', visit({ ...past, status: 'cancelled', version: 2 }))).statusCode,
  ).toBe(200);
  await drain();
  expect(seen.map((s) => [s.o.appointmentHisId, s.o.previousStatus, s.o.status, s.o.previousStartsAt ?? null])).toEqual(
    [
      ['F1', 'booked', 'cancelled', null],
      ['F2', 'booked', 'booked', '2026-03-20T02:00:00.000Z'],
      ['F3', null, 'cancelled', null],
    ],
  );
  expect(seen[1].o.startsAt).toBe('2026-03-27T03:00:00.000Z');
  expect(await outcomeJobs(c.clinicId)).toHaveLength(3);
});

it('during the initial sync a known future visit cancelled still frees its slot', async () => {
  const { his } = await clinic(false);
  const ahead = { startsAt: '2026-03-20T10:00:00+08:00' };
  expect((await his.put('/his/v1/appointments/G1', visit(ahead))).statusCode).toBe(201);
  expect(
    (await his.put('/his/v1/appointments/G1', visit({ ...ahead, status: 'cancelled', version: 2 }))).statusCode,
  ).toBe(200);
  await drain();
  expect(seen.map((s) => [s.o.appointmentHisId, s.o.status])).toEqual([['G1', 'cancelled']]);
});

it('a move of a visit whose start has passed frees nothing', async () => {
  const { his } = await clinic();
  const early = { startsAt: '2026-03-09T08:30:00+08:00' };
  expect((await his.put('/his/v1/appointments/H1', visit(early))).statusCode).toBe(201);
  expect((await his.put('/his/v1/appointments/H1', visit({ version: 2 }))).statusCode).toBe(200);
  await drain();
  expect(seen).toEqual([]);
});
