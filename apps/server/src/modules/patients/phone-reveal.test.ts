// The front desk calls patients: front desk and admins reveal a patient's full number with one
// click (audited, like the national ID) and get a tel: link; doctors and viewers stay masked.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-06-01T02:00:00.000Z' });
});
afterAll(async () => t.close());

it('reveals the full phone to front desk and admins (audited, tel: link), not to doctors or viewers', async () => {
  const c = await createTestClinic(t);
  const his = c.his(await c.apiKey());
  await his.put('/his/v1/patients/P1', { name: '王小明', phone: '0912-345-678' });
  await his.put('/his/v1/patients/P2', { name: '陳美玲', phone: '(02) 2700-1234' });
  await his.put('/his/v1/patients/P3', { name: '林志豪' });
  const admin = as(t.app, c.admin);
  const ids = Object.fromEntries(
    (await admin.get('/api/patients?pageSize=10'))
      .json()
      .items.map((p: { name: string; id: string }) => [p.name, p.id]),
  );
  const frontDesk = as(t.app, await c.staff('front_desk'));
  const doctor = as(t.app, await c.staff('doctor'));
  const viewer = as(t.app, await c.staff('viewer'));

  const detail = (who: typeof admin) => who.get(`/api/patients/${ids['王小明']}`);
  expect((await detail(frontDesk)).json()).toMatchObject({ phoneMasked: '0912-***-678', phoneRevealable: true });
  expect((await detail(doctor)).json()).toMatchObject({ phoneMasked: '0912-***-678', phoneRevealable: false });

  const reveal = (who: typeof admin, name: string) => who.post(`/api/patients/${ids[name]}/phone/reveal`);
  const r = await reveal(frontDesk, '王小明');
  expect(r.statusCode).toBe(200);
  expect(r.json()).toEqual({
    e164: '+886912345678',
    display: '0912-345-678',
    tel: 'tel:+886912345678',
    type: 'mobile',
  });
  expect((await reveal(admin, '陳美玲')).json()).toMatchObject({ display: '02-2700-1234', type: 'landline' });
  for (const who of [doctor, viewer]) {
    const denied = await reveal(who, '王小明');
    expect(denied.statusCode).toBe(403);
    expect(JSON.stringify(denied.json())).not.toContain('345');
  }
  expect((await reveal(admin, '林志豪')).statusCode).toBe(404);

  const audit = await t.deps.db
    .selectFrom('audit_log')
    .select(['action', 'entity_id', 'actor_label'])
    .where('clinic_id', '=', c.clinicId)
    .where('action', '=', 'patient.phone_revealed')
    .execute();
  expect(audit.map((a) => a.entity_id).sort()).toEqual([ids['王小明'], ids['陳美玲']].sort());
});
