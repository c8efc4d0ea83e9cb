// Free-text answers to reminders against the real LINE emulator: after a reminder, 「可以改下午嗎？」
// asks for a one-tap confirmation whose tap files the reschedule request with the patient's
// words; a second tap, 「不用」, an expired proposal and a changed appointment get polite answers;
// running late and questions go to a person with an acknowledgement; text without a recent
// reminder is left to the other hooks; a retried event job sends nothing twice.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { as, login } from '../../testing/helpers.ts';
import { jobDefinitions } from '../../jobs.ts';
import { startReminderDispatcher, type Dispatcher } from '../reminders/delivery.ts';

let b: LineTestbed;
let d: Dispatcher;
const T0 = '2026-03-09T01:00:00Z'; // Monday 09:00 in Taipei
beforeAll(async () => {
  b = await createLineTestbed();
  b.t.clock.set(T0);
  d = startReminderDispatcher(b.t.deps, { workerId: 'rt-dispatcher', autoStart: false, lockMs: 5_000 });
});
beforeEach(() => b.t.clock.set(T0));
afterAll(async () => {
  await d.stop();
  await b.close();
});

type Clinic = Awaited<ReturnType<LineTestbed['clinicWithChannel']>>;
type BotMsg = {
  to: string;
  via: string;
  message: {
    type: string;
    text?: string;
    altText?: string;
    template?: { type: string; text: string; actions: { label: string; data: string }[] };
    quickReply?: { items: { action: { type: string; data: string } }[] };
  };
};

async function waitFor(fn: () => Promise<boolean>, ms = 8000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
}

const botMessages = async (c: Clinic, to: string): Promise<BotMsg[]> =>
  (await b.emu_('GET', `/_emulator/channels/${c.channelId}/messages?to=${to}`)).messages;

/** The user does something on the phone; returns what the bot sent back (new messages). */
async function act(c: Clinic, user: string, body: Record<string, unknown>, kind: 'messages' | 'postback') {
  const before = (await botMessages(c, user)).length;
  await b.emu_('POST', `/_emulator/users/${user}/${kind}`, { channelId: c.channelId, ...body });
  await waitFor(async () => {
    await b.drain();
    return (await botMessages(c, user)).length > before;
  });
  return (await botMessages(c, user)).slice(before).map((m) => m.message);
}
const say = (c: Clinic, user: string, text: string) => act(c, user, { text }, 'messages');
const tap = (c: Clinic, user: string, data: string) => act(c, user, { data }, 'postback');

async function setup(opts: { remind?: boolean } = {}) {
  const c = await b.clinicWithChannel();
  await b.t.deps.db.updateTable('clinics').set({ phone: '02-2311-3731' }).where('id', '=', c.clinicId).execute();
  const his = c.his(await c.apiKey());
  await his.put('/his/v1/doctors/D1', { name: '林志明' });
  expect(
    (await as(b.t.app, await login(b.t.app, c.admin.email)).post('/api/his/initial-sync/end', {})).statusCode,
  ).toBe(200);
  await his.put('/his/v1/patients/P1', { name: '陳美玲', phone: '0912-345-678' });
  const { userId } = await b.emu_('POST', '/_emulator/users', { displayName: '陳美玲' });
  await b.emu_('POST', `/_emulator/users/${userId}/follow`, { channelId: c.channelId });
  await waitFor(async () => {
    await b.drain();
    return (await botMessages(c, userId)).length > 0; // the greeting
  });
  const p = await b.t.deps.db
    .selectFrom('patients')
    .select('id')
    .where('clinic_id', '=', c.clinicId)
    .where('his_id', '=', 'P1')
    .executeTakeFirstOrThrow();
  await b.t.deps.db
    .insertInto('line_bindings')
    .values({
      clinic_id: c.clinicId,
      line_user_id: userId,
      patient_id: p.id,
      phone_hash: 'x',
      phone_masked: '0912***678',
      created_at: b.t.clock.now().toISOString(),
    })
    .execute();
  await his.put('/his/v1/appointments/A1', {
    patientId: 'P1',
    doctorId: 'D1',
    startsAt: '2026-03-12T10:00:00+08:00',
    status: 'booked',
    version: 1,
  });
  await b.drain();
  if (opts.remind !== false) {
    b.t.clock.set('2026-03-09T01:00:30Z'); // the booking-day message goes out
    for (let i = 0; i < 20 && (await d.runOnce()) > 0; i++);
    await b.drain();
    expect((await botMessages(c, userId)).some((m) => m.message.type === 'flex')).toBe(true);
  }
  const appt = await b.t.deps.db
    .selectFrom('appointments')
    .select('id')
    .where('clinic_id', '=', c.clinicId)
    .where('his_id', '=', 'A1')
    .executeTakeFirstOrThrow();
  return { c, his, user: userId as string, appointmentId: appt.id };
}

const replyOf = (clinicId: string, appointmentId: string) =>
  b.t.deps.db
    .selectFrom('appointments')
    .select('reply_status')
    .where('clinic_id', '=', clinicId)
    .where('id', '=', appointmentId)
    .executeTakeFirstOrThrow()
    .then((r) => r.reply_status);
const tasksOf = (clinicId: string) =>
  b.t.deps.db
    .selectFrom('front_desk_tasks')
    .select(['kind', 'status', 'payload', 'appointment_id'])
    .where('clinic_id', '=', clinicId)
    .execute();

describe('free-text answers to reminders', { timeout: 120_000 }, () => {
  it('「可以改下午嗎？」 → one-tap confirmation → a reschedule request with the patient’s words', async () => {
    const { c, user, appointmentId } = await setup();
    const [q] = await say(c, user, '可以改下午嗎？');
    expect(q.type).toBe('template');
    expect(q.template!.type).toBe('confirm');
    expect(q.template!.text).toContain('要幫您申請改期嗎');
    expect(q.template!.text).toContain('3月12日（四）10:00');
    expect(q.template!.text).toContain('「可以改下午嗎？」');
    const [yes, no] = q.template!.actions;
    expect([yes.label, no.label]).toEqual(['是，申請改期', '不用']);
    expect(yes.data.length).toBeLessThanOrEqual(300);
    expect(await replyOf(c.clinicId, appointmentId)).not.toBe('reschedule_requested'); // nothing yet

    const [done] = await tap(c, user, yes.data);
    expect(done.text).toContain('已收到您的改期請求');
    expect(done.quickReply!.items[0].action.type).toBe('datetimepicker'); // as the reminder button does
    expect(await replyOf(c.clinicId, appointmentId)).toBe('reschedule_requested');
    const tasks = await tasksOf(c.clinicId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ kind: 'reschedule_request', status: 'open', appointment_id: appointmentId });
    expect(JSON.parse(tasks[0].payload).note).toBe('可以改下午嗎？');
    // the back office shows the request with the patient's words
    const detail = await as(b.t.app, await login(b.t.app, c.admin.email)).get(`/api/appointments/${appointmentId}`);
    expect(detail.json().tasks[0].payload.note).toBe('可以改下午嗎？');

    // a second tap changes nothing and says so
    const [again] = await tap(c, user, yes.data);
    expect(again.text).toContain('已經送出了');
    expect(await tasksOf(c.clinicId)).toHaveLength(1);
    // nobody ever reads 「無效的回覆」
    expect((await botMessages(c, user)).some((m) => (m.message.text ?? '').includes('無效'))).toBe(false);
  });

  it('「要取消」 → 不用 keeps the visit; 「好」 → confirm; 「不用取消」 goes to a person', async () => {
    const { c, user, appointmentId } = await setup();
    const [q] = await say(c, user, '要取消');
    expect(q.template!.text).toContain('要幫您申請取消');
    const [no] = await tap(c, user, q.template!.actions[1].data);
    expect(no.text).toContain('預約維持不變');
    expect(await replyOf(c.clinicId, appointmentId)).toBe('awaiting_reply');
    expect(await tasksOf(c.clinicId)).toHaveLength(0);
    // tapping 是 after 不用: already settled
    expect((await tap(c, user, q.template!.actions[0].data))[0].text).toContain('您已選擇「不用」');

    const [ok] = await say(c, user, '好');
    expect(ok.template!.text).toContain('會準時到嗎');
    const [confirmed] = await tap(c, user, ok.template!.actions[0].data);
    expect(confirmed.text).toContain('已收到您的確認');
    expect(await replyOf(c.clinicId, appointmentId)).toBe('confirmed');
    // 「好」 again: already confirmed, a thank-you without buttons
    const [thanks] = await say(c, user, 'OK👍');
    expect(thanks.text).toContain('您已經確認');

    const [ack] = await say(c, user, '不用取消');
    expect(ack.type).toBe('text');
    expect(ack.text).toContain('已轉給櫃台人員');
    const conv = await b.t.deps.db
      .selectFrom('line_conversations')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .where('line_user_id', '=', user)
      .executeTakeFirstOrThrow();
    expect(conv.unanswered_since).not.toBeNull(); // waits for a person
  });

  it('running late and questions go to a person with a polite acknowledgement', async () => {
    const { c, user } = await setup();
    const [late] = await say(c, user, '我會晚 10 分鐘');
    expect(late.text).toBe('收到，已通知櫃台您會晚到約 10 分鐘。路上小心！');
    const [q] = await say(c, user, '需要帶健保卡嗎？');
    expect(q.text).toContain('已轉給櫃台人員');
    const rows = await b.t.deps.db
      .selectFrom('reminder_text_replies')
      .select(['intent', 'status'])
      .where('clinic_id', '=', c.clinicId)
      .orderBy('created_at')
      .execute();
    expect(rows).toEqual([
      { intent: 'running_late', status: 'handed' },
      { intent: 'question', status: 'handed' },
    ]);
  });

  it('an appointment changed after the question: the tap explains and changes nothing', async () => {
    const { c, his, user, appointmentId } = await setup();
    const [q] = await say(c, user, '那天不行');
    await his.put('/his/v1/appointments/A1', {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt: '2026-03-12T10:00:00+08:00',
      status: 'cancelled',
      version: 2,
    });
    await b.drain();
    const [r] = await tap(c, user, q.template!.actions[0].data);
    expect(r.text).toContain('已經取消了');
    expect(await tasksOf(c.clinicId)).toHaveLength(0);
    expect(await replyOf(c.clinicId, appointmentId)).not.toBe('cancel_requested');
  });

  it('a proposal older than a day expires; a forged id is refused politely', async () => {
    const { c, user } = await setup();
    const [q] = await say(c, user, '改到下週');
    b.t.clock.set('2026-03-10T02:00:00Z');
    const [late] = await tap(c, user, q.template!.actions[0].data);
    expect(late.text).toContain('預約沒有變更');
    const [forged] = await tap(c, user, 'rtx1:nope:y');
    expect(forged.text).toContain('找不到這個申請');
    expect(await tasksOf(c.clinicId)).toHaveLength(0);
  });

  it('text without a recent reminder is left to the other hooks (the inbox)', async () => {
    const { c, user } = await setup({ remind: false });
    const [ack] = await say(c, user, '好');
    expect(ack.type).toBe('text');
    expect(ack.template).toBeUndefined();
    const n = await b.t.deps.db
      .selectFrom('reminder_text_replies')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .execute();
    expect(n).toHaveLength(0);
  });

  it('a retried line.event job (same LINE event) sends nothing twice', async () => {
    const { c, user } = await setup();
    await say(c, user, '可以改下午嗎？');
    const ev = await b.t.deps.db
      .selectFrom('line_webhook_events')
      .select(['id'])
      .where('clinic_id', '=', c.clinicId)
      .where('type', '=', 'message')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const before = (await botMessages(c, user)).length;
    // the job ran up to the end but crashed before marking the event processed
    await b.t.deps.db
      .updateTable('line_webhook_events')
      .set({ processed_at: null, outcome: null })
      .where('id', '=', ev.id)
      .execute();
    const def = jobDefinitions().find((j) => j.type === 'line.event')!;
    await def.handler(
      { id: 0, type: 'line.event', clinicId: c.clinicId, payload: { eventRowId: ev.id }, attempts: 1 } as never,
      b.t.deps,
    );
    await b.drain();
    expect((await botMessages(c, user)).length).toBe(before);
    const rows = await b.t.deps.db
      .selectFrom('reminder_text_replies')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('with two reminded family appointments the sooner one is meant, and the question names it', async () => {
    const { c, his, user } = await setup();
    // a family member bound to the same LINE user, visiting earlier (3/11), reminded too
    await his.put('/his/v1/patients/P2', { name: '陳小明', phone: '0912-345-678' });
    const p2 = await b.t.deps.db
      .selectFrom('patients')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', 'P2')
      .executeTakeFirstOrThrow();
    await b.t.deps.db
      .insertInto('line_bindings')
      .values({
        clinic_id: c.clinicId,
        line_user_id: user,
        patient_id: p2.id,
        phone_hash: 'y',
        phone_masked: '0912***678',
        created_at: b.t.clock.now().toISOString(),
      })
      .execute();
    await his.put('/his/v1/appointments/A2', {
      patientId: 'P2',
      doctorId: 'D1',
      startsAt: '2026-03-11T15:00:00+08:00',
      status: 'booked',
      version: 1,
    });
    await b.drain();
    b.t.clock.set('2026-03-09T01:01:30Z');
    for (let i = 0; i < 20 && (await d.runOnce()) > 0; i++);
    await b.drain();
    const [q] = await say(c, user, '要取消');
    expect(q.template!.text).toContain('3月11日（三）15:00');
    const [done] = await tap(c, user, q.template!.actions[0].data);
    expect(done.text).toContain('已收到您的取消請求');
    const tasks = await tasksOf(c.clinicId);
    const a2 = await b.t.deps.db
      .selectFrom('appointments')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', 'A2')
      .executeTakeFirstOrThrow();
    expect(tasks.map((t) => [t.kind, t.appointment_id])).toEqual([['cancel_request', a2.id]]);
  });

  it('another clinic’s user cannot tap this clinic’s proposal', async () => {
    const a = await setup();
    const [q] = await say(a.c, a.user, '可以改下午嗎？');
    const other = await setup();
    const [r] = await tap(other.c, other.user, q.template!.actions[0].data);
    expect(r.text).toContain('找不到這個申請');
    expect(await tasksOf(a.c.clinicId)).toHaveLength(0);
  });
});
