import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-05-01T00:00:00.000Z' });
});
afterAll(async () => t.close());

async function setup() {
  const c = await createTestClinic(t);
  const his = c.his(await c.apiKey());
  await his.put('/his/v1/doctors/D01', { name: '林醫師' });
  await his.put('/his/v1/doctors/D02', { name: '陳醫師' });
  for (const p of ['P1', 'P2', 'P3']) await his.put(`/his/v1/patients/${p}`, { name: `病患${p}` });
  return { c, his };
}

const STATUSES = ['booked', 'checked_in', 'completed', 'cancelled', 'no_show'];
/** Versions 1..n of appointments A0..A(k-1); version v has status STATUSES[v % 5] and doctor by parity. */
function versions(k: number, n: number) {
  const items = [];
  for (let a = 0; a < k; a++) {
    for (let v = 1; v <= n; v++) {
      items.push({
        appointmentId: `A${a}`,
        patientId: `P${(a % 3) + 1}`,
        doctorId: v % 2 ? 'D01' : 'D02',
        startsAt: `2026-05-0${(v % 8) + 1}T0${v % 9}:30:00+08:00`,
        status: STATUSES[v % 5],
        note: `v${v}`,
        version: v,
      });
    }
  }
  return items;
}

async function finalState(clinicId: string) {
  const rows = await t.deps.db
    .selectFrom('appointments')
    .select(['his_id', 'version', 'status', 'note'])
    .where('clinic_id', '=', clinicId)
    .orderBy('his_id')
    .execute();
  return rows.map((r) => ({ ...r, version: Number(r.version) }));
}
const count = async (table: 'appointment_history' | 'status_changes' | 'jobs', clinicId: string) =>
  Number(
    (
      await t.deps.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('clinic_id', '=', clinicId)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('POST /his/v1/appointments/batch', () => {
  it('answers one result per item in order; a bad item does not sink the others', async () => {
    const { his } = await setup();
    const r = await his.post('/his/v1/appointments/batch', {
      items: [
        {
          appointmentId: 'B1',
          patientId: 'P1',
          doctorId: 'D01',
          startsAt: '2026-05-04T09:30:00+08:00',
          status: 'booked',
          version: 1,
        },
        { appointmentId: 'B2', patientId: 'P1', doctorId: 'D01', startsAt: 'tomorrow', status: 'maybe', version: 1 },
        {
          appointmentId: 'B3',
          patientId: 'NOPE',
          doctorId: 'D01',
          startsAt: '2026-05-04T09:30:00+08:00',
          status: 'booked',
          version: 1,
        },
        {
          appointmentId: 'B1',
          patientId: 'P1',
          doctorId: 'D01',
          startsAt: '2026-05-04T09:30:00+08:00',
          status: 'checked_in',
          version: 2,
        },
        {
          appointmentId: 'B1',
          patientId: 'P1',
          doctorId: 'D01',
          startsAt: '2026-05-04T09:30:00+08:00',
          status: 'cancelled',
          version: 1,
        },
        {
          appointmentId: 'B1',
          patientId: 'P1',
          doctorId: 'D01',
          startsAt: '2026-05-04T09:30:00+08:00',
          status: 'checked_in',
          version: 2,
        },
        'not an object',
      ],
    });
    expect(r.statusCode).toBe(200);
    const items = r.json().items;
    expect(items.map((i: { index: number; status: number }) => [i.index, i.status])).toEqual([
      [0, 201],
      [1, 422],
      [2, 422],
      [3, 200],
      [4, 409],
      [5, 200],
      [6, 422],
    ]);
    expect(items[1].error.details.map((d: { field: string }) => d.field).sort()).toEqual(['startsAt', 'status']);
    expect(items[2].error.code).toBe('UNKNOWN_REFERENCE');
    expect(items[3].result).toBe('updated');
    expect(items[4].current).toMatchObject({ appointmentId: 'B1', status: 'checked_in', version: 2 });
    expect(items[5].result).toBe('unchanged');
    expect(r.json().summary).toEqual({ created: 1, updated: 1, unchanged: 1, conflicts: 1, invalid: 3 });
  });

  it('rejects an empty or oversized batch and unknown envelope fields with 422', async () => {
    const { his } = await setup();
    expect((await his.post('/his/v1/appointments/batch', { items: [] })).statusCode).toBe(422);
    expect(
      (await his.post('/his/v1/appointments/batch', { items: Array.from({ length: 1001 }, () => ({})) })).statusCode,
    ).toBe(422);
    expect((await his.post('/his/v1/appointments/batch', { items: [{}], x: 1 })).statusCode).toBe(422);
    // A NUL character in an item (PostgreSQL cannot store it) is that item's 422, not a 500.
    const nul = await his.post('/his/v1/appointments/batch', {
      items: [
        {
          appointmentId: 'N\u00001',
          patientId: 'P1',
          doctorId: 'D01',
          startsAt: '2026-05-04T09:30:00+08:00',
          status: 'booked',
          version: 1,
        },
      ],
    });
    expect(nul.statusCode, nul.body).toBe(200);
    expect(nul.json().items[0]).toMatchObject({ status: 422 });
    expect(nul.json().items[0].error.details[0].field).toBe('appointmentId');
  });

  it('same batch twice, reversed, shuffled, interleaved → highest version wins, full history, no dups', async () => {
    const a = await setup();
    const items = versions(20, 6);
    const r1 = await a.his.post('/his/v1/appointments/batch', { items });
    expect(r1.json().summary).toMatchObject({ created: 20, updated: 100 });
    const expected = await finalState(a.c.clinicId);
    expect(expected.every((x) => x.version === 6 && x.note === 'v6' && x.status === STATUSES[1])).toBe(true);
    const hist = await count('appointment_history', a.c.clinicId);
    const changes = await count('status_changes', a.c.clinicId);
    expect(hist).toBe(120);
    // Status changes: creation + every version whose status differs from the previous one.
    expect(changes).toBe(120);

    // The same batch again changes nothing.
    const r2 = await a.his.post('/his/v1/appointments/batch', { items });
    expect(r2.json().summary).toMatchObject({ created: 0, updated: 0, unchanged: 20, conflicts: 100 });
    expect(await count('appointment_history', a.c.clinicId)).toBe(hist);
    expect(await count('status_changes', a.c.clinicId)).toBe(changes);

    // Another clinic receives the same items reversed and interleaved: the same final state.
    const b = await setup();
    const rev = [...items].reverse();
    const r3 = await b.his.post('/his/v1/appointments/batch', { items: rev });
    expect(r3.json().summary).toMatchObject({ created: 20, conflicts: 100 });
    const shuffled = [...items].sort(
      (x, y) =>
        ((x.version * 7 + Number(x.appointmentId.slice(1))) % 11) -
        ((y.version * 7 + Number(y.appointmentId.slice(1))) % 11),
    );
    await b.his.post('/his/v1/appointments/batch', { items: shuffled });
    await b.his.post('/his/v1/appointments/batch', { items: shuffled.slice(0, 50) });
    expect(await finalState(b.c.clinicId)).toEqual(expected);
    // History keeps every applied version in order of application, each once.
    const h = await t.deps.db
      .selectFrom('appointment_history')
      .innerJoin('appointments', 'appointments.id', 'appointment_history.appointment_id')
      .select(['appointments.his_id', 'appointment_history.version'])
      .where('appointment_history.clinic_id', '=', b.c.clinicId)
      .orderBy('appointment_history.id')
      .execute();
    const perAppt = new Map<string, number[]>();
    for (const x of h) perAppt.set(x.his_id, [...(perAppt.get(x.his_id) ?? []), Number(x.version)]);
    for (const vs of perAppt.values()) {
      expect(new Set(vs).size).toBe(vs.length);
      expect([...vs].sort((p, q) => p - q)).toEqual(vs);
      expect(vs[vs.length - 1]).toBe(6);
    }
    // HIS writes are never echoed back as webhook jobs (only reminder planning jobs are written).
    const jobTypes = await t.deps.db
      .selectFrom('jobs')
      .select('type')
      .distinct()
      .where('clinic_id', '=', b.c.clinicId)
      .execute();
    expect(jobTypes.map((j) => j.type)).toEqual(['reminders.plan']);
  });

  it('handles 1,000 items in one request', async () => {
    const { c, his } = await setup();
    const items = Array.from({ length: 1000 }, (_, i) => ({
      appointmentId: `X${i}`,
      patientId: `P${(i % 3) + 1}`,
      doctorId: 'D01',
      startsAt: '2026-05-04T09:30:00+08:00',
      status: 'booked',
      version: 1,
    }));
    const r = await his.post('/his/v1/appointments/batch', { items });
    expect(r.statusCode).toBe(200);
    expect(r.json().summary.created).toBe(1000);
    expect(await count('appointment_history', c.clinicId)).toBe(1000);
  });
});

describe('concurrent writers', () => {
  it('parallel batches and PUTs on the same appointments end at the highest version, each once', async () => {
    const { c, his } = await setup();
    const items = versions(10, 8);
    const parts = [
      items.filter((x) => x.version % 2 === 0),
      items.filter((x) => x.version % 2 === 1).reverse(),
      items.filter((x) => x.version > 5),
      items.slice(0, 30),
    ];
    const singles = items
      .filter((x) => x.version === 4 || x.version === 8)
      .map((x) => {
        const { appointmentId, ...body } = x;
        return his.put(`/his/v1/appointments/${appointmentId}`, body);
      });
    const res = await Promise.all([
      ...parts.map((p) => his.post('/his/v1/appointments/batch', { items: p })),
      ...singles,
    ]);
    for (const r of res) expect([200, 201, 409]).toContain(r.statusCode);
    const rows = await finalState(c.clinicId);
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.version === 8 && r.note === 'v8')).toBe(true);
    const h = await t.deps.db
      .selectFrom('appointment_history')
      .select(['appointment_id', 'version'])
      .where('clinic_id', '=', c.clinicId)
      .execute();
    const keys = h.map((x) => `${x.appointment_id}:${x.version}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
