// The phone page's long poll (/_emulator/users/:id/chat): it must not miss a change that happened
// between two polls, such as a rich menu linked right after a message arrived.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { richMenuImage } from './demo-content.ts';
import { startEmulator, type RunningEmulator } from './index.ts';
import { json } from './testing.ts';

const CH = '3000000077';
const TOKEN = 'phone-token';
let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmulator({
    channels: [{ channelId: CH, channelSecret: 'phone-secret', channelAccessToken: TOKEN, webhookUrl: null }],
  });
});
afterAll(async () => emu?.close());

const bot = (method: string, path: string, body?: unknown) =>
  fetch(`${emu.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

describe('phone page long poll', () => {
  it('answers at once when the menu differs from the one the page shows, and waits while nothing changed', async () => {
    const u = (
      (await (await json(`${emu.url}/_emulator/users`, 'POST', { displayName: '小明' })).json()) as {
        userId: string;
      }
    ).userId;
    await json(`${emu.url}/_emulator/users/${u}/follow`, 'POST', { channelId: CH });
    const created = await bot('POST', '/v2/bot/richmenu', {
      size: { width: 2500, height: 843 },
      selected: false,
      name: 'bound',
      chatBarText: '選單',
      areas: [{ bounds: { x: 0, y: 0, width: 2500, height: 843 }, action: { type: 'message', text: 'hi' } }],
    });
    const { richMenuId } = (await created.json()) as { richMenuId: string };
    await fetch(`${emu.url}/v2/bot/richmenu/${richMenuId}/content`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'image/png' },
      body: new Uint8Array(richMenuImage()),
    });
    const poll = async (q: string) => {
      const t0 = Date.now();
      const r = (await (await fetch(`${emu.url}/_emulator/users/${u}/chat?channelId=${CH}&${q}`)).json()) as {
        seq: number;
        richMenu: { richMenuId: string } | null;
      };
      return { ...r, ms: Date.now() - t0 };
    };
    const first = await poll('after=0&wait=0');
    expect(first.richMenu).toBeNull();
    // The link lands while the page is between two polls: the next poll must see it at once.
    expect((await bot('POST', `/v2/bot/user/${u}/richmenu/${richMenuId}`)).status).toBe(200);
    const next = await poll(`after=${first.seq}&wait=5000&state=friend&menu=`);
    expect(next.richMenu?.richMenuId).toBe(richMenuId);
    expect(next.ms).toBeLessThan(1000);
    // Nothing new for a page that already shows this menu: the poll waits.
    const idle = await poll(`after=${next.seq}&wait=600&state=friend&menu=${richMenuId}`);
    expect(idle.ms).toBeGreaterThanOrEqual(550);
  });

  it('shows 已讀 as the read mode of the channel says, and the loading animation until the bot answers', async () => {
    const u = (
      (await (await json(`${emu.url}/_emulator/users`, 'POST', { displayName: '小華' })).json()) as {
        userId: string;
      }
    ).userId;
    await json(`${emu.url}/_emulator/users/${u}/follow`, 'POST', { channelId: CH });
    type Chat = {
      readUpTo: number;
      loadingMs: number;
      items: { seq: number; message: { markAsReadToken?: string } }[];
    };
    const chat = async () =>
      (await (await fetch(`${emu.url}/_emulator/users/${u}/chat?channelId=${CH}&after=0&wait=0`)).json()) as Chat;
    const say = async (text: string) =>
      (
        (await (await json(`${emu.url}/_emulator/users/${u}/messages`, 'POST', { channelId: CH, text })).json()) as {
          event: { message: { markAsReadToken: string } };
        }
      ).event.message.markAsReadToken;

    // auto (LINE's default): read on arrival
    await say('早安');
    let c = await chat();
    expect(c.readUpTo).toBe(c.items.at(-1)!.seq);

    // manual: unread until the bot marks it with the token from the webhook event
    expect((await json(`${emu.url}/_emulator/channels/${CH}`, 'PATCH', { markAsReadMode: 'nope' })).status).toBe(400);
    await json(`${emu.url}/_emulator/channels/${CH}`, 'PATCH', { markAsReadMode: 'manual' });
    expect(((await (await bot('GET', '/v2/bot/info')).json()) as { markAsReadMode: string }).markAsReadMode).toBe(
      'manual',
    );
    const before = (await chat()).readUpTo;
    const t1 = await say('請問今天有開嗎');
    await say('還有停車位嗎');
    c = await chat();
    expect(c.readUpTo).toBe(before);
    expect((await bot('POST', '/v2/bot/chat/markAsRead', { markAsReadToken: 'not-a-token' })).status).toBe(400);
    expect((await bot('POST', '/v2/bot/chat/markAsRead', { markAsReadToken: t1 })).status).toBe(200);
    c = await chat();
    expect(c.readUpTo).toBe(c.items.at(-2)!.seq); // up to the first of the two, not the second
    await json(`${emu.url}/_emulator/channels/${CH}`, 'PATCH', { markAsReadMode: 'auto' });

    // loading: shown after loading/start, gone when the bot's message arrives
    expect((await bot('POST', '/v2/bot/chat/loading/start', { chatId: u, loadingSeconds: 7 })).status).toBe(400);
    expect((await bot('POST', '/v2/bot/chat/loading/start', { chatId: u, loadingSeconds: 10 })).status).toBe(202);
    expect((await chat()).loadingMs).toBeGreaterThan(0);
    await bot('POST', '/v2/bot/message/push', { to: u, messages: [{ type: 'text', text: '有的，9 點開診' }] });
    expect((await chat()).loadingMs).toBe(0);
  });
});
