// An appointment the HIS sends for a patient who was merged away in the back office belongs to
// the surviving patient — both a new appointment and a re-sent one that the merge had moved.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-06-01T02:00:00.000Z' });
});
afterAll(async () => t.close());

it('HIS appointments for a merged-away patient id stay with the survivor; another clinic is untouched', async () => {
  const c = await createTestClinic(t);
  const his = c.his(await c.apiKey());
  const api = as(t.app, c.admin);
  await his.put('/his/v1/doctors/D1', { name: '林醫師' });
  await his.put('/his/v1/patients/P1', { name: '王小明', phone: '0912-345-678' });
  await his.put('/his/v1/patients/P1-dup', { name: '王小明', phone: '0912345678' });
  const idOf = async (hisId: string) =>
    (
      await t.deps.db
        .selectFrom('patients')
        .select('id')
        .where('clinic_id', '=', c.clinicId)
        .where('his_id', '=', hisId)
        .executeTakeFirstOrThrow()
    ).id;
  const survivor = await idOf('P1');
  const merged = await idOf('P1-dup');
  const put = (id: string, patientId: string, version: number) =>
    his.put(`/his/v1/appointments/${id}`, {
      patientId,
      doctorId: 'D1',
      startsAt: '2026-07-01T09:00:00+08:00',
      status: 'booked',
      version,
    });
  expect((await put('A1', 'P1-dup', 1)).statusCode).toBeLessThan(300);
  expect((await api.post('/api/patients/merges', { survivorId: survivor, mergedId: merged })).statusCode).toBe(201);

  // The HIS still knows the old patient id: a re-sent A1 (new version) and a new A2.
  expect((await put('A1', 'P1-dup', 2)).statusCode).toBeLessThan(300);
  expect((await put('A2', 'P1-dup', 1)).statusCode).toBeLessThan(300);
  const owners = await t.deps.db
    .selectFrom('appointments')
    .select(['his_id', 'patient_id'])
    .where('clinic_id', '=', c.clinicId)
    .orderBy('his_id')
    .execute();
  expect(owners).toEqual([
    { his_id: 'A1', patient_id: survivor },
    { his_id: 'A2', patient_id: survivor },
  ]);
  const sv = (await api.get(`/api/patients/${survivor}`)).json();
  expect(sv.appointments.map((a: { hisId: string }) => a.hisId).sort()).toEqual(['A1', 'A2']);

  // Another clinic with the same HIS ids is a different world.
  const other = await createTestClinic(t);
  const oh = other.his(await other.apiKey());
  await oh.put('/his/v1/doctors/D1', { name: '陳醫師' });
  await oh.put('/his/v1/patients/P1-dup', { name: '另一位' });
  expect(
    (
      await oh.put('/his/v1/appointments/A2', {
        patientId: 'P1-dup',
        doctorId: 'D1',
        startsAt: '2026-07-01T09:00:00+08:00',
        status: 'booked',
        version: 1,
      })
    ).statusCode,
  ).toBeLessThan(300);
  const otherOwner = await t.deps.db
    .selectFrom('appointments as a')
    .innerJoin('patients as p', 'p.id', 'a.patient_id')
    .select(['p.his_id', 'p.clinic_id'])
    .where('a.clinic_id', '=', other.clinicId)
    .executeTakeFirstOrThrow();
  expect(otherOwner).toEqual({ his_id: 'P1-dup', clinic_id: other.clinicId });
  expect(
    await t.deps.db.selectFrom('appointments').select('id').where('clinic_id', '=', c.clinicId).execute(),
  ).toHaveLength(2);
});
