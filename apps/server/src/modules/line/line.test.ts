// The LINE channel against the real emulator: settings, signed webhooks, de-duplication,
// out-of-order events, friends, greeting, and canned replies.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestClinic } from '../../testing/helpers.ts';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';

let b: LineTestbed;
beforeAll(async () => {
  b = await createLineTestbed();
});
afterAll(async () => b.close());

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');
const post = (channelId: string, body: string, signature?: string) =>
  b.t.app.inject({
    method: 'POST',
    url: `/line/webhook/${channelId}`,
    payload: body,
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-line-signature': signature } : {}) },
  });
const ev = (id: string, type: string, userId: string, ts: number, extra: Record<string, unknown> = {}) => ({
  type,
  webhookEventId: id,
  timestamp: ts,
  mode: 'active',
  source: { type: 'user', userId },
  deliveryContext: { isRedelivery: false },
  ...extra,
});
const countEvents = async (clinicId: string) =>
  Number(
    (
      await b.t.deps.db
        .selectFrom('line_webhook_events')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('clinic_id', '=', clinicId)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('LINE channel settings', () => {
  it('stores secrets encrypted, never shows them again, and tests the connection through LINE', async () => {
    const c = await b.clinicWithChannel();
    const got = (await as(b.t.app, c.admin).get('/api/line/channel')).json().channel;
    expect(got.channelId).toBe(c.channelId);
    expect(got.webhookUrl).toBe(`http://careline.test/line/webhook/${c.channelId}`);
    expect(JSON.stringify(got)).not.toContain(c.accessToken);
    expect(JSON.stringify(got)).not.toContain(c.channelSecret);
    const row = await b.t.deps.db
      .selectFrom('line_channels')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .executeTakeFirstOrThrow();
    expect(row.channel_secret_enc).not.toContain(c.channelSecret);
    const test = await as(b.t.app, c.admin).post('/api/line/channel/test');
    expect(test.json()).toMatchObject({ ok: true, bot: { name: '測試診所' } });
    // The webhook half: LINE calls another URL (this testbed's), which is reported with ours to
    // paste in LINE Developers, and never replaced behind the admin's back.
    const hook = test.json().webhook;
    expect(hook.ok, hook.message).toBe(false);
    expect(hook.message).toContain(`請在 LINE Developers 改成 ${got.webhookUrl}`);
    const endpoint = await fetch(`${b.emu.url}/v2/bot/channel/webhook/endpoint`, {
      headers: { authorization: `Bearer ${c.accessToken}` },
    });
    expect((await endpoint.json()).endpoint).not.toBe(got.webhookUrl);
    const stored = (await as(b.t.app, c.admin).get('/api/line/channel')).json().channel.lastTest;
    expect(stored).toMatchObject({ ok: true, webhook: { ok: false } });
    // a wrong token is reported in zh-TW, not as a 500
    await as(b.t.app, c.admin).put('/api/line/channel', {
      channelId: c.channelId,
      accessToken: 'not-a-valid-token-at-all',
    });
    const bad = await as(b.t.app, c.admin).post('/api/line/channel/test');
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toMatchObject({ ok: false, lineStatus: 401 });
    expect(bad.json().message).toContain('Channel access token');
  });

  it('secret and token needed the first time; a channel id has one clinic; front desk cannot change it', async () => {
    const c = await b.clinicWithChannel();
    const other = await createTestClinic(b.t);
    const first = await as(b.t.app, other.admin).put('/api/line/channel', { channelId: '999000111' });
    expect(first.statusCode).toBe(422);
    expect(
      first
        .json()
        .error.details.map((d: { field: string }) => d.field)
        .sort(),
    ).toEqual(['accessToken', 'channelSecret']);
    const taken = await as(b.t.app, other.admin).put('/api/line/channel', {
      channelId: c.channelId,
      channelSecret: 'x'.repeat(32),
      accessToken: 'y'.repeat(40),
    });
    expect(taken.statusCode).toBe(409);
    const desk = await c.staff('front_desk');
    expect((await as(b.t.app, desk).put('/api/line/channel', { channelId: c.channelId })).statusCode).toBe(403);
  });
});

describe('webhook', () => {
  it('refuses forged, missing and tampered signatures with 401 and stores nothing', async () => {
    const c = await b.clinicWithChannel();
    const body = JSON.stringify({
      destination: 'x',
      events: [ev('01FORGED0000000000000000001', 'follow', 'U' + '1'.repeat(32), Date.now())],
    });
    expect((await post(c.channelId, body)).statusCode).toBe(401);
    expect((await post(c.channelId, body, sign('wrong-secret', body))).statusCode).toBe(401);
    expect((await post(c.channelId, body.replace('follow', 'unfollow'), sign(c.channelSecret, body))).statusCode).toBe(
      401,
    );
    expect((await post(c.channelId, body, sign(c.channelSecret, body) + 'x')).statusCode).toBe(401);
    expect(await countEvents(c.clinicId)).toBe(0);
    expect((await post('424242424242', body, sign(c.channelSecret, body))).statusCode).toBe(404);
  });

  it('stores a redelivered or replayed event once', async () => {
    const c = await b.clinicWithChannel();
    const e = ev('01REPLAY000000000000000001', 'message', 'U' + '2'.repeat(32), Date.now(), {
      replyToken: 'r1',
      message: { type: 'text', id: '1', text: '你好' },
    });
    const body = JSON.stringify({ destination: 'x', events: [e] });
    const r1 = await post(c.channelId, body, sign(c.channelSecret, body));
    expect(r1.json()).toEqual({ received: 1, stored: 1 });
    const again = JSON.stringify({ destination: 'x', events: [{ ...e, deliveryContext: { isRedelivery: true } }] });
    const r2 = await post(c.channelId, again, sign(c.channelSecret, again));
    expect(r2.json()).toEqual({ received: 1, stored: 0 });
    expect(await countEvents(c.clinicId)).toBe(1);
    const jobs = await b.t.deps.db
      .selectFrom('jobs')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('type', '=', 'line.event')
      .execute();
    expect(jobs).toHaveLength(1);
  });

  it('handles unfollow before follow (out of order), unknown event types and an empty verification call', async () => {
    const c = await b.clinicWithChannel();
    const u = 'U' + '3'.repeat(32);
    const t0 = Date.now() - 10_000;
    const body = JSON.stringify({
      destination: 'x',
      events: [
        ev('01OOO000000000000000000002', 'unfollow', u, t0 + 2000),
        ev('01OOO000000000000000000001', 'follow', u, t0, { replyToken: 'stale' }),
        ev('01OOO000000000000000000003', 'beacon', u, t0 + 3000),
      ],
    });
    expect((await post(c.channelId, body, sign(c.channelSecret, body))).statusCode).toBe(200);
    await b.drain();
    const f = await b.t.deps.db
      .selectFrom('line_friends')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .where('line_user_id', '=', u)
      .executeTakeFirstOrThrow();
    expect(f.state).toBe('blocked'); // the later unfollow wins even though follow was processed after it
    const outcomes = await b.t.deps.db
      .selectFrom('line_webhook_events')
      .select(['type', 'outcome'])
      .where('clinic_id', '=', c.clinicId)
      .orderBy('webhook_event_id')
      .execute();
    expect(outcomes).toEqual([
      { type: 'follow', outcome: 'ignored:stale' },
      { type: 'unfollow', outcome: 'ok' },
      { type: 'beacon', outcome: 'ignored:beacon' },
    ]);
    const verify = JSON.stringify({ destination: 'x', events: [] });
    expect((await post(c.channelId, verify, sign(c.channelSecret, verify))).json()).toEqual({ received: 0, stored: 0 });
    const junk = '{"events": [null, 3, {"type": 1}]}';
    expect((await post(c.channelId, junk, sign(c.channelSecret, junk))).statusCode).toBe(200);
    const notJson = 'not json';
    expect((await post(c.channelId, notJson, sign(c.channelSecret, notJson))).statusCode).toBe(400);
  });
});

describe('through the emulator', () => {
  it('a new friend is recorded with the profile and greeted with a bind button; blocking is recorded', async () => {
    const c = await b.clinicWithChannel();
    const user = await b.emu_('POST', '/_emulator/users', { displayName: '王小明' });
    await b.emu_('POST', `/_emulator/users/${user.userId}/follow`, { channelId: c.channelId });
    await b.drain();
    const friends = (await as(b.t.app, c.admin).get('/api/line/friends')).json().items;
    expect(friends).toEqual([
      expect.objectContaining({ lineUserId: user.userId, displayName: '王小明', state: 'friend' }),
    ]);
    const sent = (await b.emu_('GET', `/_emulator/channels/${c.channelId}/messages?to=${user.userId}`)).messages;
    expect(sent.map((m: { via: string }) => m.via)).toEqual(['reply', 'reply']);
    expect(sent[0].message.text).toContain('感謝您加入');
    expect(sent[1].message.template.actions[0].uri).toBe(`http://careline.test/liff/${c.channelId}/bind`);
    await b.emu_('POST', `/_emulator/users/${user.userId}/unfollow`, { channelId: c.channelId });
    await b.drain();
    expect((await as(b.t.app, c.admin).get('/api/line/friends?state=blocked')).json().items[0].lineUserId).toBe(
      user.userId,
    );
    // another clinic sees none of it
    const other = await createTestClinic(b.t);
    expect((await as(b.t.app, other.admin).get('/api/line/friends')).json().items).toEqual([]);
  });

  it('a keyword message gets its canned reply through the free reply API', async () => {
    const c = await b.clinicWithChannel();
    const created = await as(b.t.app, c.admin).post('/api/auto-replies', {
      name: '門診時間',
      matchType: 'keyword',
      triggers: ['門診時間', '幾點'],
      reply: { type: 'text', text: '週一至週六 9:00–12:00、14:00–17:30' },
    });
    expect(created.statusCode).toBe(201);
    const user = await b.emu_('POST', '/_emulator/users', { displayName: '陳美玲' });
    await b.emu_('POST', `/_emulator/users/${user.userId}/follow`, { channelId: c.channelId });
    await b.emu_('POST', `/_emulator/users/${user.userId}/messages`, {
      channelId: c.channelId,
      text: '請問門診時間？',
    });
    await b.emu_('POST', `/_emulator/users/${user.userId}/messages`, { channelId: c.channelId, text: '我想問植牙' });
    await b.drain();
    const sent = (await b.emu_('GET', `/_emulator/channels/${c.channelId}/messages?to=${user.userId}`)).messages;
    // the canned reply answers the first; the second waits for the front desk and is acknowledged
    expect(sent.at(-2).message.text).toBe('週一至週六 9:00–12:00、14:00–17:30');
    expect(sent.at(-1).message.text).toMatch(/^已收到您的訊息/);
    expect(sent.filter((m: { message: { text?: string } }) => m.message.text?.startsWith('週一'))).toHaveLength(1);
    const events = await b.t.deps.db
      .selectFrom('line_webhook_events')
      .select('outcome')
      .where('clinic_id', '=', c.clinicId)
      .where('type', '=', 'message')
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.outcome)).toEqual(['ok:answered', 'ok:unanswered']);
    const list = (await as(b.t.app, c.admin).get('/api/auto-replies')).json().items;
    expect(list[0].hits).toBe(1);
  });
});

describe('canned replies', () => {
  it('validates LINE limits, previews matches, imports CSV reporting bad rows', async () => {
    const c = await createTestClinic(b.t);
    const tooLong = await as(b.t.app, c.admin).post('/api/auto-replies', {
      name: 'x',
      matchType: 'keyword',
      triggers: ['x'],
      reply: { type: 'text', text: 'a'.repeat(5001) },
    });
    expect(tooLong.statusCode).toBe(422);
    const noTrig = await as(b.t.app, c.admin).post('/api/auto-replies', {
      name: 'x',
      matchType: 'keyword',
      triggers: ['  '],
      reply: { type: 'text', text: 'hi' },
    });
    expect(noTrig.json().error.details[0].field).toBe('triggers');
    const badFlex = await as(b.t.app, c.admin).post('/api/auto-replies', {
      name: 'x',
      matchType: 'keyword',
      triggers: ['x'],
      reply: { type: 'flex', altText: 'x', contents: { type: 'box' } },
    });
    expect(badFlex.json().error.details[0].field).toBe('reply.contents.type');
    const csv =
      '名稱,比對方式,關鍵字,優先順序,回覆內容\n' +
      '停車,keyword,停車|車位,5,"附近有公有停車場，步行 2 分鐘"\n' +
      ',keyword,交通,0,搭捷運\n' +
      '交通,maybe,捷運,0,忠孝復興站\n' +
      '自費,exact,自費項目,abc,請洽櫃台\n';
    const imp = await as(b.t.app, c.admin).post('/api/auto-replies/import', { csv });
    expect(imp.statusCode).toBe(200);
    expect(imp.json()).toMatchObject({ imported: 1, failed: 3 });
    expect(
      imp
        .json()
        .rows.filter((r: { ok: boolean }) => !r.ok)
        .map((r: { row: number }) => r.row),
    ).toEqual([3, 4, 5]);
    const broken = await as(b.t.app, c.admin).post('/api/auto-replies/import', { csv: '名稱,回覆內容\n"停車,附近\n' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error).toMatchObject({ code: 'BAD_REQUEST', details: [{ field: 'csv', code: 'format' }] });
    const pv = await as(b.t.app, c.admin).post('/api/auto-replies/preview', { text: '請問哪裡有車位' });
    expect(pv.json().match.reply.name).toBe('停車');
    const other = await createTestClinic(b.t);
    const id = pv.json().match.reply.id;
    expect((await as(b.t.app, other.admin).delete(`/api/auto-replies/${id}`)).statusCode).toBe(404);
    expect(
      (await as(b.t.app, other.admin).post('/api/auto-replies/preview', { text: '車位' })).json().match,
    ).toBeNull();
  });
});
