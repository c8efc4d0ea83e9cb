// The fake HIS (scripts/fake-his.ts) fills a clinic through the SDK, deterministically and
// idempotently: a second run changes nothing and creates no duplicates.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../../../apps/server/src/testing/helpers.ts';
import { jobDefinitions } from '../../../apps/server/src/jobs.ts';
import { startWorker } from '../../../apps/server/src/platform/jobs.ts';
import {
  bookNow,
  DOCTORS,
  fillDemoClinic,
  fillDemoQueue,
  isValidNationalId,
  makeAppointments,
  makeHistory,
  makeNationalId,
  makePatients,
  makeQueueEvents,
  VISIT_TYPES,
} from '../../../scripts/fake-his.ts';

let t: TestApp;
let baseUrl: string;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => t?.close());

describe('fake HIS', () => {
  it('makes valid Taiwanese data', () => {
    for (const ok of [
      'A123456789',
      'F131104093',
      'O158238845',
      'Y123456788',
      'A800000014',
      'A900207177',
      'AA00000009',
      'AB00207171',
    ])
      expect(isValidNationalId(ok), ok).toBe(true);
    for (const bad of ['A123456788', 'A800000000', 'AA00000000', 'a123456789', 'A12345678'])
      expect(isValidNationalId(bad), bad).toBe(false);
    expect(makeNationalId('A', 1, '2345678')).toBe('A123456789');
    const now = new Date('2026-05-04T03:00:00Z'); // Monday 11:00 in Taipei
    const patients = makePatients(7, 300, now);
    expect(patients).toHaveLength(300);
    expect(new Set(patients.map((p) => p.id)).size).toBe(300);
    for (const p of patients) {
      const b = p.body as { name: string; nationalId: string; phone?: string; birthDate: string };
      expect(b.name).toMatch(/^[\u4e00-\u9fff]{3}$/);
      expect(isValidNationalId(b.nationalId)).toBe(true);
      if (b.phone) expect(b.phone.replace(/^\+886/, '0').replace(/-/g, '')).toMatch(/^09\d{8}$/);
      expect(b.birthDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    const phones = patients.map((p) => (p.body as { phone?: string }).phone).filter(Boolean);
    expect(new Set(phones).size).toBeLessThan(phones.length); // families share a mobile
    // …but siblings never share a name (a family on one number with two 陳品妍 would look like a duplicate record)
    const names = new Map<string, Set<string>>();
    for (const p of makePatients(7, 3000, now)) {
      const b = p.body as { name: string; phone?: string };
      if (!b.phone) continue;
      const family = names.get(b.phone) ?? new Set<string>();
      expect(family.has(b.name), `${b.name} twice on ${b.phone}`).toBe(false);
      names.set(b.phone, family.add(b.name));
    }
    expect(makePatients(7, 300, now)).toEqual(patients);

    const writes = makeAppointments(7, patients, 14, now);
    const byId = new Map<string, number[]>();
    for (const w of writes)
      byId.set(w.appointmentId, [...(byId.get(w.appointmentId) ?? []), (w.body as { version: number }).version]);
    for (const vs of byId.values()) expect(vs).toEqual(vs.map((_, i) => i + 1)); // versions sent in order
    const bodies = writes.map(
      (w) => w.body as { status: string; visitType: string; startsAt: string; doctorId: string },
    );
    const statuses = new Set(bodies.map((b) => b.status));
    for (const st of ['booked', 'checked_in', 'completed', 'cancelled']) expect(statuses).toContain(st);
    for (const b of bodies) {
      expect(VISIT_TYPES).toContain(b.visitType);
      expect(b.startsAt).toMatch(/^2026-05-\d{2}T(09|1\d|20):[03]0:00\+08:00$/);
      expect(new Date(b.startsAt).getUTCDay()).not.toBe(0); // closed on Sundays
    }
    // reschedules, cancellations, check-ins
    expect([...byId.values()].filter((v) => v.length > 1).length).toBeGreaterThan(20);

    // The past: one write per appointment in its final state, every day before today, deterministic.
    const past = makeHistory(7, patients, 60, now);
    expect(makeHistory(7, patients, 60, now)).toEqual(past);
    expect(new Set(past.map((w) => w.appointmentId)).size).toBe(past.length);
    expect(past.length).toBeGreaterThan(60 * 20);
    const pastBodies = past.map((w) => w.body as { status: string; startsAt: string; version: number });
    for (const b of pastBodies) {
      expect(b.version).toBe(1);
      expect(Date.parse(b.startsAt)).toBeLessThan(Date.parse('2026-05-03T16:00:00Z')); // before today in Taipei
      expect(['completed', 'no_show', 'cancelled']).toContain(b.status);
    }
    expect(pastBodies.filter((b) => b.status === 'completed').length / past.length).toBeGreaterThan(0.8);
  });

  it('fills a clinic through the SDK and a second run changes nothing', async () => {
    const c = await createTestClinic(t);
    const apiKey = await c.apiKey();
    const now = new Date('2026-05-04T03:00:00Z');
    const first = await fillDemoClinic({ baseUrl, apiKey, seed: 3, days: 7, historyDays: 30, patients: 120, now });
    expect(first.errors).toEqual([]);
    expect(first).toMatchObject({ doctors: DOCTORS.length, patients: 120, failed: 0, conflicts: 0 });
    const count = async (table: 'appointments' | 'patients' | 'doctors' | 'appointment_history') =>
      Number(
        (
          await t.deps.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .where('clinic_id', '=', c.clinicId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('appointments')).toBe(first.appointments);
    expect(await count('patients')).toBe(120);
    expect(await count('doctors')).toBe(DOCTORS.length);
    const history = await count('appointment_history');
    expect(history).toBe(first.writes);

    // the past visits (before the fill's `now`) give the patient list its last visits
    const lastVisits = await t.deps.db
      .selectFrom('patients')
      .select('last_visit_at')
      .where('clinic_id', '=', c.clinicId)
      .where('last_visit_at', '<', now.toISOString())
      .execute();
    expect(lastVisits.length).toBeGreaterThan(40);

    const second = await fillDemoClinic({ baseUrl, apiKey, seed: 3, days: 7, historyDays: 30, patients: 120, now });
    // the newest version of each appointment answers 200 unchanged, older ones 409: nothing applied
    expect(second).toMatchObject({
      failed: 0,
      applied: 0,
      unchanged: first.appointments,
      conflicts: first.writes - first.appointments,
    });
    expect(await count('appointments')).toBe(first.appointments);
    expect(await count('appointment_history')).toBe(history);
  });

  it('a fill copies bookings made before today (no booking-day message); --book-now books one now', async () => {
    const now = new Date('2026-05-04T03:00:00Z');
    t.clock.set(now.toISOString());
    const c = await createTestClinic(t);
    const apiKey = await c.apiKey();
    const writes = makeAppointments(5, makePatients(5, 60, now), 5, now);
    for (const w of writes) expect(Date.parse((w.body as { bookedAt: string }).bookedAt)).toBeLessThan(now.getTime());
    const fill = await fillDemoClinic({ baseUrl, apiKey, seed: 5, days: 5, patients: 60, now });
    expect(fill.failed).toBe(0);
    const worker = startWorker(t.deps, jobDefinitions(), { workerId: 'fake-his-test', autoStart: false });
    const drain = async () => {
      for (let i = 0; i < 200 && (await worker.runOnce()) > 0; i++);
    };
    const bookingDay = async (state: string) =>
      Number(
        (
          await t.deps.db
            .selectFrom('reminder_deliveries')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('clinic_id', '=', c.clinicId)
            .where('rule_id', '=', 'booking')
            .where('state', '=', state)
            .executeTakeFirstOrThrow()
        ).n,
      );
    try {
      await drain();
      expect(await bookingDay('planned')).toBe(0);
      expect(await bookingDay('skipped')).toBeGreaterThan(0);
      const booked = await bookNow({ baseUrl, apiKey, seed: 5, patients: 60, now });
      expect(booked.bookedAt).toBe(now.toISOString());
      await drain();
      expect(await bookingDay('planned')).toBe(1);
    } finally {
      await worker.stop();
    }
  });

  it("today's queue of one doctor: the session under way, before the first session, on the clinic's day", () => {
    const patients = makePatients(7, 200, new Date('2026-05-06T00:00:00Z'));
    // Wednesday 2026-05-06 10:40 Taipei: the morning session is under way.
    const morning = new Date('2026-05-06T02:40:00Z');
    const ev = makeQueueEvents(makeAppointments(7, patients, 1, morning), morning);
    const checkIns = ev.filter((e) => e.type === 'check_in');
    expect(checkIns.length).toBeGreaterThan(1);
    expect(new Set(ev.map((e) => `${e.doctorId} ${e.session}`))).toEqual(new Set([`${ev[0].doctorId} morning`]));
    expect(checkIns.map((e) => e.queueNumber)).toEqual(checkIns.map((_, i) => i + 1));
    const call = ev.find((e) => e.type === 'call');
    expect(call?.calledNumber).toBeGreaterThan(0);
    for (const e of ev) {
      expect(e.occurredAt < morning.toISOString()).toBe(true);
      expect(e.occurredAt >= '2026-05-05T16:00:00.000Z').toBe(true); // 00:00 Taipei
    }
    // 02:00 Taipei (18:00 UTC the day before): today's morning, three early arrivals, no call.
    const night = new Date('2026-05-05T18:00:00Z');
    const early = makeQueueEvents(makeAppointments(7, patients, 1, night), night);
    expect(early.map((e) => [e.type, e.session, e.queueNumber])).toEqual([
      ['check_in', 'morning', 1],
      ['check_in', 'morning', 2],
      ['check_in', 'morning', 3],
    ]);
    for (const e of early)
      expect(e.occurredAt >= '2026-05-05T16:00:00.000Z' && e.occurredAt < night.toISOString()).toBe(true);
    // Sunday: the clinic is closed, no queue.
    const sunday = new Date('2026-05-10T03:00:00Z');
    expect(makeQueueEvents(makeAppointments(7, patients, 1, sunday), sunday)).toEqual([]);
  });

  it('fills the queue through the HIS API: 看診進度 shows the doctor, the called number and the check-ins', async () => {
    const now = new Date('2026-05-06T02:40:00Z');
    t.clock.set(now.toISOString());
    const c = await createTestClinic(t);
    const apiKey = await c.apiKey();
    expect((await fillDemoClinic({ baseUrl, apiKey, seed: 7, days: 1, patients: 200, now })).failed).toBe(0);
    const q = await fillDemoQueue({ baseUrl, apiKey, seed: 7, patients: 200, now });
    expect(q.session).toBe('morning');
    const day = await as(t.app, c.admin).get('/api/queue/day');
    expect(day.statusCode, day.body).toBe(200);
    const doctor = DOCTORS.find((d) => d.id === q.doctorId)!;
    const queue = day.json().queues.find((x: { doctorName: string }) => x.doctorName === doctor.body.name);
    expect(queue).toMatchObject({ session: 'morning', calledNumber: q.calledNumber });
    expect(queue.visits).toHaveLength(q.checkIns);
  });
});
