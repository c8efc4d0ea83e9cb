// The demo seed: the demo doctor login is one of the demo HIS's doctors (same name, linked), so
// its 行事曆 opens on its own column — before and after the fake HIS fills the clinic.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCTORS } from '../../../../../scripts/fake-his.ts';
import { as, createTestApp, login, type TestApp } from '../../testing/helpers.ts';
import { DEMO_DOCTOR, DEMO_HIS_KEY, DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from './demo.ts';

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
});
