// Multicast, narrowcast and broadcast as LINE limits them: their own rate limits (multicast
// 200 requests/s, narrowcast and broadcast 60 requests/h each, apart from push's 2,000/s), the
// month's quota counted per recipient, at most 500 user ids, retry keys (409 with the first
// request's id, nothing sent again), and the control API's per-recipient copy count.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { userIdFor } from './ids.ts';
import { startEmulator, type RunningEmulator } from './index.ts';
import type { RecipientsSummary } from './recipients.ts';
import { json as call } from './testing.ts';

const json = async (url: string, method = 'GET', body?: unknown): Promise<unknown> =>
  (await call(url, method, body)).json();

const CH = '3100000001';
const TOKEN = 'broadcast-limits-token';
/** another clinic's channel */
const CH2 = '3100000002';
const TOKEN2 = 'other-clinic-token';
const RATE_LIMITED = { message: 'The API rate limit has been exceeded. Try again later.' };
let emu: RunningEmulator;
let clock = Date.parse('2026-12-06T05:00:00Z');
let users: string[] = [];

async function api(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(emu.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const multicast = (to: string[], text = 'm', retryKey?: string) =>
  api(
    '/v2/bot/message/multicast',
    { to, messages: [{ type: 'text', text }] },
    retryKey ? { 'x-line-retry-key': retryKey } : {},
  );

async function recipients(query: string): Promise<RecipientsSummary> {
  return (await json(`${emu.url}/_emulator/channels/${CH}/recipients?${query}`)) as RecipientsSummary;
}

async function consumption(): Promise<number> {
  const res = await fetch(`${emu.url}/v2/bot/message/quota/consumption`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return ((await res.json()) as { totalUsage: number }).totalUsage;
}

beforeAll(async () => {
  emu = await startEmulator({
    now: () => clock,
    channels: [
      { channelId: CH, channelSecret: 'broadcast-limits-secret', channelAccessToken: TOKEN },
      { channelId: CH2, channelSecret: 'other-clinic-secret', channelAccessToken: TOKEN2 },
    ],
  });
  const channel = emu.store.channels.get(CH)!;
  const other = emu.store.channels.get(CH2)!;
  users = Array.from({ length: 600 }, (_, i) => {
    const u = emu.store.createUser({ displayName: `病患${i}`, userId: userIdFor(`bl-${i}`) });
    channel.friends.set(u.userId, 'friend');
    if (i < 5) other.friends.set(u.userId, 'friend');
    return u.userId;
  });
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  // every test starts in a fresh hour with full buckets and an unlimited plan
  clock += 2 * 3600_000;
  emu.store.channels.get(CH)!.plan = { freeMessages: 200, paidCap: null };
});

describe('rate limits of multicast, narrowcast and broadcast', () => {
  it('multicast: 200 requests a second, then 429 in LINE words, nothing sent; push has its own budget', async () => {
    const mark = (await recipients('')).lastSeq;
    const answers = [];
    for (let i = 0; i < 201; i++) answers.push(await multicast([users[i]], `rate-${i}`));
    expect(answers.slice(0, 200).every((a) => a.status === 200)).toBe(true);
    expect(answers[200].status).toBe(429);
    expect(answers[200].body).toEqual(RATE_LIMITED);
    const got = await recipients(`after=${mark}&via=multicast`);
    expect(got.copies).toBe(200);
    expect((await recipients(`after=${mark}&text=rate-200`)).copies).toBe(0);

    // push is another endpoint with its own 2,000/s
    const push = await api('/v2/bot/message/push', { to: users[0], messages: [{ type: 'text', text: 'p' }] });
    expect(push.status).toBe(200);

    // the bucket refills evenly: 10 ms later 2 more multicasts fit, not 3
    clock += 10;
    expect((await multicast([users[0]])).status).toBe(200);
    expect((await multicast([users[0]])).status).toBe(200);
    expect((await multicast([users[0]])).status).toBe(429);
    clock += 1000;
    expect((await multicast([users[0]])).status).toBe(200);
  });

  it('narrowcast and broadcast: 60 requests an hour each, counted apart', async () => {
    const msg = { messages: [{ type: 'text', text: 'n' }], recipient: { userIds: [users[0]] } };
    for (let i = 0; i < 60; i++) expect((await api('/v2/bot/message/narrowcast', msg)).status).toBe(202);
    const over = await api('/v2/bot/message/narrowcast', msg);
    expect(over.status).toBe(429);
    expect(over.body).toEqual(RATE_LIMITED);
    // broadcast has its own 60
    expect((await api('/v2/bot/message/broadcast', { messages: [{ type: 'text', text: 'b' }] })).status).toBe(200);
    // a minute later one more narrowcast fits (60 an hour, refilled evenly)
    clock += 60_000;
    expect((await api('/v2/bot/message/narrowcast', msg)).status).toBe(202);
    expect((await api('/v2/bot/message/narrowcast', msg)).status).toBe(429);
  });

  it('limits set through the control API apply; false turns them off', async () => {
    await json(`${emu.url}/_emulator/channels/${CH}`, 'PATCH', { rateLimits: { multicastPerSecond: 2 } });
    expect((await multicast([users[0]])).status).toBe(200);
    expect((await multicast([users[0]])).status).toBe(200);
    expect((await multicast([users[0]])).status).toBe(429);
    await json(`${emu.url}/_emulator/channels/${CH}`, 'PATCH', { rateLimits: false });
    for (let i = 0; i < 5; i++) expect((await multicast([users[0]])).status).toBe(200);
    const ch = (await json(`${emu.url}/_emulator/channels/${CH}`, 'PATCH', { rateLimits: {} })) as {
      rateLimits: Record<string, number>;
    };
    expect(ch.rateLimits).toEqual({
      perSecond: 2000,
      multicastPerSecond: 200,
      narrowcastPerHour: 60,
      broadcastPerHour: 60,
      richMenuCreatePerHour: 100,
    });
  });
});

describe('another channel (another clinic)', () => {
  it('has its own rate limits, quota, retry keys and log', async () => {
    const mark = (await recipients('')).lastSeq;
    for (let i = 0; i < 200; i++) expect((await multicast([users[0]], 'mine')).status).toBe(200);
    expect((await multicast([users[0]], 'mine')).status).toBe(429);
    const key = randomUUID();
    expect((await multicast([users[0]], 'mine', key)).status).toBe(429);
    const theirs = await api(
      '/v2/bot/message/multicast',
      { to: users.slice(0, 5), messages: [{ type: 'text', text: 'theirs' }] },
      { authorization: `Bearer ${TOKEN2}`, 'x-line-retry-key': key },
    );
    expect(theirs.status).toBe(200);
    expect((await recipients(`after=${mark}&text=theirs`)).copies).toBe(0);
    const res = await fetch(`${emu.url}/_emulator/channels/${CH2}/recipients?text=theirs`);
    expect(((await res.json()) as RecipientsSummary).copies).toBe(5);
    const quota = await fetch(`${emu.url}/v2/bot/message/quota/consumption`, {
      headers: { authorization: `Bearer ${TOKEN2}` },
    });
    expect(await quota.json()).toEqual({ totalUsage: 5 });
  });
});

describe('multicast: quota per recipient, 500 ids, retry keys', () => {
  it('a multicast to 500 friends uses 500 of the month; two message objects still count once per user', async () => {
    const before = await consumption();
    const res = await api('/v2/bot/message/multicast', {
      to: users.slice(0, 500),
      messages: [
        { type: 'text', text: 'q1' },
        { type: 'text', text: 'q2' },
      ],
    });
    expect(res.status).toBe(200);
    expect(await consumption()).toBe(before + 500);
    const got = await recipients(`text=q1`);
    expect(got).toMatchObject({ users: 500, copies: 500, requests: 1, copiesPerUser: { '1': 500 } });
  });

  it('over the month: 429 "You have reached your monthly limit." and nobody gets it', async () => {
    const used = await consumption();
    emu.store.channels.get(CH)!.plan = { freeMessages: used + 300, paidCap: 0 };
    const res = await multicast(users.slice(0, 301), 'over-quota');
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ message: 'You have reached your monthly limit.' });
    expect((await recipients('text=over-quota')).copies).toBe(0);
    expect(await consumption()).toBe(used);
    expect((await multicast(users.slice(0, 300), 'within-quota')).status).toBe(200);
    expect(await consumption()).toBe(used + 300);
  });

  it('more than 500 user ids, none, or one that is not a user id: 400 and nothing sent', async () => {
    const many = await multicast(users.slice(0, 501), 'too-many');
    expect(many.status).toBe(400);
    expect(many.body.details).toEqual([{ message: 'Size must be between 1 and 500', property: 'to' }]);
    expect((await multicast([], 'none')).status).toBe(400);
    expect((await multicast([users[0], 'nobody'], 'bad-id')).status).toBe(400);
    expect((await recipients('text=too-many')).copies + (await recipients('text=bad-id')).copies).toBe(0);
  });

  it('the same retry key within 24 h: 409 with the first request id, nothing sent or charged again', async () => {
    const key = randomUUID();
    const first = await multicast(users.slice(0, 10), 'retry-once', key);
    expect(first.status).toBe(200);
    const used = await consumption();
    clock += 23 * 3600_000;
    const again = await multicast(users.slice(0, 10), 'retry-once', key);
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ message: 'The retry key is already accepted' });
    expect(again.headers.get('x-line-accepted-request-id')).toBe(first.headers.get('x-line-request-id'));
    expect(await consumption()).toBe(used);
    const got = await recipients('text=retry-once');
    expect(got).toMatchObject({ users: 10, copies: 10, retryKeys: 1, duplicated: [] });
    // after 24 h the key is new again
    clock += 2 * 3600_000;
    expect((await multicast(users.slice(0, 1), 'retry-once', key)).status).toBe(200);
  });

  it('requests with the same key racing each other: one is sent, the others 409', async () => {
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 5 }, () => multicast(users.slice(0, 20), 'race', key)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(await recipients('text=race')).toMatchObject({ users: 20, copies: 20, copiesPerUser: { '1': 20 } });
  });

  it('a key whose request was refused (rate limit) is not taken: the retry is sent', async () => {
    await json(`${emu.url}/_emulator/channels/${CH}`, 'PATCH', { rateLimits: { multicastPerSecond: 1 } });
    expect((await multicast([users[0]], 'fill')).status).toBe(200);
    const key = randomUUID();
    expect((await multicast(users.slice(0, 3), 'refused-then-sent', key)).status).toBe(429);
    clock += 1000;
    expect((await multicast(users.slice(0, 3), 'refused-then-sent', key)).status).toBe(200);
    expect((await recipients('text=refused-then-sent')).copies).toBe(3);
    await json(`${emu.url}/_emulator/channels/${CH}`, 'PATCH', { rateLimits: {} });
  });
});

describe('GET /_emulator/channels/{id}/recipients', () => {
  it('counts copies per user across requests, lists the users who got more than one', async () => {
    const mark = (await recipients('')).lastSeq;
    await multicast(users.slice(0, 3), 'copies');
    await multicast(users.slice(2, 4), 'copies');
    await api('/v2/bot/message/push', { to: users[3], messages: [{ type: 'text', text: 'copies' }] });
    const all = await recipients(`after=${mark}&text=copies&users=1`);
    expect(all).toMatchObject({
      requests: 3,
      users: 4,
      copies: 6,
      messages: 6,
      copiesPerUser: { '1': 2, '2': 2 },
      perUser: { [users[0]]: 1, [users[1]]: 1, [users[2]]: 2, [users[3]]: 2 },
    });
    expect(all.duplicated.map((d) => d.userId).sort()).toEqual([users[2], users[3]].sort());
    expect(all.perSecond.reduce((a, b) => a + b, 0)).toBe(6);
    const onlyMulticast = await recipients(`after=${mark}&via=multicast&text=copies`);
    expect(onlyMulticast).toMatchObject({ requests: 2, users: 4, copies: 5 });
    expect(onlyMulticast.perUser).toBeUndefined();
    const res = await fetch(`${emu.url}/_emulator/channels/9/recipients`);
    expect(res.status).toBe(404);
    expect((await fetch(`${emu.url}/_emulator/channels/${CH}/recipients?after=x`)).status).toBe(400);
  });
});
