// Combined family reminders against the real LINE emulator: two family members bound to one
// LINE user with visits the same morning get one push (a carousel of two bubbles, one log row,
// one request id on both deliveries); each bubble's confirm changes only its own appointment; a
// retry after a lost answer repeats the group's retry key; a member outside the merge window
// gets their own message; another clinic's patients bound to the same LINE user id are never
// combined with this clinic's.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { as, bindForTest, login } from '../../testing/helpers.ts';
import { startReminderDispatcher, type Dispatcher } from './delivery.ts';

let b: LineTestbed;
let d: Dispatcher;
beforeAll(async () => {
  b = await createLineTestbed();
  d = startReminderDispatcher(b.t.deps, { workerId: 'family-dispatcher', autoStart: false, lockMs: 5_000 });
});
// Monday 2026-03-09 09:00 in Taipei.
beforeEach(() => b.t.clock.set('2026-03-09T01:00:00Z'));
afterAll(async () => {
  await d.stop();
  await b.close();
});

type Clinic = Awaited<ReturnType<LineTestbed['clinicWithChannel']>>;
const admin = async (c: Clinic) => as(b.t.app, await login(b.t.app, c.admin.email));

async function waitFor(fn: () => Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
}

/** A clinic open every day with one doctor, past its initial sync, without the booking-day message. */
async function setup() {
  const c = await b.clinicWithChannel();
  const his = c.his(await c.apiKey());
  expect((await his.put('/his/v1/doctors/D1', { name: '林醫師' })).statusCode).toBe(201);
  const api = await admin(c);
  expect((await api.post('/api/his/initial-sync/end', {})).statusCode).toBe(200);
  const rules = (await api.get('/api/reminders/rules')).json();
  rules.rules = rules.rules.map((r: { id: string }) => (r.id === 'booking' ? { ...r, enabled: false } : r));
  expect((await api.put('/api/reminders/rules', rules)).statusCode).toBe(200);
  return { c, his };
}

/** An emulator LINE user who follows the clinic's account. */
async function lineUser(c: Clinic, name: string): Promise<string> {
  const { userId } = await b.emu_('POST', '/_emulator/users', { displayName: name });
  await follow(c, userId);
  return userId;
}
async function follow(c: Clinic, userId: string) {
  const before = await b.t.deps.db.selectFrom('jobs').select('id').where('clinic_id', '=', c.clinicId).execute();
  await b.emu_('POST', `/_emulator/users/${userId}/follow`, { channelId: c.channelId });
  await waitFor(
    async () =>
      (await b.t.deps.db.selectFrom('jobs').select('id').where('clinic_id', '=', c.clinicId).execute()).length >
      before.length,
  );
  await b.drain();
}

/** A HIS patient bound to `userId` (as binding with the shared phone would). */
async function patient(
  c: Clinic,
  his: Awaited<ReturnType<typeof setup>>['his'],
  pid: string,
  name: string,
  userId: string,
) {
  expect((await his.put(`/his/v1/patients/${pid}`, { name, phone: '0912-345-678' })).statusCode).toBe(201);
  await bindForTest(b.t, c.clinicId, pid, userId);
}

async function book(his: Awaited<ReturnType<typeof setup>>['his'], id: string, pid: string, startsAt: string) {
  expect(
    (
      await his.put(`/his/v1/appointments/${id}`, {
        patientId: pid,
        doctorId: 'D1',
        startsAt,
        status: 'booked',
        version: 1,
      })
    ).statusCode,
  ).toBe(201);
  await b.drain();
}

type BotMsg = {
  to: string;
  via: string;
  retryKey: string | null;
  message: { type: string; altText?: string; text?: string; contents?: { type: string; contents?: unknown[] } };
};
const allBot = async (c: Clinic, to: string): Promise<BotMsg[]> =>
  (await b.emu_('GET', `/_emulator/channels/${c.channelId}/messages?to=${to}`)).messages;
const reminders = async (c: Clinic, to: string) =>
  (await allBot(c, to)).filter((m) => m.via === 'push' && m.message.type === 'flex');

async function sendDue(at: string) {
  b.t.clock.set(at);
  for (let i = 0; i < 50 && (await d.runOnce()) > 0; i++);
  await b.drain();
}

const apptId = async (c: Clinic, hisId: string) =>
  (
    await b.t.deps.db
      .selectFrom('appointments')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', hisId)
      .executeTakeFirstOrThrow()
  ).id;
const rowOf = async (c: Clinic, hisId: string, ruleId = 'before-48h') =>
  b.t.deps.db
    .selectFrom('reminder_deliveries')
    .selectAll()
    .where('clinic_id', '=', c.clinicId)
    .where('appointment_id', '=', await apptId(c, hisId))
    .where('rule_id', '=', ruleId)
    .executeTakeFirstOrThrow();
const reply = async (c: Clinic, hisId: string) =>
  (
    await b.t.deps.db
      .selectFrom('appointments')
      .select('reply_status')
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', hisId)
      .executeTakeFirstOrThrow()
  ).reply_status;
const pushLog = (c: Clinic, userId: string) =>
  b.t.deps.db
    .selectFrom('line_messages')
    .selectAll()
    .where('clinic_id', '=', c.clinicId)
    .where('line_user_id', '=', userId)
    .where('direction', '=', 'out')
    .where('method', '=', 'push')
    .where('source', '=', 'reminder')
    .execute();
const buttonData = (contents: unknown) =>
  [...JSON.stringify(contents).matchAll(/"data":"(rm1\.[^"]+)"/g)].map((m) => m[1]);

describe('combined family reminders', { timeout: 120_000 }, () => {
  it('one push for two family members the same morning; each confirm changes only its own light', async () => {
    const { c, his } = await setup();
    const u = await lineUser(c, '陳媽媽');
    await patient(c, his, 'K1', '陳小明', u);
    await patient(c, his, 'K2', '陳小華', u);
    await patient(c, his, 'K3', '陳爸爸', u);
    // Friday 3/13: 09:00 and 09:30 (48-hour reminders Wednesday 09:00 and 09:30, 30 minutes
    // apart: inside the 60-minute merge window); 15:00 for the third, far outside it.
    await book(his, 'A1', 'K1', '2026-03-13T09:00:00+08:00');
    await book(his, 'A2', 'K2', '2026-03-13T09:30:00+08:00');
    await book(his, 'A3', 'K3', '2026-03-13T15:00:00+08:00');

    await sendDue('2026-03-11T01:00:05Z');
    const sent = await reminders(c, u);
    expect(sent).toHaveLength(1);
    const m = sent[0].message;
    expect(m.altText).toMatch(/^【.+】2 位家人的看診提醒：陳小明 3\/13 09:00、陳小華 3\/13 09:30$/);
    expect(m.contents?.type).toBe('carousel');
    expect(m.contents?.contents).toHaveLength(2);
    expect(JSON.stringify(m.contents?.contents?.[0])).toContain('陳小明');
    expect(JSON.stringify(m.contents?.contents?.[1])).toContain('陳小華');
    // One push logged (the quota counts it once), about the group.
    const log = await pushLog(c, u);
    expect(log).toHaveLength(1);
    expect(log[0].related_type).toBe('reminder_family');
    const [r1, r2, r3] = [await rowOf(c, 'A1'), await rowOf(c, 'A2'), await rowOf(c, 'A3')];
    expect([r1.state, r2.state, r3.state]).toEqual(['sent', 'sent', 'planned']);
    expect(r1.line_request_id).toBeTruthy();
    expect(r2.line_request_id).toBe(r1.line_request_id);
    expect(r2.family_group_id).toBe(r1.family_group_id);
    expect(sent[0].retryKey).toBe(r1.family_group_id);
    expect([r1.family_size, r2.family_size]).toEqual([2, 2]);
    expect([await reply(c, 'A1'), await reply(c, 'A2')]).toEqual(['awaiting_reply', 'awaiting_reply']);

    // The third member's reminder is outside the window: its own message, a single bubble.
    await sendDue('2026-03-11T07:00:05Z');
    const later = await reminders(c, u);
    expect(later).toHaveLength(2);
    expect(later[1].message.contents?.type).toBe('bubble');
    expect(later[1].message.altText).toContain('看診提醒');
    expect((await rowOf(c, 'A3')).family_group_id).toBeNull();
    expect(await pushLog(c, u)).toHaveLength(2);

    // Each bubble carries its own appointment's buttons: confirming the first changes only A1.
    const [confirm1] = buttonData(m.contents?.contents?.[0]);
    const [, cancel2] = buttonData(m.contents?.contents?.[1]);
    await b.emu_('POST', `/_emulator/users/${u}/postback`, { channelId: c.channelId, data: confirm1 });
    await waitFor(async () => {
      await b.drain();
      return (await reply(c, 'A1')) === 'confirmed';
    });
    expect(await reply(c, 'A2')).toBe('awaiting_reply');
    await b.emu_('POST', `/_emulator/users/${u}/postback`, { channelId: c.channelId, data: cancel2 });
    await waitFor(async () => {
      await b.drain();
      return (await reply(c, 'A2')) === 'cancel_requested';
    });
    expect(await reply(c, 'A1')).toBe('confirmed');

    // The appointment's 提醒 tab says the reminder went with the family's, and lists the message.
    const api = await admin(c);
    const detail = (await api.get(`/api/appointments/${await apptId(c, 'A2')}/reminders`)).json();
    const row = detail.reminders.find((x: { ruleId: string }) => x.ruleId === 'before-48h');
    expect([row.familySize, row.familyGroupId]).toEqual([2, r1.family_group_id]);
    expect(detail.messages.map((x: { text: string }) => x.text)).toContain(m.altText);
    const drawer = (await api.get(`/api/appointments/${await apptId(c, 'A1')}`)).json();
    expect(drawer.reminders.find((x: { ruleName: string }) => x.ruleName === r1.rule_name).familySize).toBe(2);
    // The delivery log lists both rows with the family size.
    const list = (await api.get('/api/reminders?date=2026-03-11')).json();
    expect(
      list.items
        .filter((x: { familySize: number | null }) => x.familySize === 2)
        .map((x: { appointmentHisId: string }) => x.appointmentHisId)
        .sort(),
    ).toEqual(['A1', 'A2']);
  });

  it('a retry after a lost LINE answer repeats the group retry key: delivered once', async () => {
    const { c, his } = await setup();
    const u = await lineUser(c, '林媽媽');
    await patient(c, his, 'L1', '林一', u);
    await patient(c, his, 'L2', '林二', u);
    await book(his, 'B1', 'L1', '2026-03-13T10:00:00+08:00');
    await book(his, 'B2', 'L2', '2026-03-13T10:20:00+08:00');
    // LINE takes the push but the answer is lost (a 500 after processing).
    await b.emu_('PUT', '/_emulator/faults', {
      api: { failNext: 1, status: 500, afterProcessing: true, paths: ['/v2/bot/message/push'] },
    });
    try {
      await sendDue('2026-03-11T02:00:05Z');
    } finally {
      await b.emu_('PUT', '/_emulator/faults', {
        api: { errorRate: 0, failNext: 0, latencyMs: 0, rateLimitBurst: 0, afterProcessing: false, paths: [] },
      });
    }
    const first = [await rowOf(c, 'B1'), await rowOf(c, 'B2')];
    expect(first.map((r) => r.state)).toEqual(['planned', 'planned']);
    expect(first[0].family_group_id).toBeTruthy();
    expect(first[1].family_group_id).toBe(first[0].family_group_id);
    expect(first[0].next_attempt_at).toBe(first[1].next_attempt_at);
    expect(await pushLog(c, u)).toHaveLength(0);

    await sendDue(new Date(Date.parse('2026-03-11T02:00:05Z') + 10 * 60_000).toISOString());
    const after = [await rowOf(c, 'B1'), await rowOf(c, 'B2')];
    expect(after.map((r) => r.state)).toEqual(['sent', 'sent']);
    expect(after[1].line_request_id).toBe(after[0].line_request_id);
    const sent = await reminders(c, u);
    expect(sent).toHaveLength(1); // the emulator answered the repeat with 409: no second message
    expect(sent[0].retryKey).toBe(first[0].family_group_id);
    expect(await pushLog(c, u)).toHaveLength(1);
  });

  it('checks the monthly cap once, as for the most essential member', async () => {
    const { c, his } = await setup();
    const api = await admin(c);
    const rules = (await api.get('/api/reminders/rules')).json();
    const visitDay = (id: string, at: string, visitType: string, essential: boolean) => ({
      id,
      kind: 'visit_day',
      name: `${visitType}當天提醒`,
      enabled: true,
      at,
      visitTypes: [visitType],
      essential,
      shift: false,
      templateId: 'default',
    });
    const saved = await api.put('/api/reminders/rules', {
      ...rules,
      rules: [visitDay('vd-clean', '08:00', '洗牙', false), visitDay('vd-root', '08:30', '根管', true)],
      // No non-essential reminder may go this month.
      monthlyCap: 0,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    // The replan that saving the rules queued (a second later) runs now, before any visit exists.
    b.t.clock.set('2026-03-09T01:00:02Z');
    await b.drain();
    const u = await lineUser(c, '張媽媽');
    await patient(c, his, 'Z1', '張一', u);
    await patient(c, his, 'Z2', '張二', u);
    await patient(c, his, 'Z3', '張三', await lineUser(c, '張三'));
    const at = (id: string, pid: string, startsAt: string, visitType: string) =>
      his.put(`/his/v1/appointments/${id}`, {
        patientId: pid,
        doctorId: 'D1',
        startsAt,
        visitType,
        status: 'booked',
        version: 1,
      });
    expect((await at('E1', 'Z1', '2026-03-11T10:00:00+08:00', '洗牙')).statusCode).toBe(201);
    expect((await at('E2', 'Z2', '2026-03-11T10:30:00+08:00', '根管')).statusCode).toBe(201);
    expect((await at('E3', 'Z3', '2026-03-11T10:00:00+08:00', '洗牙')).statusCode).toBe(201);
    await b.drain();
    // Wednesday 08:00: E1's non-essential reminder is due; E2's essential one (08:30) joins it.
    await sendDue('2026-03-11T00:00:05Z');
    const [e1, e2, e3] = [
      await rowOf(c, 'E1', 'vd-clean'),
      await rowOf(c, 'E2', 'vd-root'),
      await rowOf(c, 'E3', 'vd-clean'),
    ];
    expect([e1.state, e2.state]).toEqual(['sent', 'sent']);
    expect(e1.family_size).toBe(2);
    // Alone, the same non-essential reminder is held by the cap.
    expect(e3, JSON.stringify(e3)).toMatchObject({ state: 'skipped' });
    expect(e3.cancel_reason).toContain('非必要提醒');
  });

  it('a member cancelled before the retry drops out; the rest keeps the group retry key', async () => {
    const { c, his } = await setup();
    const u = await lineUser(c, '吳媽媽');
    await patient(c, his, 'R1', '吳一', u);
    await patient(c, his, 'R2', '吳二', u);
    await book(his, 'G1', 'R1', '2026-03-13T14:00:00+08:00');
    await book(his, 'G2', 'R2', '2026-03-13T14:15:00+08:00');
    // LINE refuses the first attempt (a 500 before processing): nothing delivered, rows planned again.
    await b.emu_('PUT', '/_emulator/faults', {
      api: { failNext: 1, status: 500, afterProcessing: false, paths: ['/v2/bot/message/push'] },
    });
    try {
      await sendDue('2026-03-11T06:00:05Z');
    } finally {
      await b.emu_('PUT', '/_emulator/faults', {
        api: { errorRate: 0, failNext: 0, latencyMs: 0, rateLimitBurst: 0, afterProcessing: false, paths: [] },
      });
    }
    const group = (await rowOf(c, 'G1')).family_group_id;
    expect(group).toBeTruthy();
    expect((await rowOf(c, 'G2')).state).toBe('planned');
    // The HIS cancels the second visit; the retry sends the first alone, with the group's key.
    expect(
      (
        await his.put('/his/v1/appointments/G2', {
          patientId: 'R2',
          doctorId: 'D1',
          startsAt: '2026-03-13T14:15:00+08:00',
          status: 'cancelled',
          version: 2,
        })
      ).statusCode,
    ).toBe(200);
    await b.drain();
    await sendDue('2026-03-11T06:10:05Z');
    const sent = await reminders(c, u);
    expect(sent).toHaveLength(1);
    expect(sent[0].retryKey).toBe(group);
    expect(sent[0].message.contents?.type).toBe('bubble');
    expect(JSON.stringify(sent[0].message)).toContain('吳一');
    expect((await rowOf(c, 'G1')).state).toBe('sent');
    expect((await rowOf(c, 'G1')).family_size).toBeNull();
    expect((await rowOf(c, 'G2')).state).toBe('cancelled');
    expect(await pushLog(c, u)).toHaveLength(1);
  });

  it("never combines another clinic's patients bound to the same LINE user id", async () => {
    const one = await setup();
    const two = await setup();
    const u = await lineUser(one.c, '王媽媽');
    await follow(two.c, u);
    await patient(one.c, one.his, 'W1', '王一', u);
    await patient(one.c, one.his, 'W2', '王二', u);
    await patient(two.c, two.his, 'W3', '王三', u);
    await book(one.his, 'C1', 'W1', '2026-03-13T11:00:00+08:00');
    await book(one.his, 'C2', 'W2', '2026-03-13T11:10:00+08:00');
    await book(two.his, 'C3', 'W3', '2026-03-13T11:05:00+08:00');
    await sendDue('2026-03-11T03:00:05Z');
    await sendDue('2026-03-11T03:10:05Z');
    const ones = await reminders(one.c, u);
    expect(ones).toHaveLength(1);
    expect(ones[0].message.contents?.contents).toHaveLength(2);
    expect(JSON.stringify(ones[0].message)).not.toContain('王三');
    const twos = await reminders(two.c, u);
    expect(twos).toHaveLength(1);
    expect(twos[0].message.contents?.type).toBe('bubble');
    expect((await rowOf(two.c, 'C3')).family_group_id).toBeNull();
  });
});
