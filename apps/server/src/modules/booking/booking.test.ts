// Online booking requests: free slots from per-doctor rules (business hours, work calendar,
// cut-off, days ahead, places per slot), the atomic slot check under 200 concurrent requests
// for the last 20 slots, and the refusals a patient can meet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { createBookingRequest, freeSlotsOf } from './service.ts';
import { bookingRepository } from './repository.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: T0 });
});
afterAll(async () => t.close());

// Wednesday 2026-06-10 10:00 Taipei.
const T0 = '2026-06-10T02:00:00.000Z';

async function clinicWith(patients: number, rule: Partial<{ slotMinutes: number; perSlot: number }> = {}) {
  t.clock.set(T0);
  const c = await createTestClinic(t);
  const his = c.his(await c.apiKey());
  expect((await his.put('/his/v1/doctors/D1', { name: '王大明' })).statusCode).toBe(201);
  const items = Array.from({ length: patients }, (_, i) => `P${i + 1}`);
  for (const id of items) expect((await his.put(`/his/v1/patients/${id}`, { name: `病患${id}` })).statusCode).toBe(201);
  const ids = new Map(
    (await t.deps.db.selectFrom('patients').select(['id', 'his_id']).where('clinic_id', '=', c.clinicId).execute()).map(
      (p) => [p.his_id, p.id],
    ),
  );
  const doctor = await t.deps.db
    .selectFrom('doctors')
    .select('id')
    .where('clinic_id', '=', c.clinicId)
    .executeTakeFirstOrThrow();
  await bookingRepository(t.deps.db).saveRule({
    clinic_id: c.clinicId,
    doctor_id: doctor.id,
    enabled: 1,
    visit_types: null,
    slot_minutes: rule.slotMinutes ?? 15,
    days_ahead: 14,
    cutoff_minutes: 60,
    per_slot: rule.perSlot ?? 1,
    updated_at: T0,
  });
  return { c, his, doctorId: doctor.id, patient: (h: string) => ids.get(h)! };
}

describe('free slots and booking requests', () => {
  it('offers the rule slots inside business hours after the cut-off', async () => {
    const { c, doctorId } = await clinicWith(1);
    const slots = await freeSlotsOf(t.deps, c.clinicId, {
      doctorId,
      from: new Date('2026-06-10T00:00:00+08:00'),
      to: new Date('2026-06-11T00:00:00+08:00'),
    });
    // 11:00 is the first start an hour after 10:00; the morning ends 12:00, then 14:00–17:30, 18:30–21:00.
    expect(slots[0].startsAt).toBe(new Date('2026-06-10T11:00:00+08:00').toISOString());
    expect(slots.length).toBe(4 + 14 + 10);
  });

  it('200 simultaneous requests for the last 20 slots: 20 accepted, 180 told the slot is gone', async () => {
    const { c, doctorId, patient } = await clinicWith(200);
    const day = { from: new Date('2026-06-11T00:00:00+08:00'), to: new Date('2026-06-12T00:00:00+08:00') };
    const all = await freeSlotsOf(t.deps, c.clinicId, { doctorId, ...day });
    const last20 = all.slice(-20);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const s = last20[i % 20];
        return createBookingRequest(t.deps, c.clinicId, {
          patientId: patient(`P${i + 1}`),
          doctorId,
          visitType: null,
          startsAt: new Date(s.startsAt),
          endsAt: new Date(s.endsAt),
          source: 'liff',
          lineUserId: null,
          idempotencyKey: `concurrency-${i}`,
        });
      }),
    );
    const ok = results.filter((r) => r.ok);
    expect(ok.length).toBe(20);
    const refused = results.filter((r) => !r.ok);
    expect(refused.length).toBe(180);
    expect(new Set(refused.map((r) => (r.ok ? '' : r.code)))).toEqual(new Set(['slot_taken']));
    expect(refused[0].ok ? '' : refused[0].message).toBe('這個時段已經被預約走了，請選擇其他時段');
    const after = await freeSlotsOf(t.deps, c.clinicId, { doctorId, ...day });
    expect(after.length).toBe(all.length - 20);
    const rows = await t.deps.db
      .selectFrom('booking_requests')
      .select(['starts_at'])
      .where('clinic_id', '=', c.clinicId)
      .execute();
    expect(rows.length).toBe(20);
    expect(new Set(rows.map((r) => r.starts_at)).size).toBe(20);
  });

  it('refuses a past slot, a doctor without rules, a duplicate; a retry is the same request', async () => {
    const { c, his, doctorId, patient } = await clinicWith(2);
    expect((await his.put('/his/v1/doctors/D2', { name: '李醫師' })).statusCode).toBe(201);
    const d2 = (await t.deps.db
      .selectFrom('doctors')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', 'D2')
      .executeTakeFirstOrThrow())!.id;
    const base = {
      patientId: patient('P1'),
      doctorId,
      visitType: null,
      source: 'liff' as const,
      lineUserId: null,
    };
    const at = (iso: string, key: string, extra: object = {}) =>
      createBookingRequest(t.deps, c.clinicId, {
        ...base,
        startsAt: new Date(iso),
        endsAt: new Date(Date.parse(iso) + 15 * 60_000),
        idempotencyKey: key,
        ...extra,
      });
    expect(await at('2026-06-10T09:00:00+08:00', 'a')).toMatchObject({ ok: false, code: 'slot_in_past' });
    expect(await at('2026-06-10T10:30:00+08:00', 'b')).toMatchObject({ ok: false, code: 'too_late' });
    expect(await at('2026-06-11T09:07:00+08:00', 'c')).toMatchObject({ ok: false, code: 'not_a_slot' });
    expect(await at('2026-07-30T09:00:00+08:00', 'd')).toMatchObject({ ok: false, code: 'too_far' });
    expect(await at('2026-06-11T09:00:00+08:00', 'e', { doctorId: d2 })).toMatchObject({
      ok: false,
      code: 'no_rules',
      message: '這位醫師目前不開放線上預約，請選擇其他醫師或來電預約',
    });
    const first = await at('2026-06-11T09:00:00+08:00', 'f');
    expect(first.ok).toBe(true);
    expect(await at('2026-06-11T09:00:00+08:00', 'f')).toEqual(first);
    expect(await at('2026-06-11T09:00:00+08:00', 'g')).toMatchObject({ ok: false, code: 'duplicate_request' });
  });

  it('the HIS writes the appointment back with the request id: the request is accepted, once', async () => {
    const { c, his, doctorId, patient } = await clinicWith(1);
    const r = await createBookingRequest(t.deps, c.clinicId, {
      patientId: patient('P1'),
      doctorId,
      visitType: null,
      startsAt: new Date('2026-06-11T09:00:00+08:00'),
      endsAt: new Date('2026-06-11T09:15:00+08:00'),
      source: 'liff',
      lineUserId: null,
      idempotencyKey: 'wb',
    });
    if (!r.ok) throw new Error(r.code);
    const body = {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt: '2026-06-11T09:00:00+08:00',
      status: 'booked',
      version: 1,
      bookingRequestId: r.requestId,
    };
    const unknown = await his.put('/his/v1/appointments/A0', { ...body, bookingRequestId: 'nope' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.code).toBe('UNKNOWN_REFERENCE');
    expect((await his.put('/his/v1/appointments/A1', body)).statusCode).toBe(201);
    const row = await bookingRepository(t.deps.db).request(c.clinicId, r.requestId);
    expect(row).toMatchObject({ status: 'accepted' });
    // Resending the same version is fine; a second appointment for the same request is refused.
    expect((await his.put('/his/v1/appointments/A1', body)).statusCode).toBe(200);
    const second = await his.put('/his/v1/appointments/A2', body);
    expect(second.statusCode).toBe(422);
    expect(second.json().error.code).toBe('BOOKING_REQUEST_CLOSED');
    expect((await t.deps.db.selectFrom('appointments').select('id').where('his_id', '=', 'A2').execute()).length).toBe(
      0,
    );
    // The accepted visit holds the slot instead of the request: still taken.
    const free = await freeSlotsOf(t.deps, c.clinicId, {
      doctorId,
      from: new Date('2026-06-11T09:00:00+08:00'),
      to: new Date('2026-06-11T09:15:00+08:00'),
    });
    expect(free).toEqual([]);
  });
});
