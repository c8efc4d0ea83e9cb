// The official @line/bot-sdk works against the emulator unmodified.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { HTTPFetchError, messagingApi, middleware, validateSignature } from '@line/bot-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { richMenuImage } from './demo-content.ts';
import { startEmulator, type RunningEmulator } from './index.ts';
import { json, startReceiver, type Receiver } from './testing.ts';

const CH = '3000000001';
const SECRET = 'sdk-secret';
const TOKEN = 'sdk-token';
let emu: RunningEmulator;
let hook: Receiver;
let client: messagingApi.MessagingApiClient;
let blob: messagingApi.MessagingApiBlobClient;

async function newFriend(name: string): Promise<string> {
  const u = (await (await json(`${emu.url}/_emulator/users`, 'POST', { displayName: name })).json()) as {
    userId: string;
  };
  await json(`${emu.url}/_emulator/users/${u.userId}/follow`, 'POST', { channelId: CH });
  return u.userId;
}

async function rejection(p: Promise<unknown>): Promise<HTTPFetchError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HTTPFetchError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  hook = await startReceiver();
  emu = await startEmulator({
    channels: [{ channelId: CH, channelSecret: SECRET, channelAccessToken: TOKEN, webhookUrl: hook.url }],
    webhook: { retryDelaysMs: [100, 200] },
  });
  client = new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emu.url });
  blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: TOKEN, baseURL: emu.url });
});
afterAll(async () => {
  await emu?.close();
  await hook?.close();
});

describe('@line/bot-sdk against the emulator', () => {
  it('push with the same retry key twice: second is HTTPFetchError 409 and nothing is delivered twice', async () => {
    const userId = await newFriend('小華');
    const key = randomUUID();
    const first = await client.pushMessage({ to: userId, messages: [{ type: 'text', text: '提醒' }] }, key);
    const err = await rejection(client.pushMessage({ to: userId, messages: [{ type: 'text', text: '提醒' }] }, key));
    expect(err.status).toBe(409);
    expect(JSON.parse(err.body)).toEqual({
      message: 'The retry key is already accepted',
      sentMessages: first.sentMessages,
    });
    expect(err.headers.get('x-line-accepted-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const log = (await (await fetch(`${emu.url}/_emulator/channels/${CH}/messages?to=${userId}`)).json()) as {
      messages: { retryKey: string }[];
    };
    expect(log.messages).toHaveLength(1);
    expect(log.messages[0].retryKey).toBe(key);
  });

  it('a retry key on reply answers 400; an invalid token answers 401 with LINE’s message', async () => {
    const err = await rejection(
      client.replyMessage({ replyToken: 'x', messages: [{ type: 'text', text: 'a' }] }).then(() => undefined),
    );
    expect(err.status).toBe(400);
    const bad = new messagingApi.MessagingApiClient({ channelAccessToken: 'wrong', baseURL: emu.url });
    const e401 = await rejection(bad.getBotInfo());
    expect(e401.status).toBe(401);
    expect(JSON.parse(e401.body).message).toBe(
      'Authentication failed. Confirm that the access token in the authorization header is valid.',
    );
    const raw = await fetch(`${emu.url}/v2/bot/message/reply`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        'x-line-retry-key': randomUUID(),
      },
      body: JSON.stringify({ replyToken: 'x', messages: [{ type: 'text', text: 'a' }] }),
    });
    expect(raw.status).toBe(400);
    expect(((await raw.json()) as { message: string }).message).toContain('X-Line-Retry-Key');
  });

  it('rate limit: requests beyond the per-second limit answer 429', async () => {
    const userId = await newFriend('阿珍');
    await json(`${emu.url}/_emulator/channels/${CH}`, 'PATCH', { rateLimits: { perSecond: 5 } });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => client.pushMessage({ to: userId, messages: [{ type: 'text', text: 'x' }] })),
    );
    const statuses = results.map((r) => (r.status === 'fulfilled' ? 200 : (r.reason as HTTPFetchError).status));
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(7);
    const e = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(JSON.parse((e.reason as HTTPFetchError).body)).toEqual({
      message: 'The API rate limit has been exceeded. Try again later.',
    });
    await json(`${emu.url}/_emulator/channels/${CH}`, 'PATCH', { rateLimits: { perSecond: 2000 } });
  });

  it('monthly quota: push beyond the plan answers 429 "You have reached your monthly limit."', async () => {
    const userId = await newFriend('阿美');
    await json(`${emu.url}/_emulator/channels/${CH}`, 'PATCH', { plan: { freeMessages: 0, paidCap: 0 } });
    const e = await rejection(client.pushMessage({ to: userId, messages: [{ type: 'text', text: 'x' }] }));
    expect(e.status).toBe(429);
    expect(JSON.parse(e.body).message).toBe('You have reached your monthly limit.');
    await json(`${emu.url}/_emulator/channels/${CH}`, 'PATCH', { plan: { freeMessages: 200, paidCap: null } });
  });

  it('rich menu round trip: create, upload image, default, link, download, delete', async () => {
    const userId = await newFriend('阿福');
    const { richMenuId } = await client.createRichMenu({
      size: { width: 2500, height: 843 },
      selected: true,
      name: 'main',
      chatBarText: '選單',
      areas: [
        { bounds: { x: 0, y: 0, width: 2500, height: 843 }, action: { type: 'message', label: '預約', text: '預約' } },
      ],
    });
    const image = richMenuImage();
    await blob.setRichMenuImage(richMenuId, new Blob([new Uint8Array(image)], { type: 'image/png' }));
    await client.setDefaultRichMenu(richMenuId);
    expect((await client.getDefaultRichMenuId()).richMenuId).toBe(richMenuId);
    await client.linkRichMenuIdToUser(userId, richMenuId);
    expect((await client.getRichMenuIdOfUser(userId)).richMenuId).toBe(richMenuId);
    const got = await client.getRichMenu(richMenuId);
    expect(got.chatBarText).toBe('選單');
    const stream = await blob.getRichMenuImage(richMenuId);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
    expect(Buffer.concat(chunks).equals(image)).toBe(true);
    await client.deleteRichMenu(richMenuId);
    expect((await rejection(client.getRichMenu(richMenuId))).status).toBe(404);
  });

  it('webhook signature verifies with validateSignature and the SDK middleware; redelivery keeps the id', async () => {
    const seen: {
      ok: boolean;
      events: { webhookEventId: string; deliveryContext: { isRedelivery: boolean }; type: string }[];
    }[] = [];
    const mw = middleware({ channelSecret: SECRET });
    let calls = 0;
    const server = createServer((req, res) => {
      calls++;
      mw(req as never, res as never, (err?: unknown) => {
        const body = (req as unknown as { body: { events: never[] } }).body;
        seen.push({ ok: !err, events: body?.events ?? [] });
        res.statusCode = err ? 401 : calls === 1 ? 500 : 200; // first delivery fails → redelivery
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    await json(`${emu.url}/_emulator/channels/${CH}`, 'PATCH', { webhookUrl: `http://127.0.0.1:${port}/cb` });
    const userId = await newFriend('阿國');
    const until = Date.now() + 5000;
    while (seen.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    server.close();
    expect(seen.every((s) => s.ok)).toBe(true);
    expect(seen[0].events[0].type).toBe('follow');
    expect(seen[0].events[0].deliveryContext.isRedelivery).toBe(false);
    expect(seen[1].events[0].deliveryContext.isRedelivery).toBe(true);
    expect(seen[1].events[0].webhookEventId).toBe(seen[0].events[0].webhookEventId);
    expect(seen[0].events[0].webhookEventId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    // validateSignature on the raw body the receiver got earlier
    await json(`${emu.url}/_emulator/channels/${CH}`, 'PATCH', { webhookUrl: hook.url });
    await json(`${emu.url}/_emulator/users/${userId}/messages`, 'POST', { channelId: CH, text: '哈囉' });
    await hook.waitFor((r) => r.length > 0);
    const r = hook.received.at(-1)!;
    expect(validateSignature(r.raw, SECRET, String(r.headers['x-line-signature']))).toBe(true);
    expect(validateSignature(r.raw, 'other-secret', String(r.headers['x-line-signature']))).toBe(false);
  });
});
