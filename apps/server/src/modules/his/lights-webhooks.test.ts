import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobDefinitions } from '../../jobs.ts';
import { startWorker } from '../../platform/jobs.ts';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { changeStatus } from '../status/service.ts';

let t: TestApp;
type Received = { headers: IncomingHttpHeaders; raw: string; answered: number };
let server: Server;
let url = '';
const received: Received[] = [];
let failNext = 0;

beforeAll(async () => {
  t = await createTestApp({ start: '2026-05-01T00:00:00.000Z' });
  server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const answered = failNext > 0 ? 503 : 204;
      if (failNext > 0) failNext--;
      received.push({ headers: req.headers, raw, answered });
      res.statusCode = answered;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.close();
  await t.close();
});

async function setup() {
  const c = await createTestClinic(t);
  const his = c.his(await c.apiKey());
  await his.put('/his/v1/doctors/D01', { name: '林醫師' });
  await his.put('/his/v1/patients/P1', { name: '王小明', phone: '0912345678' });
  await his.put('/his/v1/appointments/A1', {
    patientId: 'P1',
    doctorId: 'D01',
    startsAt: '2026-05-04T09:30:00+08:00',
    status: 'booked',
    version: 1,
  });
  const ids = async () => ({
    patient: (
      await t.deps.db
        .selectFrom('patients')
        .select('id')
        .where('clinic_id', '=', c.clinicId)
        .where('his_id', '=', 'P1')
        .executeTakeFirstOrThrow()
    ).id,
    appt: (
      await t.deps.db
        .selectFrom('appointments')
        .select('id')
        .where('clinic_id', '=', c.clinicId)
        .where('his_id', '=', 'A1')
        .executeTakeFirstOrThrow()
    ).id,
  });
  return { c, his, ...(await ids()) };
}

const patientActor = { type: 'patient' as const, id: 'x', label: '病患本人（LINE）' };

function verify(secret: string, r: Received) {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(r.headers['careline-signature']));
  expect(m).not.toBeNull();
  expect(createHmac('sha256', secret).update(`${m![1]}.${r.raw}`).digest('hex')).toBe(m![2]);
  return JSON.parse(r.raw);
}

describe('status lights and webhooks', () => {
  it('changeStatus sets the light, logs it, delivers a signed webhook; retries keep the same id', async () => {
    const { c, his, patient, appt } = await setup();
    const cfg = await his.put('/his/v1/webhook', { url });
    expect(cfg.statusCode).toBe(200);
    const secret = cfg.json().secret;
    expect(secret).toMatch(/^whsec_/);

    await t.deps.db.transaction().execute(async (trx) => {
      await changeStatus(trx, t.deps, {
        clinicId: c.clinicId,
        subject: 'patient',
        subjectId: patient,
        light: 'line',
        to: 'bound',
        source: 'patient',
        actor: patientActor,
        reason: 'LINE 綁定完成',
      });
      await changeStatus(trx, t.deps, {
        clinicId: c.clinicId,
        subject: 'appointment',
        subjectId: appt,
        light: 'reply',
        to: 'awaiting_reply',
        source: 'system',
        actor: patientActor,
      });
      await changeStatus(trx, t.deps, {
        clinicId: c.clinicId,
        subject: 'appointment',
        subjectId: appt,
        light: 'reply',
        to: 'confirmed',
        source: 'patient',
        actor: patientActor,
      });
    });
    // Same value again: nothing happens.
    expect(
      await t.deps.db.transaction().execute((trx) =>
        changeStatus(trx, t.deps, {
          clinicId: c.clinicId,
          subject: 'appointment',
          subjectId: appt,
          light: 'reply',
          to: 'confirmed',
          source: 'patient',
          actor: patientActor,
        }),
      ),
    ).toBeNull();

    expect((await his.get('/his/v1/patients/P1/status')).json().lights.line).toEqual({
      code: 'bound',
      label: 'LINE綁定',
    });
    expect((await his.get('/his/v1/appointments/A1')).json().lights).toEqual({
      reply: { code: 'confirmed', label: '確認赴約' },
      line: { code: 'bound', label: 'LINE綁定' },
    });

    received.length = 0;
    failNext = 2;
    const worker = startWorker(t.deps, jobDefinitions(), { workerId: 'w-test', autoStart: false });
    // Attempt 1: the patient event fails, and the two appointment events wait behind each other.
    await worker.runOnce();
    expect(received.map((r) => r.answered)).toEqual([503, 503]);
    for (let i = 0; i < 10; i++) {
      t.clock.advance(60_000);
      await worker.runOnce();
    }
    await worker.stop();
    const ok = received.filter((r) => r.answered === 204).map((r) => verify(secret, r));
    expect(ok.map((e) => e.type).sort()).toEqual([
      'appointment.reply_changed',
      'appointment.reply_changed',
      'patient.line_status_changed',
    ]);
    // Retries carry the same event id; appointment events arrive in order.
    const failedIds = received.filter((r) => r.answered === 503).map((r) => JSON.parse(r.raw).id);
    for (const id of failedIds) expect(ok.some((e) => e.id === id)).toBe(true);
    const replies = ok.filter((e) => e.type === 'appointment.reply_changed').map((e) => e.data.to.code);
    expect(replies).toEqual(['awaiting_reply', 'confirmed']);
    expect(ok.find((e) => e.type === 'patient.line_status_changed').data).toMatchObject({
      patientId: 'P1',
      light: 'line',
      from: { code: 'unbound' },
      to: { code: 'bound', label: 'LINE綁定' },
      source: 'patient',
      reason: 'LINE 綁定完成',
    });

    // The delivery log in the back office shows every attempt; failed filter works; redelivery re-sends the same id.
    const admin = as(t.app, c.admin);
    const log = await admin.get('/api/his/webhook/deliveries');
    expect(log.statusCode).toBe(200);
    expect(log.json().items).toHaveLength(5);
    const failed = (await admin.get('/api/his/webhook/deliveries?failed=true')).json().items;
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatchObject({ ok: false, statusCode: 503, error: 'HTTP 503' });
    const re = await admin.post(`/api/his/webhook/deliveries/${failed[0].id}/redeliver`);
    expect(re.statusCode).toBe(202);
    received.length = 0;
    const w2 = startWorker(t.deps, jobDefinitions(), { workerId: 'w-test-2', autoStart: false });
    await w2.runOnce();
    await w2.stop();
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0].raw).id).toBe(failed[0].eventId);

    // Test event button.
    const test = await admin.post('/api/his/webhook/test');
    expect(test.statusCode).toBe(202);
    const cfgGet = await admin.get('/api/his/webhook');
    expect(cfgGet.json()).toMatchObject({ configured: true, url, secret });
  });

  it('a status change made in Careline (patient cancels in LINE) is logged, in history, sent to the HIS', async () => {
    const { c, his, appt } = await setup();
    await his.put('/his/v1/webhook', { url });
    await t.deps.db.transaction().execute((trx) =>
      changeStatus(trx, t.deps, {
        clinicId: c.clinicId,
        subject: 'appointment',
        subjectId: appt,
        light: 'status',
        to: 'cancelled',
        source: 'patient',
        actor: patientActor,
        reason: '病患在 LINE 取消',
      }),
    );
    const got = (await his.get('/his/v1/appointments/A1')).json();
    expect(got).toMatchObject({ status: 'cancelled', statusLabel: '已取消', version: 1 });
    const changes = (await his.get('/his/v1/status-changes')).json().items;
    expect(changes.at(-1)).toMatchObject({
      appointmentId: 'A1',
      light: 'status',
      from: { code: 'booked' },
      to: { code: 'cancelled' },
      source: 'patient',
      reason: '病患在 LINE 取消',
    });
    const d = (await as(t.app, c.admin).get(`/api/appointments/${appt}`)).json();
    expect(d.history.at(-1)).toMatchObject({
      source: 'patient',
      lines: ['狀態：已預約 → 已取消（病患於 LINE）・病患在 LINE 取消'],
    });
    const ev = await t.deps.db
      .selectFrom('webhook_events')
      .select(['type'])
      .where('clinic_id', '=', c.clinicId)
      .execute();
    expect(ev.map((e) => e.type)).toEqual(['appointment.status_changed']);
    // The HIS later confirms with a higher version: applied as usual.
    expect(
      (
        await his.put('/his/v1/appointments/A1', {
          patientId: 'P1',
          doctorId: 'D01',
          startsAt: '2026-05-04T09:30:00+08:00',
          status: 'cancelled',
          version: 2,
        })
      ).statusCode,
    ).toBe(200);
  });

  it('status-changes: oldest first, stable cursors, pagination over many changes', async () => {
    const { his } = await setup();
    const items = Array.from({ length: 250 }, (_, i) => ({
      appointmentId: `M${i}`,
      patientId: 'P1',
      doctorId: 'D01',
      startsAt: '2026-05-04T09:30:00+08:00',
      status: 'booked',
      version: 1,
    }));
    await his.post('/his/v1/appointments/batch', { items });
    await his.post('/his/v1/appointments/batch', {
      items: items.map((x) => ({ ...x, status: 'checked_in', version: 2 })),
    });
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const r = await his.get(`/his/v1/status-changes?limit=120${after ? `&after=${after}` : ''}`);
      expect(r.statusCode).toBe(200);
      const body = r.json();
      for (const it of body.items) seen.push(`${it.appointmentId}:${it.to.code}`);
      if (body.items.length === 0) {
        expect(body.nextCursor).toBe(after);
        expect(body.hasMore).toBe(false);
        break;
      }
      after = body.nextCursor;
    }
    // 1 creation of A1 + 250 creations + 250 check-ins, each exactly once, oldest first.
    expect(seen).toHaveLength(501);
    expect(new Set(seen).size).toBe(501);
    expect(seen[0]).toBe('A1:booked');
    expect(seen[1]).toBe('M0:booked');
    expect(seen[251]).toBe('M0:checked_in');
    // A cursor stays valid: re-reading from the same cursor gives the same page.
    const first = (await his.get('/his/v1/status-changes?limit=10')).json();
    const again = (await his.get(`/his/v1/status-changes?limit=5&after=${first.items[4].cursor}`)).json();
    expect(again.items.map((x: { cursor: string }) => x.cursor)).toEqual(
      first.items.slice(5, 10).map((x: { cursor: string }) => x.cursor),
    );
    expect((await his.get('/his/v1/status-changes?after=garbage')).statusCode).toBe(400);
    expect((await his.get('/his/v1/status-changes?limit=1001')).statusCode).toBe(400);
  });
});

describe('tenancy and sandbox', () => {
  it("clinic A's key never reads or writes clinic B's records", async () => {
    const a = await setup();
    const b = await setup();
    // Same HIS ids exist in both clinics; each key sees only its own.
    await b.his.put('/his/v1/appointments/A1', {
      patientId: 'P1',
      doctorId: 'D01',
      startsAt: '2026-05-04T10:00:00+08:00',
      status: 'checked_in',
      version: 5,
    });
    expect((await a.his.get('/his/v1/appointments/A1')).json()).toMatchObject({ status: 'booked', version: 1 });
    expect((await b.his.get('/his/v1/appointments/A1')).json()).toMatchObject({ status: 'checked_in', version: 5 });
    await b.his.put('/his/v1/patients/ONLY_B', { name: '只在B' });
    expect((await a.his.get('/his/v1/patients/ONLY_B/status')).statusCode).toBe(404);
    // A cannot attach an appointment to B's patient.
    expect(
      (
        await a.his.put('/his/v1/appointments/Z1', {
          patientId: 'ONLY_B',
          doctorId: 'D01',
          startsAt: '2026-05-04T10:00:00+08:00',
          status: 'booked',
          version: 1,
        })
      ).statusCode,
    ).toBe(422);
    // Status changes are per clinic.
    const aChanges = (await a.his.get('/his/v1/status-changes?limit=1000')).json().items;
    expect(aChanges.every((x: { appointmentId?: string; to: { code: string } }) => x.to.code === 'booked')).toBe(true);
    // The back office of A cannot open B's appointment.
    const bId = (
      await t.deps.db
        .selectFrom('appointments')
        .select('id')
        .where('clinic_id', '=', b.c.clinicId)
        .where('his_id', '=', 'A1')
        .executeTakeFirstOrThrow()
    ).id;
    expect((await as(t.app, a.c.admin).get(`/api/appointments/${bId}`)).statusCode).toBe(404);
    expect((await as(t.app, b.c.admin).get(`/api/appointments/${bId}`)).statusCode).toBe(200);
  });

  it('a sandbox key writes to the sandbox clinic only, and the key list marks it', async () => {
    const { c, his } = await setup();
    const admin = as(t.app, c.admin);
    const created = await admin.post('/api/api-keys', { name: '廠商測試', sandbox: true });
    expect(created.statusCode).toBe(201);
    expect(created.json().apiKey.sandbox).toBe(true);
    const sb = c.his(created.json().key);
    expect((await sb.put('/his/v1/patients/P1', { name: '測試病患' })).statusCode).toBe(201);
    expect((await sb.get('/his/v1/appointments/A1')).statusCode).toBe(404);
    const sandboxClinic = await t.deps.db
      .selectFrom('clinics')
      .selectAll()
      .where('sandbox_of', '=', c.clinicId)
      .executeTakeFirstOrThrow();
    expect(sandboxClinic.name).toMatch(/\(沙盒\)$/);
    const real = await t.deps.db
      .selectFrom('patients')
      .select('name')
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', 'P1')
      .executeTakeFirstOrThrow();
    expect(real.name).toBe('王小明');
    // A second sandbox key reuses the same sandbox clinic.
    await admin.post('/api/api-keys', { name: '廠商測試 2', sandbox: true });
    expect(
      await t.deps.db.selectFrom('clinics').select('id').where('sandbox_of', '=', c.clinicId).execute(),
    ).toHaveLength(1);
    const list = (await admin.get('/api/api-keys')).json().items;
    expect(list.filter((k: { sandbox: boolean }) => k.sandbox)).toHaveLength(2);
    expect(list.filter((k: { sandbox: boolean }) => !k.sandbox)).toHaveLength(1);
    expect((await his.get('/his/v1/appointments/A1')).statusCode).toBe(200);
  });

  it('back office lists appointments with filters and shows history', async () => {
    const { c, his } = await setup();
    await his.put('/his/v1/appointments/A1', {
      patientId: 'P1',
      doctorId: 'D01',
      startsAt: '2026-05-04T09:30:00+08:00',
      status: 'checked_in',
      version: 2,
    });
    await his.put('/his/v1/appointments/A2', {
      patientId: 'P1',
      doctorId: 'D01',
      startsAt: '2026-05-06T09:30:00+08:00',
      status: 'booked',
      version: 1,
    });
    const desk = as(t.app, await c.staff('front_desk'));
    const all = await desk.get('/api/appointments?from=2026-05-01T00:00:00%2B08:00&to=2026-05-05T00:00:00%2B08:00');
    expect(all.statusCode).toBe(200);
    expect(all.json().items.map((x: { appointmentId: string }) => x.appointmentId)).toEqual(['A1']);
    expect(
      (await desk.get('/api/appointments?status=booked'))
        .json()
        .items.map((x: { appointmentId: string }) => x.appointmentId),
    ).toEqual(['A2']);
    const id = all.json().items[0].id;
    const d = await desk.get(`/api/appointments/${id}`);
    expect(d.json().history).toMatchObject([
      { version: 1, source: 'his', lines: [expect.stringMatching(/^建立預約：.*・已預約（HIS）$/)] },
      { version: 2, source: 'his', lines: ['狀態：已預約 → 已報到（HIS）'] },
    ]);
  });
});
