// Reminders as LINE notification messages against the real LINE emulator: a patient without
// LINE binding whose number has a LINE account gets one (and the delivery event marks it
// delivered, once); a number without one falls back to SMS; the switch off keeps today's SMS;
// a retry after a lost answer sends nothing twice; the switch is the admin's and one clinic's.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { as, login } from '../../testing/helpers.ts';
import { linePnpService } from '../line/pnp.ts';
import { lineService } from '../line/service.ts';
import { startReminderDispatcher, type Dispatcher } from './delivery.ts';
import { deliveryTagOf, PNP_NO_ACCOUNT, PNP_REASON } from './pnp.ts';
import { PNP_UNDELIVERED } from './pnp-check.ts';

let b: LineTestbed;
let d: Dispatcher;
beforeAll(async () => {
  b = await createLineTestbed();
  d = startReminderDispatcher(b.t.deps, { workerId: 'pnp-dispatcher', autoStart: false, lockMs: 5_000 });
});
beforeEach(() => b.t.clock.set('2026-03-09T01:00:00Z')); // Monday 09:00 in Taipei
afterAll(async () => {
  await d.stop();
  await b.close();
});

type Clinic = Awaited<ReturnType<LineTestbed['clinicWithChannel']>>;
const admin = async (c: Clinic) => as(b.t.app, await login(b.t.app, c.admin.email));

/** A clinic with LINE (PNP on or off), SMS fallback allowed or not, and doctor D1. */
async function setup(opts: { pnp: boolean; sms: boolean }) {
  const c = await b.clinicWithChannel();
  const his = c.his(await c.apiKey());
  expect((await his.put('/his/v1/doctors/D1', { name: '林醫師' })).statusCode).toBe(201);
  await b.t.deps.db
    .updateTable('clinics')
    .set({ phone: '02-2311-3731', address: '臺北市中正區重慶南路一段 122 號' })
    .where('id', '=', c.clinicId)
    .execute();
  expect((await (await admin(c)).post('/api/his/initial-sync/end', {})).statusCode).toBe(200);
  if (opts.pnp) expect((await (await admin(c)).put('/api/line/channel/pnp', { enabled: true })).statusCode).toBe(200);
  if (opts.sms)
    await b.t.deps.db
      .insertInto('sms_settings')
      .values({
        clinic_id: c.clinicId,
        provider: 'emulator',
        username: 'demo',
        password_enc: b.t.deps.crypto.encrypt('demo'),
        base_url: b.emu.url,
        reminder_fallback: 1,
        updated_at: b.t.clock.now().toISOString(),
      })
      .execute();
  return { c, his };
}

/** A patient (no LINE binding) with a visit on Thursday 3/12 10:00, booked now: the booking message is due. */
async function patientWithVisit(his: Awaited<ReturnType<typeof setup>>['his'], pid: string, phone: string) {
  expect((await his.put(`/his/v1/patients/${pid}`, { name: `病患${pid}`, phone })).statusCode).toBe(201);
  const r = await his.put(`/his/v1/appointments/A-${pid}`, {
    patientId: pid,
    doctorId: 'D1',
    startsAt: '2026-03-12T10:00:00+08:00',
    status: 'booked',
    version: 1,
  });
  expect(r.statusCode).toBe(201);
  await b.drain();
}

const rowOf = (clinicId: string, rule = 'booking') =>
  b.t.deps.db
    .selectFrom('reminder_deliveries')
    .selectAll()
    .where('clinic_id', '=', clinicId)
    .where('rule_id', '=', rule)
    .executeTakeFirstOrThrow();

async function sendDue(at = '2026-03-09T01:00:30Z') {
  b.t.clock.set(at);
  for (let i = 0; i < 20 && (await d.runOnce()) > 0; i++);
}

async function waitFor(fn: () => Promise<boolean>, ms = 8000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
}

/** Waits for `n` delivery events of the clinic to be stored, then runs their jobs. */
async function deliveryEvents(clinicId: string, n = 1) {
  await waitFor(
    async () =>
      (
        await b.t.deps.db
          .selectFrom('line_webhook_events')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('type', '=', 'delivery')
          .execute()
      ).length >= n,
  );
  await b.drain();
  return b.t.deps.db
    .selectFrom('line_webhook_events')
    .select(['outcome', 'payload'])
    .where('clinic_id', '=', clinicId)
    .where('type', '=', 'delivery')
    .orderBy('id')
    .execute();
}

type EmuMsg = { to: string; via: string; retryKey: string | null; message: { type: string; altText?: string } };
const pnpSent = async (c: Clinic): Promise<EmuMsg[]> =>
  ((await b.emu_('GET', `/_emulator/channels/${c.channelId}/messages`)).messages as EmuMsg[]).filter(
    (m) => m.via === 'pnp',
  );

/** Posts a signed webhook body to the clinic's webhook, as LINE would. */
async function postEvent(c: Clinic, event: Record<string, unknown>) {
  const body = JSON.stringify({ destination: 'Ubot', events: [event] });
  const res = await fetch(`${b.appUrl}/line/webhook/${c.channelId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-line-signature': createHmac('sha256', c.channelSecret).update(body).digest('base64'),
    },
    body,
  });
  expect(res.status).toBe(200);
}
const deliveryEvent = (id: string, data: string) => ({
  type: 'delivery',
  mode: 'active',
  timestamp: Date.now(),
  webhookEventId: id,
  deliveryContext: { isRedelivery: false },
  delivery: { data },
});

describe('reminders as LINE notification messages', { timeout: 120_000 }, () => {
  it('reaches a patient without LINE binding by phone number; the delivery event marks it delivered once', async () => {
    const { c, his } = await setup({ pnp: true, sms: true });
    const { userId } = await b.emu_('POST', '/_emulator/users', { displayName: '陳太太', phone: '0933-111-222' });
    await patientWithVisit(his, 'N1', '0933111222');
    await sendDue();

    const row = await rowOf(c.clinicId);
    expect(row).toMatchObject({ state: 'sent', channel: 'pnp', channel_reason: PNP_REASON, sms_message_id: null });
    const sent = await pnpSent(c);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: userId, retryKey: null, message: { type: 'flex' } });
    // Nothing a non-friend could not use: no postbacks, no images.
    const body = JSON.stringify(sent[0].message);
    expect(body).not.toContain('postback');
    expect(body).not.toContain('"type":"image"');
    expect(body).toContain('tel:0223113731');
    // A fixed body (LINE reviews the design): no sentence about buttons the message does not have.
    expect(body).toContain('如需取消或改期，請致電診所。');
    expect(body).not.toContain('請點下方按鈕');
    // No SMS went out.
    expect((await b.emu_('GET', '/_emulator/sms?to=0933111222')).messages).toHaveLength(0);

    // LINE's delivery event carries the row's tag and marks it delivered.
    const events = await deliveryEvents(c.clinicId);
    expect(JSON.parse(events[0].payload).delivery.data).toBe(deliveryTagOf(row.id));
    expect(events[0].outcome).toBe('ok:delivered');
    const delivered = (await rowOf(c.clinicId)).delivered_at;
    expect(delivered).toBeTruthy();

    // The same event redelivered is stored once; another event with the same tag changes nothing;
    // a tag that is not ours is ignored.
    const stored = await b.t.deps.db
      .selectFrom('line_webhook_events')
      .select('webhook_event_id')
      .where('clinic_id', '=', c.clinicId)
      .where('type', '=', 'delivery')
      .executeTakeFirstOrThrow();
    await postEvent(c, { ...deliveryEvent(stored.webhook_event_id, deliveryTagOf(row.id)), timestamp: Date.now() });
    await postEvent(c, deliveryEvent('01JZZZZZZZZZZZZZZZZZZZZZZ1', deliveryTagOf(row.id)));
    await postEvent(c, deliveryEvent('01JZZZZZZZZZZZZZZZZZZZZZZ2', 'somebody-elses-tag-0001'));
    const all = await deliveryEvents(c.clinicId, 3);
    expect(all.map((e) => e.outcome)).toEqual([
      'ok:delivered',
      'ignored:unknown_or_already_delivered',
      'ignored:unknown_tag',
    ]);
    expect((await rowOf(c.clinicId)).delivered_at).toBe(delivered);

    // Delivered: an hour later the check sends no SMS.
    b.t.clock.set('2026-03-09T02:01:00Z');
    await b.drain();
    expect(await rowOf(c.clinicId)).toMatchObject({ channel: 'pnp', sms_message_id: null });

    // Logged as a LINE notification message: counted apart from pushes.
    const logged = await b.t.deps.db
      .selectFrom('line_messages')
      .select(['method', 'source', 'related_type'])
      .where('clinic_id', '=', c.clinicId)
      .where('direction', '=', 'out')
      .execute();
    expect(logged).toEqual([{ method: 'pnp', source: 'reminder', related_type: 'appointment' }]);
    expect(await lineService(b.t.deps).countPushes(c.clinicId, '2026-03-01T00:00:00Z')).toBe(0);
    expect(await linePnpService(b.t.deps).countSent(c.clinicId, '2026-03-01T00:00:00Z')).toBe(1);
    // The quota page counts it as a LINE notification message of the reminders, not a push.
    const q = (await (await admin(c)).get('/api/reminders/quota')).json();
    expect(q.pnp).toMatchObject({ messages: 1 });
    expect(q.byPurpose.find((p: { purpose: string }) => p.purpose === 'reminder')).toMatchObject({ pushes: 0, pnp: 1 });

    // The appointment's 提醒 tab: channel pnp, delivered time, why; the reply light moved on.
    const api = await admin(c);
    const list = (await api.get(`/api/appointments/${row.appointment_id}/reminders`)).json();
    expect(list.reminders.find((r: { ruleId: string }) => r.ruleId === 'booking')).toMatchObject({
      channel: 'pnp',
      state: 'sent',
      deliveredAt: delivered,
      channelReason: PNP_REASON,
    });
    const detail = (await api.get(`/api/appointments/${row.appointment_id}`)).json();
    expect(detail.reminders.find((r: { id: string }) => r.id === row.id)).toMatchObject({
      channel: 'pnp',
      deliveredAt: delivered,
      channelReason: PNP_REASON,
      sms: null,
    });
    const appt = await b.t.deps.db
      .selectFrom('appointments')
      .select('reply_status')
      .where('id', '=', row.appointment_id)
      .executeTakeFirstOrThrow();
    expect(appt.reply_status).toBe('awaiting_reply');
  });

  it('falls back to SMS when LINE has no account for the number (422), saying why; fails without SMS', async () => {
    const { c, his } = await setup({ pnp: true, sms: true });
    await patientWithVisit(his, 'N2', '0955-000-999');
    await sendDue();
    expect(await rowOf(c.clinicId)).toMatchObject({ state: 'sent', channel: 'sms', channel_reason: PNP_NO_ACCOUNT });
    expect(await pnpSent(c)).toHaveLength(0);
    await b.drain();
    expect(JSON.stringify(await b.emu_('GET', '/_emulator/sms?to=0955000999'))).toContain('林醫師');

    const other = await setup({ pnp: true, sms: false });
    await patientWithVisit(other.his, 'N3', '0955-000-998');
    await sendDue();
    const failed = await rowOf(other.c.clinicId);
    expect(failed.state).toBe('failed');
    expect(failed.last_error).toContain('此手機號碼沒有 LINE 帳號');
  });

  it('not reported delivered within the hour (no consent, blocked): the SMS follows, once', async () => {
    const { c, his } = await setup({ pnp: true, sms: true });
    // A LINE user with the number who blocked the clinic's account: LINE accepts, never delivers.
    const { userId } = await b.emu_('POST', '/_emulator/users', { displayName: '周先生', phone: '0922-444-555' });
    await b.emu_('POST', `/_emulator/users/${userId}/follow`, { channelId: c.channelId });
    await b.emu_('POST', `/_emulator/users/${userId}/unfollow`, { channelId: c.channelId });
    await patientWithVisit(his, 'N8', '0922444555');
    await sendDue();
    expect(await rowOf(c.clinicId)).toMatchObject({ state: 'sent', channel: 'pnp', delivered_at: null });
    await b.drain();
    expect((await b.emu_('GET', '/_emulator/sms?to=0922444555')).messages).toHaveLength(0);
    // An hour later the check finds it undelivered: the reminder's SMS goes out, the row says why.
    b.t.clock.set('2026-03-09T02:01:00Z');
    await b.drain();
    const row = await rowOf(c.clinicId);
    expect(row).toMatchObject({ state: 'sent', channel: 'sms', channel_reason: PNP_UNDELIVERED });
    expect(row.sms_message_id).toBeTruthy();
    await b.drain();
    const sms = (await b.emu_('GET', '/_emulator/sms?to=0922444555')).messages as { body: string }[];
    expect(sms).toHaveLength(1);
    expect(sms[0].body).toContain('林醫師');
    const detail = (await (await admin(c)).get(`/api/appointments/${row.appointment_id}`)).json();
    expect(detail.reminders.find((r: { id: string }) => r.id === row.id)).toMatchObject({
      channel: 'sms',
      channelReason: PNP_UNDELIVERED,
      sms: { toMasked: expect.stringMatching(/^09/) },
    });
  });

  it('switch off (default): a patient without LINE gets the SMS as before, even if the number has LINE', async () => {
    const { c, his } = await setup({ pnp: false, sms: true });
    await b.emu_('POST', '/_emulator/users', { displayName: '有 LINE 但未綁定', phone: '0966-123-456' });
    await patientWithVisit(his, 'N4', '0966123456');
    await sendDue();
    expect(await rowOf(c.clinicId)).toMatchObject({ state: 'sent', channel: 'sms', channel_reason: null });
    expect(await pnpSent(c)).toHaveLength(0);
  });

  it('a retry after a lost answer sends nothing twice once LINE reported delivery, and reuses the tag', async () => {
    const { c, his } = await setup({ pnp: true, sms: true });
    const { userId } = await b.emu_('POST', '/_emulator/users', { displayName: '林先生', phone: '0977-222-333' });
    await patientWithVisit(his, 'N5', '0977222333');
    // The first attempt is delivered but its answer is lost (500 after processing); the next
    // one fails before processing.
    await b.emu_('PUT', '/_emulator/faults', {
      api: { failNext: 1, status: 500, afterProcessing: true, paths: ['/bot/pnp'] },
    });
    await sendDue();
    let row = await rowOf(c.clinicId);
    expect(row).toMatchObject({ state: 'planned', channel: null, last_error: 'LINE 500' });
    expect(await pnpSent(c)).toHaveLength(1);
    await deliveryEvents(c.clinicId);
    row = await rowOf(c.clinicId);
    expect(row.delivered_at).toBeTruthy();
    await sendDue(row.next_attempt_at!);
    expect(await rowOf(c.clinicId)).toMatchObject({ state: 'sent', channel: 'pnp' });
    expect(await pnpSent(c)).toHaveLength(1);
    expect((await lineService(b.t.deps).messagesAbout(c.clinicId, 'appointment', row.appointment_id)).length).toBe(1);

    // A failure before LINE processed anything: the retry sends with the same tag, once.
    await patientWithVisit(his, 'N6', '0977222333');
    await b.emu_('PUT', '/_emulator/faults', { api: { failNext: 1, status: 503, paths: ['/bot/pnp'] } });
    await sendDue('2026-03-09T01:05:00Z');
    const second = await b.t.deps.db
      .selectFrom('reminder_deliveries')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .where('rule_id', '=', 'booking')
      .where('id', '!=', row.id)
      .executeTakeFirstOrThrow();
    expect(second).toMatchObject({ state: 'planned', last_error: 'LINE 503' });
    await sendDue(second.next_attempt_at!);
    const events = await deliveryEvents(c.clinicId, 2);
    expect(events.map((e) => JSON.parse(e.payload).delivery.data)).toEqual([
      deliveryTagOf(row.id),
      deliveryTagOf(second.id),
    ]);
    expect((await pnpSent(c)).filter((m) => m.to === userId)).toHaveLength(2);
  });

  it('the switch is the admin’s, audited, refused without a channel, and changes only this clinic', async () => {
    const { c } = await setup({ pnp: false, sms: false });
    const other = await setup({ pnp: false, sms: false });
    const api = await admin(c);
    const on = await api.put('/api/line/channel/pnp', { enabled: true });
    expect(on.statusCode).toBe(200);
    expect(on.json().pnpEnabled).toBe(true);
    expect((await api.get('/api/line/channel')).json().channel.pnpEnabled).toBe(true);
    expect((await (await admin(other.c)).get('/api/line/channel')).json().channel.pnpEnabled).toBe(false);
    const audit = await b.t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('clinic_id', '=', c.clinicId)
      .where('action', 'like', 'line.pnp%')
      .execute();
    expect(audit).toEqual([{ action: 'line.pnp_enabled', detail: '{"enabled":true}' }]);

    // Bad input: refused with the stable code, nothing changed.
    const bad = await api.put('/api/line/channel/pnp', { enabled: 'yes' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    expect((await api.get('/api/line/channel')).json().channel.pnpEnabled).toBe(true);
    // The front desk cannot change it.
    const desk = as(b.t.app, await c.staff('front_desk'));
    expect((await desk.put('/api/line/channel/pnp', { enabled: false })).statusCode).toBe(403);
    expect(await linePnpService(b.t.deps).enabled(c.clinicId)).toBe(true);
    // Another clinic's admin changes only their own clinic.
    expect((await (await admin(other.c)).put('/api/line/channel/pnp', { enabled: false })).statusCode).toBe(200);
    expect(await linePnpService(b.t.deps).enabled(c.clinicId)).toBe(true);
    // A clinic without a LINE channel: 409.
    const { createTestClinic } = await import('../../testing/helpers.ts');
    const bare = await createTestClinic(b.t);
    const noChannel = await as(b.t.app, bare.admin).put('/api/line/channel/pnp', { enabled: true });
    expect(noChannel.statusCode).toBe(409);
    expect(noChannel.json().error.code).toBe('LINE_NOT_CONNECTED');
  });

  it('a delivery event on another clinic’s channel cannot mark this clinic’s reminder', async () => {
    const { c, his } = await setup({ pnp: true, sms: false });
    await b.emu_('POST', '/_emulator/users', { displayName: '王小姐', phone: '0988-777-666' });
    await patientWithVisit(his, 'N7', '0988777666');
    // The event would arrive on its own: hold webhooks back so only the forged one is seen.
    await b.emu_('PUT', '/_emulator/faults', { webhook: { dropNext: 1 } });
    await sendDue();
    const row = await rowOf(c.clinicId);
    expect(row).toMatchObject({ state: 'sent', channel: 'pnp', delivered_at: null });
    const intruder = await setup({ pnp: true, sms: false });
    await postEvent(intruder.c, deliveryEvent('01JZZZZZZZZZZZZZZZZZZZZZZ3', deliveryTagOf(row.id)));
    const events = await deliveryEvents(intruder.c.clinicId);
    expect(events[0].outcome).toBe('ignored:unknown_or_already_delivered');
    expect((await rowOf(c.clinicId)).delivered_at).toBeNull();
    await b.emu_('PUT', '/_emulator/faults', {});
  });
});
