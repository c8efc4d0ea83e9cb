import { afterEach, describe, expect, it } from 'vitest';
import { precompiled } from './precompiled.ts';
import { createTestApp, createTestClinic, type TestApp } from '../testing/helpers.ts';

describe('precompiled queries', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
  });

  it('runs the compiled query with each call’s parameters, on the handle it is given', async () => {
    t = await createTestApp();
    const a = await createTestClinic(t);
    const b = await createTestClinic(t);
    const byClinicAndRole = precompiled(2, (db, clinicId, role) =>
      db
        .selectFrom('staff_users')
        .select(['email', 'clinic_id'])
        .where('clinic_id', '=', clinicId)
        .where('role', '=', role)
        .where('status', '=', 'active'),
    );
    const adminsA = await byClinicAndRole(t.deps.db, a.clinicId, 'admin');
    const adminsB = await byClinicAndRole(t.deps.db, b.clinicId, 'admin');
    expect(adminsA.map((r) => r.clinic_id)).toEqual([a.clinicId]);
    expect(adminsB.map((r) => r.clinic_id)).toEqual([b.clinicId]);
    expect(await byClinicAndRole(t.deps.db, a.clinicId, 'nobody')).toEqual([]);
    // Inside a transaction the same query runs on the transaction's handle.
    await t.deps.db.transaction().execute(async (trx) => {
      expect((await byClinicAndRole(trx, b.clinicId, 'admin')).map((r) => r.email)).toEqual(
        adminsB.map((r) => r.email),
      );
    });
  });

  it('refuses a builder that does not use every placeholder as a value, and a wrong argument count', async () => {
    t = await createTestApp();
    const bad = precompiled(2, (db, clinicId) =>
      db.selectFrom('staff_users').select('id').where('clinic_id', '=', clinicId),
    );
    await expect(bad(t.deps.db, 'x', 'y')).rejects.toThrow(/uses 1 of its 2 parameters/);
    const one = precompiled(1, (db, id) => db.selectFrom('staff_users').select('id').where('id', '=', id));
    await expect(one(t.deps.db)).rejects.toThrow(/takes 1 parameters, got 0/);
  });
});
