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
  expect((await his.put('/his/v1/doctors/D01', { name: '林醫師', department: '牙科' })).statusCode).toBe(201);
  expect(
    (
      await his.put('/his/v1/patients/P001', {
        name: '王小明',
        phone: '0912-345-678',
        nationalId: 'A123456789',
        birthDate: '1980-05-17',
        chartNo: '0012345',
        gender: 'male',
      })
    ).statusCode,
  ).toBe(201);
  return { c, his };
}

const appt = (over: Record<string, unknown> = {}) => ({
  patientId: 'P001',
  doctorId: 'D01',
  startsAt: '2026-05-04T09:30:00+08:00',
  durationMinutes: 15,
  status: 'booked',
  version: 1,
  ...over,
});

describe('doctors and patients', () => {
  it('creates then updates a doctor (201 then 200)', async () => {
    const { his } = await setup();
    const r = await his.put('/his/v1/doctors/D01', { name: '林醫師', title: '主治醫師' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      doctorId: 'D01',
      name: '林醫師',
      department: '牙科',
      title: '主治醫師',
      active: true,
    });
  });

  it('normalises a patient: E.164 phone, masked and encrypted national id, NFC name', async () => {
    const { c, his } = await setup();
    const r = await his.put('/his/v1/patients/P002', {
      name: '  陳 大文 ',
      phone: '+886 912 345 678',
      nationalId: 'f131104093',
    });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({
      patientId: 'P002',
      name: '陳 大文',
      phone: { e164: '+886912345678', type: 'mobile' },
      nationalIdMasked: 'F13****093',
      lights: { line: { code: 'unbound', label: 'LINE未綁定' } },
    });
    const row = await t.deps.db
      .selectFrom('patients')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', 'P002')
      .executeTakeFirstOrThrow();
    expect(row.national_id_enc).not.toContain('F131104093');
    expect(t.deps.crypto.decrypt(row.national_id_enc!)).toBe('F131104093');
    expect(row.national_id_hash).toBe(t.deps.crypto.lookupHash('F131104093'));
    expect(row.phone_hash).toBe(t.deps.crypto.lookupHash('+886912345678'));
    // Same phone = same family: both patients share the phone hash.
    const fam = await t.deps.db
      .selectFrom('patients')
      .select('his_id')
      .where('clinic_id', '=', c.clinicId)
      .where('phone_hash', '=', row.phone_hash)
      .orderBy('his_id')
      .execute();
    expect(fam.map((f) => f.his_id)).toEqual(['P001', 'P002']);
  });

  it('accepts a landline as a contact number, flagged not mobile', async () => {
    const { his } = await setup();
    const r = await his.put('/his/v1/patients/P003', { name: '李四', phone: '02-2345-6789' });
    expect(r.json().phone).toEqual({ e164: '+886223456789', type: 'landline' });
  });

  it('rejects bad phone, national id and birth date with per-field zh-TW messages and stores nothing', async () => {
    const { c, his } = await setup();
    const r = await his.put('/his/v1/patients/P009', {
      name: '張三',
      phone: '0912-345',
      nationalId: 'A123456788',
      birthDate: '2026-05-02',
    });
    expect(r.statusCode).toBe(422);
    const body = r.json();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    const fields = Object.fromEntries(
      body.error.details.map((d: { field: string; message: string }) => [d.field, d.message]),
    );
    expect(fields.phone).toMatch(/手機號碼/);
    expect(fields.nationalId).toMatch(/檢查碼/);
    expect(fields.birthDate).toMatch(/不可晚於今天/);
    expect(
      await t.deps.db
        .selectFrom('patients')
        .select('id')
        .where('clinic_id', '=', c.clinicId)
        .where('his_id', '=', 'P009')
        .executeTakeFirst(),
    ).toBeUndefined();
    const bad = await his.put('/his/v1/patients/P009', { name: '', birthDate: '1981-02-29' });
    expect(bad.statusCode).toBe(422);
    const unknown = await his.put('/his/v1/patients/P009', { name: '張三', foo: 1 });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.details[0].message).toContain('foo');
  });

  it('answers 401 without a valid key', async () => {
    const r = await t.app.inject({
      method: 'PUT',
      url: '/his/v1/doctors/D01',
      payload: { name: 'x' },
      headers: { authorization: 'Bearer nope' },
    });
    expect(r.statusCode).toBe(401);
  });
});

describe('appointments', () => {
  it('creates, keeps the same version unchanged, applies higher, rejects lower with the stored record', async () => {
    const { his } = await setup();
    const a = await his.put('/his/v1/appointments/A1', appt());
    expect(a.statusCode).toBe(201);
    expect(a.json()).toMatchObject({
      appointmentId: 'A1',
      patientId: 'P001',
      doctorId: 'D01',
      status: 'booked',
      statusLabel: '已預約',
      version: 1,
      lights: { reply: { code: 'not_sent', label: '尚未提醒' }, line: { code: 'unbound', label: 'LINE未綁定' } },
    });
    const same = await his.put('/his/v1/appointments/A1', appt({ note: 'ignored' }));
    expect(same.statusCode).toBe(200);
    expect(same.json().note).toBeNull();
    const up = await his.put('/his/v1/appointments/A1', appt({ status: 'checked_in', version: 3 }));
    expect(up.statusCode).toBe(200);
    expect(up.json()).toMatchObject({ status: 'checked_in', statusLabel: '已報到', version: 3 });
    const old = await his.put('/his/v1/appointments/A1', appt({ status: 'cancelled', version: 2 }));
    expect(old.statusCode).toBe(409);
    expect(old.json().error.code).toBe('VERSION_CONFLICT');
    expect(old.json().current).toMatchObject({ status: 'checked_in', version: 3 });
    const got = await his.get('/his/v1/appointments/A1');
    expect(got.json()).toMatchObject({ status: 'checked_in', version: 3 });
  });

  it('answers 422 for unknown patient or doctor and for a start time without offset', async () => {
    const { his } = await setup();
    const r = await his.put('/his/v1/appointments/A2', appt({ patientId: 'NOPE', doctorId: 'NODOC' }));
    expect(r.statusCode).toBe(422);
    expect(r.json().error.code).toBe('UNKNOWN_REFERENCE');
    expect(r.json().error.details.map((d: { field: string }) => d.field)).toEqual(['patientId', 'doctorId']);
    const tz = await his.put('/his/v1/appointments/A2', appt({ startsAt: '2026-05-04T09:30:00' }));
    expect(tz.statusCode).toBe(422);
    expect(tz.json().error.details[0]).toMatchObject({ field: 'startsAt' });
    expect((await his.get('/his/v1/appointments/A2')).statusCode).toBe(404);
  });
});

describe('integration guide', () => {
  it('is served at /docs/guide; the OpenAPI document lists every /his/v1 endpoint in zh-TW', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/docs/guide' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.body).toContain('<h1 id="careline-his-串接指南-his-open-api-v1">');
    expect(r.body).toContain('Careline-Signature');
    expect(r.body).not.toMatch(/<script/);
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const his = Object.entries<Record<string, { description?: string }>>(doc.paths).filter(([p]) =>
      p.startsWith('/his/v1/'),
    );
    expect(his.map(([p]) => p).sort()).toEqual([
      '/his/v1/appointments/batch',
      '/his/v1/appointments/{appointmentId}',
      '/his/v1/availability/{doctorId}',
      '/his/v1/doctors/{doctorId}',
      '/his/v1/patients/{patientId}',
      '/his/v1/patients/{patientId}/status',
      '/his/v1/queue-events',
      '/his/v1/status-changes',
      '/his/v1/webhook',
    ]);
    for (const [, ops] of his) for (const op of Object.values(ops)) expect(op.description).toMatch(/[\u4e00-\u9fff]/);
  });
});
