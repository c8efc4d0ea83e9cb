// Reminder engine end to end against the real LINE emulator: planning from the HIS upsert,
// delivery with retry keys, answers by postback (confirm → light + HIS webhook; cancel →
// reason quick replies; reschedule → date-time picker), replanning on reschedule/cancel and
// on closures, faults (5xx, lost answers, 429 bursts, latency) with exactly-once proof from
// the emulator's log, SMS fallback, quota, back office.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { as, bindForTest, login } from '../../testing/helpers.ts';

/** A fresh admin session at the current (moved) test clock. */
const admin = async (c: { admin: { email: string } }) => as(b.t.app, await login(b.t.app, c.admin.email));
import { startReminderDispatcher, type Dispatcher } from './delivery.ts';
import { signToken } from './templates.ts';

let b: LineTestbed;
let d: Dispatcher;
beforeAll(async () => {
  b = await createLineTestbed();
  b.t.clock.set('2026-03-09T01:00:00Z'); // Monday 09:00 in Taipei
  d = startReminderDispatcher(b.t.deps, { workerId: 'test-dispatcher', autoStart: false, lockMs: 5_000 });
});
beforeEach(() => b.t.clock.set('2026-03-09T01:00:00Z'));
afterAll(async () => {
  await d.stop();
  await b.close();
});

type Clinic = Awaited<ReturnType<LineTestbed['clinicWithChannel']>>;

async function setup(opts: { weekdaysOnly?: boolean } = {}) {
  const c = await b.clinicWithChannel();
  if (opts.weekdaysOnly !== false) {
    await b.t.deps.db
      .updateTable('clinics')
      .set({
        business_hours: JSON.stringify([1, 2, 3, 4, 5].map((w) => ({ weekday: w, open: '09:00', close: '18:00' }))),
        address: '臺北市中正區重慶南路一段 122 號',
        phone: '02-2311-3731',
      })
      .where('id', '=', c.clinicId)
      .execute();
  }
  const his = c.his(await c.apiKey());
  expect((await his.put('/his/v1/doctors/D1', { name: '林醫師' })).statusCode).toBe(201);
  // An established clinic: its initial sync with the HIS is over, so new bookings get the
  // booking-day message (a clinic still copying its bookings over sends none).
  expect((await (await admin(c)).post('/api/his/initial-sync/end', {})).statusCode).toBe(200);
  return { c, his };
}

async function patientWithLine(
  c: Clinic,
  his: Setup['his'],
  pid: string,
  opts: { bind?: boolean; phone?: string } = {},
) {
  expect(
    (await his.put(`/his/v1/patients/${pid}`, { name: `病患${pid}`, phone: opts.phone ?? '0912-345-678' })).statusCode,
  ).toBe(201);
  const { userId } = await b.emu_('POST', '/_emulator/users', { displayName: `病患${pid}` });
  await b.emu_('POST', `/_emulator/users/${userId}/follow`, { channelId: c.channelId });
  if (opts.bind !== false) await bindForTest(b.t, c.clinicId, pid, userId);
  await waitFor(
    async () =>
      (
        await b.t.deps.db
          .selectFrom('jobs')
          .select('id')
          .where('clinic_id', '=', c.clinicId)
          .where('type', '=', 'line.event')
          .execute()
      ).length > 0,
  );
  await b.drain();
  return userId as string;
}
type Setup = Awaited<ReturnType<typeof setup>>;

async function waitFor(fn: () => Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
}

const rowsOf = (clinicId: string) =>
  b.t.deps.db
    .selectFrom('reminder_deliveries')
    .selectAll()
    .where('clinic_id', '=', clinicId)
    .orderBy('due_at')
    .execute();
type BotMsg = {
  userId: string;
  via: string;
  retryKey: string | null;
  message: {
    type: string;
    altText?: string;
    text?: string;
    quickReply?: { items: { action: { type: string; data: string } }[] };
    contents?: unknown;
  };
};
const allBot = async (c: Clinic, to?: string): Promise<BotMsg[]> =>
  (
    (await b.emu_('GET', `/_emulator/channels/${c.channelId}/messages${to ? `?to=${to}` : ''}`)).messages as (BotMsg & {
      to: string;
    })[]
  ).map((m) => ({ ...m, userId: m.to }));
/** Reminders pushed (Flex, push API). */
const bot = async (c: Clinic, to?: string) =>
  (await allBot(c, to)).filter((m) => m.via === 'push' && m.message.type === 'flex');
async function sendDue(at: string) {
  b.t.clock.set(at);
  for (let i = 0; i < 50 && (await d.runOnce()) > 0; i++);
  await b.drain();
}
async function tap(c: Clinic, userId: string, data: string, params?: Record<string, string>) {
  const before = (await allBot(c, userId)).length;
  await b.emu_('POST', `/_emulator/users/${userId}/postback`, {
    channelId: c.channelId,
    data,
    ...(params ? { params } : {}),
  });
  await waitFor(async () => {
    await b.drain();
    return (await allBot(c, userId)).length > before;
  });
  const all = await allBot(c, userId);
  return all[all.length - 1].message;
}
const buttonData = (flex: unknown) => {
  const s = JSON.stringify(flex);
  return [...s.matchAll(/"data":"(rm1\.[^"]+)"/g)].map((m) => m[1]);
};

// Generous timeouts: these tests run beside the rest of the suite on two shared cores.
describe('reminders', { timeout: 120_000 }, () => {
  it('plans from the HIS upsert, shifts Mon → Fri, sends once with a retry key; 確認赴約 → green + webhook', async () => {
    const { c, his } = await setup();
    const user = await patientWithLine(c, his, 'P1');
    // Monday 2026-03-16 10:00 Taipei, booked Monday 3/9 09:00.
    expect(
      (
        await his.put('/his/v1/appointments/A1', {
          patientId: 'P1',
          doctorId: 'D1',
          startsAt: '2026-03-16T10:00:00+08:00',
          status: 'booked',
          version: 1,
        })
      ).statusCode,
    ).toBe(201);
    await b.drain();
    const rows = await rowsOf(c.clinicId);
    expect(rows.map((r) => [r.rule_id, r.state, r.due_at])).toEqual([
      ['booking', 'planned', '2026-03-09T01:00:00.000Z'],
      ['before-48h', 'planned', '2026-03-13T01:00:00.000Z'],
      ['visit-day', 'planned', '2026-03-16T00:00:00.000Z'],
    ]);
    expect(rows[1].explanation).toContain('週六休診，順延至3/13（五） 09:00');

    await sendDue('2026-03-09T01:00:30Z');
    let sent = await bot(c, user);
    expect(sent).toHaveLength(1);
    expect(sent[0].retryKey).toBe(rows[0].retry_key);
    expect(sent[0].message.altText).toContain('已為您預約');
    const appt = await b.t.deps.db
      .selectFrom('appointments')
      .select(['id', 'reply_status'])
      .where('his_id', '=', 'A1')
      .where('clinic_id', '=', c.clinicId)
      .executeTakeFirstOrThrow();
    expect(appt.reply_status).toBe('awaiting_reply');

    await sendDue('2026-03-13T01:00:05Z');
    sent = await bot(c, user);
    expect(sent).toHaveLength(2);
    const [confirm, cancel, reschedule] = buttonData(sent[1].message.contents);
    expect(confirm).toMatch(/^rm1\./);
    expect(confirm.length).toBeLessThanOrEqual(300);
    expect(cancel).not.toBe(confirm);
    expect(reschedule).toBeTruthy();

    const ack = await tap(c, user, confirm);
    expect(ack.text).toContain('已收到您的確認');
    expect(
      (
        await b.t.deps.db
          .selectFrom('appointments')
          .select('reply_status')
          .where('id', '=', appt.id)
          .executeTakeFirstOrThrow()
      ).reply_status,
    ).toBe('confirmed');
    const change = await b.t.deps.db
      .selectFrom('status_changes')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .where('light', '=', 'reply')
      .where('to_value', '=', 'confirmed')
      .executeTakeFirst();
    expect(change?.source).toBe('patient');
    const resync = await his.get('/his/v1/status-changes?limit=100');
    expect(
      resync
        .json()
        .items.some((i: { light: string; to: { code: string } }) => i.light === 'reply' && i.to.code === 'confirmed'),
    ).toBe(true);
    // …and the signed webhook to the HIS is queued (delivered by the webhook job when the HIS registered a URL).
    expect(
      await b.t.deps.db
        .selectFrom('status_changes')
        .select('id')
        .where('clinic_id', '=', c.clinicId)
        .where('light', '=', 'reply')
        .where('to_value', '=', 'awaiting_reply')
        .executeTakeFirst(),
    ).toBeTruthy();

    // Repeated tap: polite answer, nothing changes.
    const again = await tap(c, user, confirm);
    expect(again.text).toContain('不需要再次確認');
    // Forged and expired tokens.
    expect((await tap(c, user, confirm.slice(0, -3) + 'AAA')).text).toContain('無法辨識');
    const expired = signToken(b.t.deps.crypto, {
      appointmentId: appt.id,
      action: 'c',
      expiresAt: new Date('2026-03-01T00:00:00Z'),
    });
    expect((await tap(c, user, expired)).text).toContain('已過期');

    // The appointment detail shows every planned and sent message with its explanation.
    const detail = await (await admin(c)).get(`/api/appointments/${appt.id}/reminders`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json().reminders.map((r: { ruleId: string; state: string }) => [r.ruleId, r.state])).toEqual(
      expect.arrayContaining([
        ['booking', 'answered'],
        ['before-48h', 'answered'],
        ['visit-day', 'planned'],
      ]),
    );
    expect(detail.json().messages.filter((m: { source: string }) => m.source === 'reminder')).toHaveLength(2);
  });

  it('cancel asks a reason, reschedule a time; both reach the front desk; a cancel stops later reminders', async () => {
    const { c, his } = await setup();
    const u1 = await patientWithLine(c, his, 'P1');
    const u2 = await patientWithLine(c, his, 'P2');
    await his.put('/his/v1/appointments/A1', {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt: '2026-03-18T10:00:00+08:00',
      status: 'booked',
      version: 1,
    });
    await his.put('/his/v1/appointments/A2', {
      patientId: 'P2',
      doctorId: 'D1',
      startsAt: '2026-03-18T11:00:00+08:00',
      status: 'booked',
      version: 1,
    });
    await b.drain();
    await sendDue('2026-03-09T01:00:30Z');
    const [, cancel] = buttonData((await bot(c, u1))[0].message.contents);
    const ask = await tap(c, u1, cancel);
    expect(ask.text).toContain('方便告訴我們原因嗎');
    const reasons = ask.quickReply!.items.map((i) => i.action);
    expect(reasons.map((a) => (a as unknown as { label: string }).label)).toEqual(['時間無法配合', '身體不適', '其他']);
    expect((await tap(c, u1, reasons[1].data)).text).toContain('身體不適');

    const [, , resch] = buttonData((await bot(c, u2))[0].message.contents);
    const pick = await tap(c, u2, resch);
    const picker = pick.quickReply!.items[0].action;
    expect(picker.type).toBe('datetimepicker');
    expect((await tap(c, u2, picker.data, { datetime: '2026-03-20T15:30' })).text).toContain('2026-03-20 15:30');

    const tasks = await as(b.t.app, c.admin).get('/api/front-desk/tasks');
    expect(tasks.statusCode).toBe(200);
    const reqs = tasks.json().requests as {
      id: string;
      kind: string;
      reason: string | null;
      preferredTimes: string[];
    }[];
    expect(reqs.find((r) => r.kind === 'cancel_request')?.reason).toBe('身體不適');
    expect(reqs.find((r) => r.kind === 'reschedule_request')?.preferredTimes).toEqual(['2026-03-20T15:30']);
    const h = await as(b.t.app, c.admin).post(`/api/front-desk/tasks/${reqs[0].id}/handle`, {});
    expect(h.statusCode).toBe(200);
    expect((await as(b.t.app, c.admin).post(`/api/front-desk/tasks/${reqs[0].id}/handle`, {})).statusCode).toBe(409);

    // The 48 h reminder of the cancel-requested appointment is not sent.
    await sendDue('2026-03-16T02:00:05Z');
    const rows = await rowsOf(c.clinicId);
    const a1 = await b.t.deps.db
      .selectFrom('appointments')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', 'A1')
      .executeTakeFirstOrThrow();
    expect(rows.find((r) => r.appointment_id === a1.id && r.rule_id === 'before-48h')).toMatchObject({
      state: 'cancelled',
      cancel_reason: '病患已要求取消，不再提醒',
    });
  });

  it('reschedule after the 48 h reminder plans a new one; cancel and check-in cancel the rest; rows stay', async () => {
    const { c, his } = await setup();
    const u = await patientWithLine(c, his, 'P1');
    await his.put('/his/v1/appointments/A1', {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt: '2026-03-12T10:00:00+08:00',
      status: 'booked',
      version: 1,
    });
    await b.drain();
    await sendDue('2026-03-10T02:00:05Z'); // booking message + 48 h reminder
    expect(await bot(c, u)).toHaveLength(2);
    await his.put('/his/v1/appointments/A1', {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt: '2026-03-19T10:00:00+08:00',
      status: 'booked',
      version: 2,
    });
    await b.drain();
    let rows = await rowsOf(c.clinicId);
    const v2 = rows.filter((r) => Number(r.appointment_version) === 2);
    expect(v2.find((r) => r.rule_id === 'before-48h')).toMatchObject({
      state: 'planned',
      due_at: '2026-03-17T02:00:00.000Z',
    });
    expect(
      rows
        .filter((r) => Number(r.appointment_version) === 1 && r.state === 'sent')
        .map((r) => r.rule_id)
        .sort(),
    ).toEqual(['before-48h', 'booking']);
    expect(rows.filter((r) => Number(r.appointment_version) === 1 && r.rule_id === 'visit-day')[0].state).toBe(
      'cancelled',
    );
    // Same version again: unchanged, no duplicate rows.
    await his.put('/his/v1/appointments/A1', {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt: '2026-03-19T10:00:00+08:00',
      status: 'booked',
      version: 2,
    });
    await b.drain();
    expect((await rowsOf(c.clinicId)).length).toBe(rows.length);
    // Cancel in the HIS → planned rows cancelled.
    await his.put('/his/v1/appointments/A1', {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt: '2026-03-19T10:00:00+08:00',
      status: 'cancelled',
      version: 3,
    });
    await b.drain();
    rows = await rowsOf(c.clinicId);
    expect(rows.filter((r) => r.state === 'planned')).toHaveLength(0);
    expect(
      rows.find((r) => Number(r.appointment_version) === 2 && r.rule_id === 'before-48h')?.cancel_reason,
    ).toContain('預約已取消');
    await sendDue('2026-03-19T00:00:05Z');
    expect(await bot(c, u)).toHaveLength(2);
  });

  it('closures and rule changes replan future reminders; rules and templates checked against LINE limits', async () => {
    const { c, his } = await setup();
    await patientWithLine(c, his, 'P1');
    await his.put('/his/v1/appointments/A1', {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt: '2026-03-13T15:00:00+08:00',
      status: 'booked',
      version: 1,
    });
    await b.drain();
    const admin = as(b.t.app, c.admin);
    expect((await rowsOf(c.clinicId)).find((r) => r.rule_id === 'before-48h')?.due_at).toBe('2026-03-11T07:00:00.000Z');
    const cl = await admin.post('/api/calendar/closures', { date: '2026-03-11', kind: 'closed', note: '颱風停診' });
    expect(cl.statusCode).toBe(200);
    b.t.clock.advance(2000);
    await b.drain();
    const r48 = (await rowsOf(c.clinicId)).find((r) => r.rule_id === 'before-48h')!;
    expect(r48.due_at).toBe('2026-03-10T01:00:00.000Z');
    expect(r48.explanation).toContain('診所休診：颱風停診');
    const days = await admin.get('/api/calendar/days?from=2026-02-14&to=2026-02-16');
    expect(days.json().items.map((x: { working: boolean }) => x.working)).toEqual([false, false, false]);

    const rules = (await admin.get('/api/reminders/rules')).json();
    expect(rules.rules[1].explanation).toContain('看診前 48 小時發送');
    rules.rules = rules.rules.map((r: { id: string; explanation?: string }) => ({
      ...r,
      explanation: undefined,
      ...(r.id === 'before-48h' ? { hours: 24 } : {}),
    }));
    rules.rules.forEach((r: { explanation?: string }) => delete r.explanation);
    rules.rules.push({
      id: 'implant-7d',
      kind: 'days_before',
      name: '植牙 7 天前',
      enabled: true,
      days: 7,
      at: '10:00',
      visitTypes: ['植牙'],
      essential: true,
      shift: true,
      templateId: 'default',
    });
    const put = await admin.put('/api/reminders/rules', rules);
    expect(put.statusCode, put.body).toBe(200);
    b.t.clock.advance(2000);
    await b.drain();
    expect((await rowsOf(c.clinicId)).find((r) => r.rule_id === 'before-48h' && r.state === 'planned')?.due_at).toBe(
      '2026-03-12T07:00:00.000Z',
    );
    const bad = await admin.put('/api/reminders/rules', {
      ...rules,
      rules: [{ ...rules.rules[0], templateId: 'nope' }],
    });
    expect(bad.statusCode).toBe(422);
    const front = await c.staff('front_desk');
    expect((await as(b.t.app, front).put('/api/reminders/rules', rules)).statusCode).toBe(403);

    const tpl = (await admin.get('/api/reminders/templates/default')).json();
    const long = await admin.put('/api/reminders/templates/implant', {
      name: '植牙',
      body: { ...tpl.body, labels: { ...tpl.body.labels, confirm: '確'.repeat(21) } },
    });
    expect(long.statusCode).toBe(422);
    expect(long.json().error.details[0].message).toContain('20 字');
    const ok = await admin.put('/api/reminders/templates/implant', {
      name: '植牙',
      body: { ...tpl.body, title: '植牙手術提醒', brandColor: '#0055AA' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const prev = await admin.post('/api/reminders/templates/implant/preview', {});
    expect(prev.statusCode).toBe(200);
    expect(JSON.stringify(prev.json().message)).toContain('植牙手術提醒');
    expect(prev.json().problems).toEqual([]);
  });

  it('falls back to SMS for unbound patients when allowed and counts the cost; otherwise fails clearly', async () => {
    const { c, his } = await setup();
    await his.put('/his/v1/patients/P9', { name: '沒有LINE', phone: '0912-000-111' });
    await his.put('/his/v1/appointments/A9', {
      patientId: 'P9',
      doctorId: 'D1',
      startsAt: '2026-03-12T10:00:00+08:00',
      status: 'booked',
      version: 1,
    });
    await b.drain();
    await sendDue('2026-03-09T01:00:30Z');
    expect((await rowsOf(c.clinicId)).find((r) => r.rule_id === 'booking')).toMatchObject({ state: 'failed' });
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
    // A new dispatcher (clinic settings are cached for 30 s per dispatcher).
    const d2 = startReminderDispatcher(b.t.deps, { workerId: 'test-dispatcher-2', autoStart: false });
    b.t.clock.set('2026-03-10T02:00:05Z');
    await d2.runOnce();
    const r = (await rowsOf(c.clinicId)).find((x) => x.rule_id === 'before-48h')!;
    expect(r).toMatchObject({ state: 'sent', channel: 'sms' });
    await b.drain();
    const sms = await b.emu_('GET', '/_emulator/sms?to=0912000111');
    expect(JSON.stringify(sms)).toContain('林醫師');
    const q = (await (await admin(c)).get('/api/reminders/quota')).json();
    expect(q.sms.messages).toBe(1);
    expect(q.sms.segments).toBeGreaterThanOrEqual(1);
    // The appointment detail shows the SMS that went out instead of LINE, with its status.
    const appt = await b.t.deps.db
      .selectFrom('appointments')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', 'A9')
      .executeTakeFirstOrThrow();
    const detail = (await (await admin(c)).get(`/api/appointments/${appt.id}`)).json();
    const viaSms = detail.reminders.find((x: { channel: string | null }) => x.channel === 'sms');
    expect(viaSms.sms).toMatchObject({ toMasked: expect.stringMatching(/^09/), segments: expect.any(Number) });
    expect(['sent', 'delivered']).toContain(viaSms.sms.status);
    expect(detail.reminders.find((x: { channel: string | null }) => x.channel !== 'sms').sms).toBeNull();
  });

  it('delivers every reminder exactly once through 10 % 5xx (half after processing), latency, 429 bursts', async () => {
    const { c, his } = await setup({ weekdaysOnly: false });
    const N = 60;
    const users: string[] = [];
    for (let i = 0; i < N; i++) users.push(await patientWithLine(c, his, `F${i}`));
    const items = users.map((_, i) => ({
      appointmentId: `FA${i}`,
      patientId: `F${i}`,
      doctorId: 'D1',
      startsAt: '2026-03-20T10:00:00+08:00',
      status: 'booked',
      version: 1,
    }));
    expect((await his.post('/his/v1/appointments/batch', { items })).statusCode).toBe(200);
    await b.drain();
    await b.emu_('PUT', '/_emulator/faults', {
      api: {
        errorRate: 0.1,
        status: 500,
        afterProcessing: true,
        latencyMs: 20,
        rateLimitBurst: 5,
        paths: ['/v2/bot/message/push'],
      },
    });
    try {
      for (let round = 0; round < 40; round++) {
        await sendDue(new Date(Date.parse('2026-03-09T01:00:30Z') + round * 600_000).toISOString());
        const left = await b.t.deps.db
          .selectFrom('reminder_deliveries')
          .select('id')
          .where('clinic_id', '=', c.clinicId)
          .where('rule_id', '=', 'booking')
          .where('state', 'in', ['planned', 'sending'])
          .execute();
        if (!left.length) break;
      }
    } finally {
      await b.emu_('PUT', '/_emulator/faults', {
        api: { errorRate: 0, failNext: 0, latencyMs: 0, rateLimitBurst: 0, afterProcessing: false, paths: [] },
      });
    }
    const rows = (await rowsOf(c.clinicId)).filter((r) => r.rule_id === 'booking');
    expect(rows.every((r) => r.state === 'sent')).toBe(true);
    expect(rows.some((r) => r.attempts > 1)).toBe(true);
    const log = (await bot(c)).filter((m) => m.message.type === 'flex');
    const keys = log.map((m) => m.retryKey);
    expect(new Set(keys).size).toBe(keys.length); // no duplicate per delivery
    expect(new Set(log.map((m) => m.userId)).size).toBe(N); // nobody missed
    expect(log).toHaveLength(N);
  });

  it('quota: a monthly cap stops non-essential reminders first, warns at 80 % and 100 %; list, resend', async () => {
    const { c, his } = await setup({ weekdaysOnly: false });
    const users: string[] = [];
    for (let i = 0; i < 5; i++) users.push(await patientWithLine(c, his, `Q${i}`));
    const adm = await admin(c);
    const rules = (await adm.get('/api/reminders/rules')).json();
    rules.rules.forEach((r: { explanation?: string }) => delete r.explanation);
    const put = await adm.put('/api/reminders/rules', { ...rules, monthlyCap: 3 });
    expect(put.statusCode, put.body).toBe(200);
    await b.drain();
    for (let i = 0; i < 5; i++)
      await his.put(`/his/v1/appointments/Q${i}`, {
        patientId: `Q${i}`,
        doctorId: 'D1',
        startsAt: '2026-03-20T10:00:00+08:00',
        status: 'booked',
        version: 1,
      });
    await b.drain();
    const dq = startReminderDispatcher(b.t.deps, {
      workerId: 'test-dispatcher-quota',
      autoStart: false,
      concurrency: 1,
    });
    b.t.clock.set('2026-03-09T01:00:30Z');
    await dq.runOnce();
    const booking = (await rowsOf(c.clinicId)).filter((r) => r.rule_id === 'booking');
    expect(booking.filter((r) => r.state === 'sent')).toHaveLength(3);
    expect(booking.filter((r) => r.state === 'skipped').map((r) => r.cancel_reason)).toEqual([
      expect.stringContaining('非必要提醒暫停'),
      expect.stringContaining('非必要提醒暫停'),
    ]);
    const q = (await (await admin(c)).get('/api/reminders/quota')).json();
    expect(q.used).toBe(3);
    expect(q.caps.nonEssential).toBe(3);
    // At the cap: the 80 % notice and the 100 % one (non-essential reminders paused).
    expect(q.notices.map((n: { kind: string; level: string }) => [n.kind, n.level])).toEqual([
      ['line_quota_100', 'error'],
      ['line_quota_80', 'warning'],
    ]);
    expect(q.forecast).toBeGreaterThanOrEqual(3);

    const list = await (await admin(c)).get('/api/reminders?date=today');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().summary).toMatchObject({ sent: 3, skipped: 2 });
    expect(list.json().items.every((i: { explanation: string }) => i.explanation.length > 0)).toBe(true);
    const tomorrow = await (await admin(c)).get('/api/reminders?date=2026-03-18&state=planned');
    for (const bad of ['0000-00-00', '2026-02-30', '2026-13-01']) {
      const r = await (await admin(c)).get(`/api/reminders?date=${bad}`);
      expect(r.statusCode, bad).toBe(422);
      expect(r.json().error.details[0].field).toBe('date');
    }
    expect(tomorrow.json().items.every((i: { ruleId: string }) => i.ruleId === 'before-48h')).toBe(true);
    const skipped = booking.find((r) => r.state === 'skipped')!;
    const re = await (await admin(c)).post(`/api/reminders/${skipped.id}/resend`, {});
    expect(re.statusCode, re.body).toBe(200);
    // A resend is a new row (the skipped one keeps its record), essential, with a new retry key.
    expect(re.json()).toMatchObject({ state: 'planned', ruleId: 'booking:resend-1', essential: true });
    const after = await rowsOf(c.clinicId);
    expect(after.find((r) => r.id === skipped.id)).toMatchObject({ state: 'skipped', retry_key: skipped.retry_key });
    const row = after.find((r) => r.id === re.json().id)!;
    expect(row.retry_key).not.toBe(skipped.retry_key);
    const pending = await (await admin(c)).post(`/api/reminders/${skipped.id}/resend`, {});
    expect(pending.statusCode).toBe(409);
  });
});
