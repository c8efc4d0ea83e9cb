// The bad-input list against the real webhook route and worker (LINE emulator behind
// them): 5,000-character messages, emoji, unsupported event types, malformed events, a user who
// blocks mid-conversation, and the same event delivered twice — nothing lost, nothing sent twice.
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { queuePush } from './push.ts';

let b: LineTestbed;
beforeAll(async () => {
  b = await createLineTestbed();
});
afterAll(async () => b.close());

type Clinic = Awaited<ReturnType<LineTestbed['clinicWithChannel']>>;
let seq = 0;
const eventId = () => `01BAD${Date.now().toString(36)}${(seq++).toString(36).padStart(8, '0')}`.toUpperCase();

/** A LINE webhook delivery, signed with the channel secret, straight to the app's route. */
async function deliver(c: Clinic, events: unknown[], secret = c.channelSecret) {
  const raw = JSON.stringify({ destination: 'Ubot', events });
  const signature = createHmac('sha256', secret).update(raw).digest('base64');
  return b.t.app.inject({
    method: 'POST',
    url: `/line/webhook/${c.channelId}`,
    headers: { 'content-type': 'application/json', 'x-line-signature': signature },
    payload: raw,
  });
}

function textEvent(user: string, text: string, id = eventId(), redelivery = false) {
  return {
    type: 'message',
    mode: 'active',
    timestamp: b.t.clock.now().getTime(),
    webhookEventId: id,
    deliveryContext: { isRedelivery: redelivery },
    source: { type: 'user', userId: user },
    replyToken: randomBytes(16).toString('hex'),
    message: { id: String(Date.now()) + seq, type: 'text', quoteToken: 'q', text },
  };
}

async function friend(c: Clinic, name = '測試病患') {
  const { userId } = await b.emu_('POST', '/_emulator/users', { displayName: name });
  await b.emu_('POST', `/_emulator/users/${userId}/follow`, { channelId: c.channelId });
  await waitForJobs(c);
  return userId as string;
}

async function waitForJobs(c: Clinic) {
  for (let i = 0; i < 200; i++) {
    await b.drain();
    const left = await b.t.deps.db
      .selectFrom('jobs')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('status', 'in', ['pending', 'running'])
      .where('run_at', '<=', new Date(Date.now() + 1000).toISOString())
      .execute();
    const events = await b.t.deps.db
      .selectFrom('line_webhook_events')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('processed_at', 'is', null)
      .execute();
    if (left.length === 0 && events.length === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('jobs did not finish');
}

const incoming = (c: Clinic, user: string) =>
  b.t.deps.db
    .selectFrom('line_messages')
    .select(['kind', 'text'])
    .where('clinic_id', '=', c.clinicId)
    .where('line_user_id', '=', user)
    .where('direction', '=', 'in')
    .orderBy('id')
    .execute();
const botTo = async (c: Clinic, user: string) =>
  (await b.emu_('GET', `/_emulator/channels/${c.channelId}/messages?to=${user}`)).messages as {
    via: string;
    message: { text?: string };
  }[];
const deadJobs = (c: Clinic) =>
  b.t.deps.db
    .selectFrom('jobs')
    .select(['type', 'last_error'])
    .where('clinic_id', '=', c.clinicId)
    .where('status', '=', 'dead')
    .execute();

describe('bad input on the LINE webhook', { timeout: 120_000 }, () => {
  it('a 5,000-character message is stored whole, acknowledged once, and waits for a person', async () => {
    const c = await b.clinicWithChannel();
    const u = await friend(c);
    const greeted = (await botTo(c, u)).length;
    const long = '牙'.repeat(4990) + '請問可以嗎？😀'.slice(0, 10);
    expect([...long].length).toBeLessThanOrEqual(5000);
    const r = await deliver(c, [textEvent(u, long)]);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ received: 1, stored: 1 });
    await waitForJobs(c);
    const rows = await incoming(c, u);
    expect(rows).toHaveLength(1);
    expect(rows[0].text).toBe(long);
    const conv = await b.t.deps.db
      .selectFrom('line_conversations')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .where('line_user_id', '=', u)
      .executeTakeFirstOrThrow();
    expect(conv.unanswered_since).not.toBeNull();
    const acks = (await botTo(c, u)).slice(greeted);
    expect(acks.length).toBeLessThanOrEqual(1);
    expect(await deadJobs(c)).toEqual([]);
  });

  it('emoji, skin tones and joined emoji survive the round trip byte for byte', async () => {
    const c = await b.clinicWithChannel();
    const u = await friend(c);
    const texts = ['👍🏻', '👨‍👩‍👧 全家都要去 😷🦷', '𠮷野家旁邊嗎？', '\u200b'];
    for (const t of texts) expect((await deliver(c, [textEvent(u, t)])).statusCode).toBe(200);
    await waitForJobs(c);
    expect((await incoming(c, u)).map((r) => r.text)).toEqual(texts);
    expect(await deadJobs(c)).toEqual([]);
  });

  it('unsupported and malformed events are stored or skipped without failing the delivery', async () => {
    const c = await b.clinicWithChannel();
    const u = await friend(c);
    const base = { mode: 'active', timestamp: b.t.clock.now().getTime(), source: { type: 'user', userId: u } };
    const r = await deliver(c, [
      { ...base, type: 'beacon', webhookEventId: eventId(), beacon: { hwid: 'd41d8cd98f', type: 'enter' } },
      { ...base, type: 'accountLink', webhookEventId: eventId(), link: { result: 'ok', nonce: 'n' } },
      { ...base, type: 'somethingNew', webhookEventId: eventId() },
      { ...base, type: 'message', webhookEventId: eventId(), message: { id: '1', type: 'video', duration: 1 } },
      { ...base, type: 'message', webhookEventId: eventId(), message: { id: '2', type: 'hologram' } },
      { ...base, type: 'memberJoined', webhookEventId: eventId(), source: { type: 'group', groupId: 'Cabc' } },
      { ...base, type: 'message' }, // no webhookEventId: cannot be de-duplicated, skipped
      null,
      42,
      { type: 7 },
      textEvent(u, '還在嗎'),
    ]);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ received: 11, stored: 7 });
    await waitForJobs(c);
    const outcomes = await b.t.deps.db
      .selectFrom('line_webhook_events')
      .select(['type', 'outcome'])
      .where('clinic_id', '=', c.clinicId)
      .where('type', '<>', 'follow')
      .orderBy('id')
      .execute();
    expect(outcomes).toEqual([
      { type: 'beacon', outcome: 'ignored:beacon' },
      { type: 'accountLink', outcome: 'ignored:accountLink' },
      { type: 'somethingNew', outcome: 'ignored:somethingNew' },
      { type: 'message', outcome: expect.stringMatching(/^ok/) },
      { type: 'message', outcome: expect.stringMatching(/^ok/) },
      { type: 'memberJoined', outcome: 'ignored:not_a_user' },
      { type: 'message', outcome: expect.stringMatching(/^ok/) },
    ]);
    expect((await incoming(c, u)).map((m) => m.kind)).toEqual(['video', 'hologram', 'text']);
    expect(await deadJobs(c)).toEqual([]);
    // not JSON, a bad signature, an unknown channel: refused, nothing stored
    const bad = await b.t.app.inject({
      method: 'POST',
      url: `/line/webhook/${c.channelId}`,
      headers: {
        'content-type': 'application/json',
        'x-line-signature': createHmac('sha256', c.channelSecret).update('{').digest('base64'),
      },
      payload: '{',
    });
    expect(bad.statusCode).toBe(400);
    // JSON, signed, but not an object: a 400, never a 500
    for (const payload of ['null', '42', '"events"']) {
      const odd = await b.t.app.inject({
        method: 'POST',
        url: `/line/webhook/${c.channelId}`,
        headers: {
          'content-type': 'application/json',
          'x-line-signature': createHmac('sha256', c.channelSecret).update(payload).digest('base64'),
        },
        payload,
      });
      expect([payload, odd.statusCode, odd.json().error.code]).toEqual([payload, 400, 'INVALID_JSON']);
    }
    const forged = await deliver(c, [textEvent(u, 'x')], 'not-the-secret');
    expect([forged.statusCode, forged.json().error.code]).toEqual([401, 'INVALID_SIGNATURE']);
    const before = await b.t.deps.db
      .selectFrom('line_webhook_events')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .execute();
    expect(before).toHaveLength(8); // the follow + the seven above
  });

  it('a timestamp no date can hold is taken as the time of receipt, not a 500', async () => {
    const c = await b.clinicWithChannel();
    const u = await friend(c);
    const before = b.t.clock.now().toISOString();
    const r = await deliver(c, [{ ...textEvent(u, '時間怪怪的'), timestamp: 1e300 }]);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ received: 1, stored: 1 });
    const [e] = await b.t.deps.db
      .selectFrom('line_webhook_events')
      .select(['event_time', 'received_at'])
      .where('clinic_id', '=', c.clinicId)
      .where('type', '=', 'message')
      .execute();
    expect(e.event_time).toBe(e.received_at);
    expect(e.event_time >= before && e.event_time <= b.t.clock.now().toISOString()).toBe(true);
    await waitForJobs(c);
    expect((await incoming(c, u)).map((m) => m.text)).toEqual(['時間怪怪的']);
    expect(await deadJobs(c)).toEqual([]);
  });

  it('the same event delivered twice (redelivered, or twice in one burst) is stored and answered once', async () => {
    const c = await b.clinicWithChannel();
    const u = await friend(c);
    const ev = textEvent(u, '請問今天有看診嗎');
    const [first, second] = await Promise.all([
      deliver(c, [ev]),
      deliver(c, [{ ...ev, deliveryContext: { isRedelivery: true } }]),
    ]);
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(first.json().stored + second.json().stored).toBe(1);
    const later = await deliver(c, [{ ...ev, deliveryContext: { isRedelivery: true } }]);
    expect(later.json()).toEqual({ received: 1, stored: 0 });
    // the same id twice inside one delivery
    const twice = textEvent(u, '再問一次');
    expect((await deliver(c, [twice, twice])).json()).toEqual({ received: 2, stored: 1 });
    await waitForJobs(c);
    expect((await incoming(c, u)).map((m) => m.text)).toEqual(['請問今天有看診嗎', '再問一次']);
    const jobs = await b.t.deps.db
      .selectFrom('jobs')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('type', '=', 'line.event')
      .execute();
    expect(jobs).toHaveLength(3); // the follow and the two distinct messages
    const replies = (await botTo(c, u)).filter((m) => m.via === 'reply');
    expect(replies.length).toBeLessThanOrEqual(2); // the greeting and at most one acknowledgement
  });

  it('the webhook logs a message and updates the inbox; a redelivery adds nothing; an old event: its job', async () => {
    const c = await b.clinicWithChannel();
    const u = await friend(c);
    const conversation = () =>
      b.t.deps.db
        .selectFrom('line_conversations')
        .select(['last_in_text', 'unread_count', 'reply_token', 'state'])
        .where('clinic_id', '=', c.clinicId)
        .where('line_user_id', '=', u)
        .executeTakeFirst();
    // no job has run: the delivery's own transaction wrote the message and its conversation
    const sticker = {
      ...textEvent(u, ''),
      message: { id: '9001', type: 'sticker', packageId: '446', stickerId: '1988', markAsReadToken: 'm1' },
    };
    const ev = textEvent(u, '明天幾點開門？');
    expect((await deliver(c, [sticker, ev])).json()).toEqual({ received: 2, stored: 2 });
    expect((await incoming(c, u)).map((m) => [m.kind, m.text])).toEqual([
      ['sticker', ''],
      ['text', '明天幾點開門？'],
    ]);
    expect(await conversation()).toMatchObject({ last_in_text: '明天幾點開門？', unread_count: 2, state: 'bot' });
    expect((await conversation())?.reply_token).toBe(ev.replyToken);
    const rows = await b.t.deps.db
      .selectFrom('line_webhook_events')
      .select(['type', 'outcome', 'processed_at'])
      .where('clinic_id', '=', c.clinicId)
      .where('type', '=', 'message')
      .execute();
    expect(rows).toEqual([
      { type: 'message', outcome: 'received', processed_at: null },
      { type: 'message', outcome: 'received', processed_at: null },
    ]);
    // a redelivery while the job still waits, then the job: nothing twice
    expect((await deliver(c, [{ ...ev, deliveryContext: { isRedelivery: true } }])).json()).toEqual({
      received: 1,
      stored: 0,
    });
    await waitForJobs(c);
    expect(await incoming(c, u)).toHaveLength(2);
    expect((await conversation())?.unread_count).toBe(2);

    // an event stored before the webhook wrote the inbox rows (no outcome yet): its job writes them, once
    const old = textEvent(u, '舊版存下的訊息');
    await deliver(c, [old]);
    await b.t.deps.db
      .updateTable('line_webhook_events')
      .set({ outcome: null })
      .where('clinic_id', '=', c.clinicId)
      .where('webhook_event_id', '=', old.webhookEventId)
      .execute();
    await b.t.deps.db
      .deleteFrom('line_messages')
      .where('clinic_id', '=', c.clinicId)
      .where('text', '=', '舊版存下的訊息')
      .execute();
    await waitForJobs(c);
    expect((await incoming(c, u)).map((m) => m.text)).toEqual(['', '明天幾點開門？', '舊版存下的訊息']);
    expect(await deadJobs(c)).toEqual([]);
  });

  it('a user who blocks mid-conversation: message kept, block recorded, a later push fails once', async () => {
    const c = await b.clinicWithChannel();
    const u = await friend(c);
    const t = b.t.clock.now().getTime();
    // the message and the block arrive in one delivery, before the worker ran
    const r = await deliver(c, [
      { ...textEvent(u, '我要取消明天的預約'), timestamp: t },
      {
        type: 'unfollow',
        mode: 'active',
        timestamp: t + 1000,
        webhookEventId: eventId(),
        source: { type: 'user', userId: u },
      },
    ]);
    expect(r.json().stored).toBe(2);
    await b.emu_('POST', `/_emulator/users/${u}/unfollow`, { channelId: c.channelId }).catch(() => null);
    await waitForJobs(c);
    expect((await incoming(c, u)).map((m) => m.text)).toEqual(['我要取消明天的預約']);
    const f = await b.t.deps.db
      .selectFrom('line_friends')
      .select('state')
      .where('clinic_id', '=', c.clinicId)
      .where('line_user_id', '=', u)
      .executeTakeFirstOrThrow();
    expect(f.state).toBe('blocked');
    // staff answer afterwards: LINE refuses the push; the job ends after one attempt, nothing is sent twice
    await queuePush(b.t.deps.db, b.t.deps, c.clinicId, {
      to: u,
      messages: [{ type: 'text', text: '您好，已為您處理' }],
      source: 'staff',
    });
    await waitForJobs(c);
    // (a bot's answer to the message, pushed once its reply token failed, is refused the same way)
    const dead = await b.t.deps.db
      .selectFrom('jobs')
      .select(['attempts', 'last_error'])
      .where('clinic_id', '=', c.clinicId)
      .where('type', '=', 'line.push')
      .where('payload', 'like', '%"source":"staff"%')
      .execute();
    // the staff's push, and the acknowledgement's push when its reply token was refused: each tried once
    expect(dead.length).toBeGreaterThanOrEqual(1);
    for (const j of dead) expect(Number(j.attempts)).toBe(1);
    expect((await botTo(c, u)).filter((m) => m.message.text === '您好，已為您處理')).toHaveLength(0);
    const line = await b.t.deps.db
      .selectFrom('jobs')
      .select('status')
      .where('clinic_id', '=', c.clinicId)
      .where('type', '=', 'line.event')
      .execute();
    expect(line.every((j) => j.status === 'done')).toBe(true);
  });
});
