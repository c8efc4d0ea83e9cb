// The delivery log, the month's usage and cost, and replies that cost nothing, against the real
// LINE emulator: the log lists failed reminders first and filters by state, channel, rule and
// visit day; the quota counts pushes, free replies and LINE notification messages per day of the
// clinic's zone, by purpose, with a forecast, NT$ at the clinic's prices and notices at 80 % and
// 100 %; a reminder's 確認 is answered with the Reply API (no push counted) and falls back to a
// counted push only when the reply token is used or too old. Another clinic sees none of it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { as, bindForTest, createTestClinic, login } from '../../testing/helpers.ts';
import { startReminderDispatcher, type Dispatcher } from './delivery.ts';

const NOW = '2026-03-09T01:00:00Z'; // Monday 09:00 in Taipei
let b: LineTestbed;
let d: Dispatcher;
beforeAll(async () => {
  b = await createLineTestbed();
  b.t.clock.set(NOW);
  d = startReminderDispatcher(b.t.deps, { workerId: 'test-dispatcher-log', autoStart: false, lockMs: 5_000 });
});
beforeEach(() => b.t.clock.set(NOW));
afterAll(async () => {
  await d.stop();
  await b.close();
});

type Clinic = Awaited<ReturnType<LineTestbed['clinicWithChannel']>>;
/** A fresh admin session at the current (moved) test clock. */
const admin = async (c: { admin: { email: string } }) => as(b.t.app, await login(b.t.app, c.admin.email));

async function setup() {
  const c = await b.clinicWithChannel();
  const his = c.his(await c.apiKey());
  expect((await his.put('/his/v1/doctors/D1', { name: '林醫師' })).statusCode).toBe(201);
  expect((await his.put('/his/v1/doctors/D2', { name: '陳醫師' })).statusCode).toBe(201);
  expect((await (await admin(c)).post('/api/his/initial-sync/end', {})).statusCode).toBe(200);
  return { c, his };
}
type His = Awaited<ReturnType<typeof setup>>['his'];

async function waitFor(fn: () => Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
}

async function patient(c: Clinic, his: His, pid: string, withLine: boolean) {
  expect((await his.put(`/his/v1/patients/${pid}`, { name: `病患${pid}`, phone: '0912-345-678' })).statusCode).toBe(
    201,
  );
  if (!withLine) return null;
  const { userId } = await b.emu_('POST', '/_emulator/users', { displayName: `病患${pid}` });
  await b.emu_('POST', `/_emulator/users/${userId}/follow`, { channelId: c.channelId });
  await bindForTest(b.t, c.clinicId, pid, userId);
  await waitFor(async () => {
    await b.drain();
    return Boolean(
      await b.t.deps.db
        .selectFrom('line_messages')
        .select('id')
        .where('clinic_id', '=', c.clinicId)
        .where('line_user_id', '=', userId)
        .where('source', '=', 'greeting')
        .executeTakeFirst(),
    );
  });
  return userId as string;
}

async function book(his: His, id: string, pid: string, doctor = 'D1', startsAt = '2026-03-20T10:00:00+08:00') {
  const r = await his.put(`/his/v1/appointments/${id}`, {
    patientId: pid,
    doctorId: doctor,
    startsAt,
    status: 'booked',
    version: 1,
  });
  expect(r.statusCode, r.body).toBe(201);
  await b.drain();
}

async function sendDue(at: string) {
  b.t.clock.set(at);
  for (let i = 0; i < 50 && (await d.runOnce()) > 0; i++);
  await b.drain();
}

const quota = async (c: { admin: { email: string } }) => {
  const r = await (await admin(c)).get('/api/reminders/quota');
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};

type BotMsg = { to: string; via: string; message: { type: string; text?: string; contents?: unknown } };
const botTo = async (c: Clinic, to: string): Promise<BotMsg[]> =>
  (await b.emu_('GET', `/_emulator/channels/${c.channelId}/messages?to=${to}`)).messages;

async function tap(c: Clinic, userId: string, data: string) {
  const before = (await botTo(c, userId)).length;
  await b.emu_('POST', `/_emulator/users/${userId}/postback`, { channelId: c.channelId, data });
  await waitFor(async () => {
    await b.drain();
    return (await botTo(c, userId)).length > before;
  });
  return (await botTo(c, userId)).at(-1)!;
}

describe('delivery log', { timeout: 120_000 }, () => {
  it('failed first; filters: state, channel, rule, doctor, visit day; resend; other clinics see none', async () => {
    const { c, his } = await setup();
    await patient(c, his, 'P1', true);
    await patient(c, his, 'P2', false); // no LINE and no SMS fallback: the reminder fails
    await book(his, 'A1', 'P1');
    await book(his, 'A2', 'P2', 'D2');
    await sendDue('2026-03-09T01:00:30Z');
    const api = await admin(c);

    const day = await api.get('/api/reminders/log?from=2026-03-09');
    expect(day.statusCode, day.body).toBe(200);
    const page = day.json();
    expect(page.items.map((i: { state: string }) => i.state)).toEqual(['failed', 'sent']);
    expect(page.items[0]).toMatchObject({ patientName: '病患P2', doctorName: '陳醫師', ruleId: 'booking' });
    expect(page.items[0].lastError).toContain('尚未綁定 LINE');
    expect(page.items[1]).toMatchObject({ channel: 'line', patientName: '病患P1' });
    expect(page.items.every((i: { explanation: string }) => i.explanation.length > 0)).toBe(true);
    expect(page).toMatchObject({ total: 2, summary: { failed: 1, sent: 1 }, hasMore: false });

    const failed = (await api.get('/api/reminders/log?from=2026-03-09&state=failed')).json();
    expect(failed.items.map((i: { patientName: string }) => i.patientName)).toEqual(['病患P2']);
    expect(failed.total).toBe(1);
    expect(failed.summary).toMatchObject({ failed: 1, sent: 1 }); // the counts ignore the state filter
    const line = (await api.get('/api/reminders/log?from=2026-03-09&channel=line')).json();
    expect(line.items.map((i: { patientName: string }) => i.patientName)).toEqual(['病患P1']);
    const doctor = (await api.get('/api/reminders/log?from=2026-03-09&doctorId=D2')).json();
    expect(doctor.items.map((i: { patientName: string }) => i.patientName)).toEqual(['病患P2']);
    // Search: a part of the name, or the start of the HIS appointment id; LIKE wildcards are text.
    const names = async (q: string) =>
      (await api.get(`/api/reminders/log?from=2026-03-09&q=${encodeURIComponent(q)}`))
        .json()
        .items.map((i: { patientName: string }) => i.patientName);
    expect(await names('P1')).toEqual(['病患P1']);
    expect(await names('A2')).toEqual(['病患P2']);
    expect(await names('A')).toEqual(['病患P2', '病患P1']);
    expect(await names('X9')).toEqual([]);
    expect(await names('%')).toEqual([]);
    expect((await api.get('/api/reminders/log?q=')).statusCode).toBe(400);

    // By visit day: every reminder of the two visits, the planned ones too.
    const visit = (await api.get('/api/reminders/log?from=2026-03-20&by=visit')).json();
    expect(visit.total).toBeGreaterThan(2);
    expect(visit.summary.planned).toBeGreaterThan(0);
    // One visit's reminders in the order they go out, the unscheduled last.
    const dues = visit.items
      .filter((i: { appointmentHisId: string }) => i.appointmentHisId === 'A1')
      .map((i: { dueAt: string | null }) => i.dueAt ?? '~');
    expect(dues.length).toBeGreaterThan(1);
    expect(dues).toEqual([...dues].sort());
    const planned48 = (await api.get('/api/reminders/log?from=2026-03-20&by=visit&ruleId=before-48h')).json();
    expect(planned48.items.every((i: { ruleId: string }) => i.ruleId === 'before-48h')).toBe(true);
    // Paging: one at a time, failed first.
    const p1 = (await api.get('/api/reminders/log?from=2026-03-09&pageSize=1')).json();
    expect(p1).toMatchObject({ hasMore: true, total: 2 });
    expect(p1.items[0].state).toBe('failed');
    const p2 = (await api.get('/api/reminders/log?from=2026-03-09&pageSize=1&page=2')).json();
    expect(p2).toMatchObject({ hasMore: false });
    expect(p2.items[0].state).toBe('sent');

    // The resend is a new row of the rule (its filter includes resends).
    const sent = page.items[1];
    const re = await api.post(`/api/reminders/${sent.id}/resend`);
    expect(re.statusCode, re.body).toBe(200);
    const booking = (await api.get('/api/reminders/log?from=2026-03-09&ruleId=booking')).json();
    expect(booking.items.map((i: { ruleId: string }) => i.ruleId).sort()).toEqual([
      'booking',
      'booking',
      'booking:resend-1',
    ]);

    // Bad ranges: a clear zh-TW message and a stable code.
    const reversed = await api.get('/api/reminders/log?from=2026-03-09&to=2026-03-01');
    expect(reversed.statusCode).toBe(422);
    expect(reversed.json().error).toMatchObject({ code: 'RANGE_REVERSED', message: '結束日不能早於起始日' });
    const long = await api.get('/api/reminders/log?from=2026-01-01&to=2026-03-09');
    expect(long.statusCode).toBe(422);
    expect(long.json().error.code).toBe('RANGE_TOO_LONG');
    expect((await api.get('/api/reminders/log?from=2026-02-30')).statusCode).toBe(422);
    expect((await api.get('/api/reminders/log?from=tomorrow')).statusCode).toBe(400);
    expect((await api.get('/api/reminders/log?channel=fax')).statusCode).toBe(400);

    // Another clinic's staff: nothing of this clinic's log, quota or notices; no resend.
    const other = await createTestClinic(b.t);
    const them = as(b.t.app, other.admin);
    const theirs = (await them.get('/api/reminders/log?from=2026-03-09')).json();
    expect(theirs).toMatchObject({ total: 0, items: [] });
    expect((await them.get('/api/reminders/log?from=2026-03-20&by=visit')).json().total).toBe(0);
    expect((await them.post(`/api/reminders/${sent.id}/resend`)).statusCode).toBe(404);
    const q = (await them.get('/api/reminders/quota')).json();
    expect(q).toMatchObject({ used: 0, pushes: 0, replies: 0, plannedThisMonth: 0 });
    expect(q.days.every((x: { pushes: number; planned: number }) => x.pushes === 0 && x.planned === 0)).toBe(true);
  });
});

describe('quota and cost', { timeout: 120_000 }, () => {
  const out = (clinicId: string, created_at: string, method: string, source: string) => ({
    clinic_id: clinicId,
    line_user_id: `U${'0'.repeat(32)}`,
    direction: 'out',
    kind: 'text',
    text: '',
    payload: '{}',
    source,
    method,
    related_type: null,
    related_id: null,
    created_at,
  });

  it('counts pushes, free replies and notification messages per clinic day, by purpose, with NT$', async () => {
    const c = await createTestClinic(b.t); // Asia/Taipei, no LINE channel: LINE's own numbers are unknown
    await b.t.deps.db
      .insertInto('line_messages')
      .values([
        out(c.clinicId, '2026-02-28T15:59:59.999Z', 'push', 'staff'), // 2/28 23:59 Taipei: last month
        out(c.clinicId, '2026-02-28T16:00:00.000Z', 'push', 'reminder'), // 3/1 00:00 Taipei
        out(c.clinicId, '2026-03-01T15:59:59.999Z', 'push', 'recall'), // 3/1 23:59
        out(c.clinicId, '2026-03-01T16:00:00.000Z', 'reply', 'reminder.answer'), // 3/2 00:00
        out(c.clinicId, '2026-03-02T02:00:00.000Z', 'reply', 'auto_reply:7'),
        out(c.clinicId, '2026-03-03T02:00:00.000Z', 'push', 'reminder.answer'), // a late answer: pushed
        out(c.clinicId, '2026-03-04T02:00:00.000Z', 'push', 'reminder.test'),
        out(c.clinicId, '2026-03-05T02:00:00.000Z', 'pnp', 'reminder'),
        out(c.clinicId, '2026-03-05T03:00:00.000Z', 'pnp', 'reminder'),
        out(c.clinicId, '2026-03-09T00:30:00.000Z', 'push', 'staff'), // today 08:30
      ])
      .execute();
    const q = await quota(c);
    expect(q).toMatchObject({ month: '2026-03', timeZone: 'Asia/Taipei', used: 5, pushes: 5, replies: 2 });
    expect(q.days).toHaveLength(31);
    const day = (date: string) => q.days.find((x: { date: string }) => x.date === date);
    expect(day('2026-03-01')).toMatchObject({ pushes: 2, replies: 0, forecast: null, cumulative: 2 });
    expect(day('2026-03-02')).toMatchObject({ pushes: 0, replies: 2 });
    expect(day('2026-03-05')).toMatchObject({ pnp: 2 });
    expect(day('2026-03-08')).toMatchObject({ cumulative: 4 });
    expect(day('2026-03-09').pushes).toBe(1);
    const purpose = Object.fromEntries(
      q.byPurpose.map((p: { purpose: string; pushes: number; replies: number; pnp: number }) => [p.purpose, p]),
    );
    expect(purpose.reminder).toMatchObject({ label: '提醒', pushes: 1, pnp: 2 });
    expect(purpose.reply).toMatchObject({ label: '回覆', pushes: 1, replies: 2 });
    expect(purpose.recall).toMatchObject({ label: '回診', pushes: 1 });
    expect(purpose.staff).toMatchObject({ label: '人工訊息', pushes: 1 });
    expect(purpose.test).toMatchObject({ label: '測試', pushes: 1 });
    expect(Object.keys(purpose)).toEqual(
      expect.arrayContaining(['broadcast', 'care_plan']), // room for later purposes
    );
    // Forecast: no reminder planned; the other pushes' pace (4 in 8 days and an hour) to the month's end.
    expect(q.pace).toBeCloseTo(0.5, 1);
    expect(q.forecast).toBeGreaterThanOrEqual(5 + 11);
    expect(q.forecast).toBeLessThanOrEqual(5 + 12);
    expect(day('2026-03-31').cumulative).toBe(q.forecast);
    expect(q.caps).toEqual({ nonEssential: null, essential: null });
    expect(q.capExplanation).toContain('不會因額度而暫停');

    // Prices: unset → no NT$; the admin enters them; the front desk may not.
    expect(q).toMatchObject({ costNtd: null, pnp: { messages: 2, unitPrice: null, ntd: null } });
    const api = await admin(c);
    const desk = as(b.t.app, await c.staff('front_desk'));
    expect((await desk.put('/api/reminders/prices', { smsPoint: 1, pnpMessage: 1 })).statusCode).toBe(403);
    for (const bad of [{ smsPoint: -1, pnpMessage: null }, { smsPoint: '0.8', pnpMessage: null }, { smsPoint: 1 }]) {
      const r = await api.put('/api/reminders/prices', bad);
      expect(r.statusCode, JSON.stringify(bad)).toBe(422);
      expect(r.json().error.message).toMatch(/[\u4e00-\u9fff]/);
    }
    expect((await api.get('/api/reminders/prices')).json()).toMatchObject({ smsPoint: null, pnpMessage: null });
    const saved = await api.put('/api/reminders/prices', { smsPoint: 0.8, pnpMessage: 0.35 });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ smsPoint: 0.8, pnpMessage: 0.35, updatedBy: expect.any(String) });
    const priced = await quota(c);
    expect(priced.pnp).toEqual({ messages: 2, unitPrice: 0.35, ntd: 0.7 });
    expect(priced.sms).toMatchObject({ messages: 0, pointPrice: 0.8, ntd: 0 });
    expect(priced.costNtd).toBe(0.7);
    const zero = await api.put('/api/reminders/prices', { smsPoint: 0, pnpMessage: null });
    expect(zero.json()).toMatchObject({ smsPoint: 0, pnpMessage: null });

    // Another clinic's prices are its own.
    const other = await createTestClinic(b.t);
    expect((await as(b.t.app, other.admin).get('/api/reminders/prices')).json().smsPoint).toBeNull();
  });

  it('notices admins once at 80 % and once at 100 % of the cap; 標為已讀; the cap in words', async () => {
    const c = await createTestClinic(b.t);
    const api = await admin(c);
    const rules = (await api.get('/api/reminders/rules')).json();
    rules.rules.forEach((r: { explanation?: string }) => delete r.explanation);
    expect((await api.put('/api/reminders/rules', { ...rules, monthlyCap: 5 })).statusCode).toBe(200);
    const push = (at: string) => out(c.clinicId, at, 'push', 'staff');
    await b.t.deps.db
      .insertInto('line_messages')
      .values([push('2026-03-02T02:00:00Z'), push('2026-03-03T02:00:00Z')])
      .execute();
    expect((await quota(c)).notices).toEqual([]);
    await b.t.deps.db
      .insertInto('line_messages')
      .values([push('2026-03-04T02:00:00Z'), push('2026-03-05T02:00:00Z')])
      .execute();
    let q = await quota(c);
    expect(q.notices.map((n: { kind: string }) => n.kind)).toEqual(['line_quota_80']);
    expect(q.percentOfLimit).toBe(80);
    expect(q.capExplanation).toContain('5 則（診所設定的每月上限）');
    await b.t.deps.db
      .insertInto('line_messages')
      .values([push('2026-03-06T02:00:00Z')])
      .execute();
    q = await quota(c);
    q = await quota(c);
    expect(q.notices.map((n: { kind: string }) => n.kind)).toEqual(['line_quota_100', 'line_quota_80']);
    expect(q.notices[0]).toMatchObject({ level: 'error', readAt: null });
    expect(q.notices[0].message).toContain('非必要提醒已暫停');
    const other = await createTestClinic(b.t);
    expect((await as(b.t.app, other.admin).post(`/api/reminders/notices/${q.notices[0].id}/read`)).statusCode).toBe(
      404,
    );
    expect((await api.post(`/api/reminders/notices/${q.notices[0].id}/read`)).statusCode).toBe(204);
    expect((await quota(c)).notices[0].readAt).not.toBeNull();
    expect((await as(b.t.app, other.admin).get('/api/reminders/quota')).json().notices).toEqual([]);
  });
});

describe('replies that cost nothing', { timeout: 120_000 }, () => {
  it('確認 is answered by a free reply; a used or too old reply token falls back to a counted push', async () => {
    const { c, his } = await setup();
    const user = (await patient(c, his, 'P1', true))!;
    await book(his, 'A1', 'P1');
    await sendDue('2026-03-09T01:00:30Z');
    const reminders = (await botTo(c, user)).filter((m) => m.via === 'push' && m.message.type === 'flex');
    expect(reminders).toHaveLength(1);
    const [confirm, cancel] = [...JSON.stringify(reminders[0].message.contents).matchAll(/"data":"(rm1\.[^"]+)"/g)].map(
      (m) => m[1],
    );
    const before = await quota(c);
    expect(before).toMatchObject({ pushes: 1, used: 1 }); // the reminder; the greeting was a reply

    const ack = await tap(c, user, confirm);
    expect(ack).toMatchObject({ via: 'reply' });
    expect(ack.message.text).toContain('已收到您的確認');
    const afterReply = await quota(c);
    expect(afterReply.pushes).toBe(1);
    expect(afterReply.replies).toBe(before.replies + 1);
    expect(afterReply.byPurpose.find((p: { purpose: string }) => p.purpose === 'reply').replies).toBe(
      before.replies + 1,
    );

    // The reply token is refused (already used): the answer is pushed and counts.
    await b.emu_('PUT', '/_emulator/faults', {
      api: { failNext: 1, status: 400, paths: ['/v2/bot/message/reply'] },
    });
    try {
      const pushed = await tap(c, user, cancel);
      expect(pushed).toMatchObject({ via: 'push' });
      expect(pushed.message.text).toContain('已收到您的取消請求');
    } finally {
      await b.emu_('PUT', '/_emulator/faults', {
        api: { errorRate: 0, failNext: 0, latencyMs: 0, rateLimitBurst: 0, afterProcessing: false, paths: [] },
      });
    }
    const afterUsed = await quota(c);
    expect(afterUsed.pushes).toBe(2);
    expect(afterUsed.replies).toBe(afterReply.replies);
    expect(afterUsed.byPurpose.find((p: { purpose: string }) => p.purpose === 'reply').pushes).toBe(1);

    // Processed a minute after the tap (the token is no longer valid): not tried, a push.
    const tappedAt = Date.now();
    b.t.clock.set(new Date(tappedAt + 90_000).toISOString());
    const late = await tap(c, user, confirm);
    expect(late.via).toBe('push');
    const lateLog = await b.t.deps.db
      .selectFrom('line_messages')
      .select(['method', 'source'])
      .where('clinic_id', '=', c.clinicId)
      .where('direction', '=', 'out')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(lateLog).toEqual({ method: 'push', source: 'reminder.answer' });
  });
});
