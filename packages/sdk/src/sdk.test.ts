// @careline/sdk against an in-process server on a real port: upserts, lights, 409 on older
// versions, batch, resync through the status-changes iterator, webhook signatures.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestClinic, type TestApp } from '../../../apps/server/src/testing/helpers.ts';
import { changeStatus } from '../../../apps/server/src/modules/status/service.ts';
import { signWebhook as serverSign } from '../../../apps/server/src/modules/webhooks/service.ts';
import {
  CarelineApiError,
  createCarelineClient,
  signWebhook,
  verifyWebhookSignature,
  type CarelineClient,
} from './index.ts';

let t: TestApp;
let baseUrl: string;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => t?.close());

async function clinic(): Promise<{ client: CarelineClient; clinicId: string }> {
  const c = await createTestClinic(t);
  return { client: createCarelineClient({ baseUrl, apiKey: await c.apiKey() }), clinicId: c.clinicId };
}

const appt = {
  patientId: 'P001',
  doctorId: 'D01',
  startsAt: '2026-12-01T09:30:00+08:00',
  durationMinutes: 30,
  visitType: '洗牙',
  status: 'booked' as const,
  version: 1,
};

describe('@careline/sdk', () => {
  it('upserts a doctor, a patient and an appointment and reads the lights', async () => {
    const { client } = await clinic();
    expect(await client.upsertDoctor('D01', { name: '陳建志', department: '一般牙科' })).toMatchObject({
      doctorId: 'D01',
      name: '陳建志',
    });
    const p = await client.upsertPatient('P001', {
      name: '王小明',
      phone: '0912-345-678',
      nationalId: 'A123456789',
      birthDate: '1980-05-17',
      chartNo: '001234',
    });
    expect(p).toMatchObject({ patientId: 'P001', phone: { e164: '+886912345678' }, nationalIdMasked: 'A12****789' });

    expect(await client.upsertAppointment('A1', appt)).toMatchObject({
      appointmentId: 'A1',
      version: 1,
      status: 'booked',
    });
    expect(await client.upsertAppointment('A1', { ...appt, version: 3, status: 'checked_in' })).toMatchObject({
      version: 3,
      status: 'checked_in',
    });
    // an older version changes nothing and answers 409 with the stored record
    const err = await client
      .upsertAppointment('A1', { ...appt, version: 2, status: 'cancelled' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CarelineApiError);
    expect((err as CarelineApiError).status).toBe(409);
    expect((err as CarelineApiError).code).toBe('VERSION_CONFLICT');

    const a = await client.getAppointment('A1');
    expect(a).toMatchObject({
      appointmentId: 'A1',
      status: 'checked_in',
      version: 3,
      lights: { reply: { code: 'not_sent', label: '尚未提醒' }, line: { code: 'unbound', label: 'LINE未綁定' } },
    });
    expect(await client.getPatientStatus('P001')).toMatchObject({
      patientId: 'P001',
      lights: { line: { code: 'unbound' } },
    });

    const missing = await client.getAppointment('NOPE').catch((e: unknown) => e);
    expect((missing as CarelineApiError).status).toBe(404);
  });

  it('sends a batch and gets one result per item, in order', async () => {
    const { client } = await clinic();
    await client.upsertDoctor('D01', { name: '林怡伶' });
    await client.upsertPatient('P001', { name: '林語彤' });
    const res = await client.upsertAppointmentsBatch([
      { ...appt, appointmentId: 'B1', version: 2 },
      { ...appt, appointmentId: 'B1', version: 1 },
      { ...appt, appointmentId: 'B2', patientId: 'UNKNOWN' },
      { ...appt, appointmentId: 'B1', version: 2 },
    ]);
    expect(res.items.map((i) => i.status)).toEqual([201, 409, 422, 200]);
  });

  it('resyncs status changes page by page with the iterator and resumes from a cursor', async () => {
    const { client, clinicId } = await clinic();
    await client.upsertDoctor('D01', { name: '黃柏諺' });
    for (let i = 1; i <= 3; i++) await client.upsertPatient(`P00${i}`, { name: `測試${i}`, phone: `0912-000-00${i}` });
    const rows = await t.deps.db
      .selectFrom('patients')
      .select(['id', 'his_id'])
      .where('clinic_id', '=', clinicId)
      .orderBy('his_id')
      .execute();
    const actor = { type: 'system' as const, id: null, label: 'test' };
    for (const [i, to] of [
      [0, 'bound'],
      [1, 'bound'],
      [0, 'blocked'],
      [2, 'bound'],
      [1, 'unbound'],
    ] as const) {
      await t.deps.db.transaction().execute((trx) =>
        changeStatus(trx, t.deps, {
          clinicId,
          subject: 'patient',
          subjectId: rows[i].id,
          light: 'line',
          to,
          source: 'patient',
          actor,
        }),
      );
    }
    const lineChanges = async (after?: string) => {
      const out: { patientId: string | null; to: string; cursor: string }[] = [];
      for await (const c of client.statusChanges({ limit: 2, ...(after ? { after } : {}) })) {
        if (c.light === 'line') out.push({ patientId: c.patientId, to: c.to.code, cursor: c.cursor });
      }
      return out;
    };
    const all = await lineChanges();
    expect(all.map((c) => `${c.patientId}:${c.to}`)).toEqual([
      'P001:bound',
      'P002:bound',
      'P001:blocked',
      'P003:bound',
      'P002:unbound',
    ]);
    expect(await client.getPatientStatus('P001')).toMatchObject({
      lights: { line: { code: 'blocked', label: '被封鎖' } },
    });
    // after an outage the HIS resumes from the last cursor it kept
    const rest = await lineChanges(all[2].cursor);
    expect(rest.map((c) => `${c.patientId}:${c.to}`)).toEqual(['P003:bound', 'P002:unbound']);
    // nothing new: the iterator ends at once
    expect(await lineChanges(all.at(-1)!.cursor)).toEqual([]);
  });

  it('the iterator waits out 503 STATUS_FEED_BUSY (a write in flight) and goes on from the same cursor', async () => {
    const c = await createTestClinic(t);
    const seen: string[] = [];
    let busy = 1;
    const client = createCarelineClient({
      baseUrl,
      apiKey: await c.apiKey(),
      fetch: async (input, init) => {
        const req = new Request(input, init);
        seen.push(new URL(req.url).search);
        if (busy-- > 0)
          return Response.json(
            { error: { code: 'STATUS_FEED_BUSY', message: '燈號變更正在寫入中，請稍候 1 秒再試', details: [] } },
            { status: 503, headers: { 'retry-after': '1' } },
          );
        return fetch(req);
      },
    });
    const pages = [];
    for await (const page of client.statusChangePages({ after: 'c1_0' })) pages.push(page);
    expect(pages).toEqual([{ items: [], nextCursor: 'c1_0', hasMore: false }]);
    expect(seen).toEqual(['?limit=500&after=c1_0', '?limit=500&after=c1_0']);
    // Any other error is the caller's, at once.
    const bad = createCarelineClient({ baseUrl, apiKey: 'clk_live_wrong' });
    await expect(bad.statusChangePages().next()).rejects.toMatchObject({ status: 401 });
  });

  it('posts queue events: a check-in, a call, the same event again, an older call', async () => {
    const { client } = await clinic();
    await client.upsertDoctor('D01', { name: '林怡伶' });
    await client.upsertPatient('P001', { name: '林語彤' });
    await client.upsertAppointment('A1', appt);
    const at = (m: number) => new Date(t.clock.now().getTime() - 20 * 60_000 + m * 60_000).toISOString();
    const base = { doctorId: 'D01', session: 'morning' as const };
    const checkIn = await client.postQueueEvent({
      ...base,
      eventId: 'E1',
      type: 'check_in',
      occurredAt: at(0),
      appointmentId: 'A1',
      queueNumber: 15,
      room: '2 診',
    });
    expect(checkIn).toMatchObject({ result: 'applied', duplicate: false, queue: { room: '2 診', calledNumber: null } });
    const call = { ...base, eventId: 'E2', type: 'call' as const, occurredAt: at(5), calledNumber: 12 };
    expect(await client.postQueueEvent(call)).toMatchObject({ result: 'applied', queue: { calledNumber: 12 } });
    expect(await client.postQueueEvent(call)).toMatchObject({ duplicate: true, queue: { calledNumber: 12 } });
    const older = await client.postQueueEvent({ ...call, eventId: 'E3', occurredAt: at(4), calledNumber: 10 });
    expect(older).toMatchObject({ result: 'stale', queue: { calledNumber: 12 } });
    const reused = await client.postQueueEvent({ ...call, calledNumber: 13 }).catch((e: unknown) => e);
    expect((reused as CarelineApiError).code).toBe('EVENT_ID_REUSED');
  });

  it('sets the webhook and gets the generated secret', async () => {
    const { client } = await clinic();
    const w = await client.setWebhook({ url: 'https://his.example.tw/careline/webhook' });
    expect(w.url).toBe('https://his.example.tw/careline/webhook');
    expect(w.secret.length).toBeGreaterThanOrEqual(16);
  });

  it('verifies webhook signatures: good, tampered, stale, wrong secret, garbage', () => {
    const secret = 'whsec_test_0123456789abcdef';
    const body = JSON.stringify({
      id: 'evt_1',
      type: 'appointment.reply_changed',
      createdAt: '2026-05-03T01:02:03.000Z',
      data: { appointmentId: 'A1' },
    });
    const now = 1_780_000_000;
    const header = signWebhook(secret, body, now);
    expect(verifyWebhookSignature(secret, header, body, 300, now)).toBe(true);
    expect(verifyWebhookSignature(secret, header, Buffer.from(body), 300, now + 299)).toBe(true);
    // the server's own signer produces a header the SDK accepts
    expect(verifyWebhookSignature(secret, serverSign(t.deps, secret, now, body), body, 300, now)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body.replace('A1', 'A2'), 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, 300, now + 301)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, 300, now - 301)).toBe(false);
    expect(verifyWebhookSignature('another-secret-value', header, body, 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, header.replace(/t=\d+/, `t=${now + 1}`), body, 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, 'garbage', body, 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, undefined, body, 300, now)).toBe(false);
    // a header with several v1 values (secret rotation) passes when one matches
    expect(verifyWebhookSignature(secret, `${header},v1=${'0'.repeat(64)}`, body, 300, now)).toBe(true);
  });
});
