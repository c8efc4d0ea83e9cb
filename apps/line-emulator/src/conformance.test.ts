// Conformance: every response of the implemented LINE endpoints, and every webhook body,
// validates against LINE's OpenAPI descriptions (apps/line-emulator/openapi/).
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conformance } from './conformance.ts';
import { reminderFlex, richMenuImage } from './demo-content.ts';
import { startEmulator, type RunningEmulator } from './index.ts';
import { json, startReceiver, type Receiver } from './testing.ts';

const spec = new Conformance();
let emu: RunningEmulator;
let hook: Receiver;
let userId: string;
const TOKEN = 'conformance-token';
const problems: string[] = [];
const checked: string[] = [];

type CallOpts = {
  body?: unknown;
  form?: Record<string, string>;
  raw?: { data: Buffer; type: string };
  headers?: Record<string, string>;
  auth?: boolean;
};

/** Calls the emulator and validates the answer against LINE's schema for (method, template, status). */
async function call(
  method: string,
  template: string,
  path: string,
  opts: CallOpts = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.auth !== false) headers.authorization = `Bearer ${TOKEN}`;
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  } else if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  } else if (opts.raw) {
    headers['content-type'] = opts.raw.type;
    body = new Uint8Array(opts.raw.data);
  }
  const res = await fetch(emu.url + path, { method, headers, body });
  expect(res.headers.get('x-line-request-id'), `${method} ${path} has X-Line-Request-Id`).toMatch(/^[0-9a-f-]{36}$/);
  const ct = res.headers.get('content-type') ?? '';
  const parsed: unknown = ct.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer());
  if (ct.includes('json')) problems.push(...spec.check(method, template, res.status, parsed));
  checked.push(`${method} ${template} ${res.status}`);
  return { status: res.status, body: parsed, headers: res.headers };
}

beforeAll(async () => {
  hook = await startReceiver();
  emu = await startEmulator({
    channels: [
      {
        channelId: '2000000001',
        channelSecret: 'conf-secret',
        channelAccessToken: TOKEN,
        webhookUrl: hook.url,
        plan: { freeMessages: 200, paidCap: 0 },
      },
    ],
  });
  const u = (await (
    await json(`${emu.url}/_emulator/users`, 'POST', { displayName: '測試者', pictureUrl: 'https://example.com/p.png' })
  ).json()) as { userId: string };
  userId = u.userId;
  await json(`${emu.url}/_emulator/users/${userId}/follow`, 'POST', { channelId: '2000000001' });
});
afterAll(async () => {
  await emu?.close();
  await hook?.close();
});

describe('LINE OpenAPI conformance', () => {
  it('the validator rejects a wrong body (the check can fail)', () => {
    expect(spec.check('POST', '/v2/bot/message/push', 200, { sentMessages: [] }).length).toBeGreaterThan(0);
    expect(spec.check('GET', '/v2/bot/info', 200, { userId: 'U1' }).length).toBeGreaterThan(0);
    expect(spec.check('POST', '/v2/bot/message/push', 400, { details: [] }).length).toBeGreaterThan(0);
  });

  it('messaging endpoints answer with LINE-shaped bodies for success and error cases', async () => {
    const key = randomUUID();
    const push = await call('POST', '/v2/bot/message/push', '/v2/bot/message/push', {
      body: { to: userId, messages: [{ type: 'text', text: 'hi' }, reminderFlex()] },
      headers: { 'x-line-retry-key': key },
    });
    expect(push.status).toBe(200);
    const again = await call('POST', '/v2/bot/message/push', '/v2/bot/message/push', {
      body: { to: userId, messages: [{ type: 'text', text: 'hi' }] },
      headers: { 'x-line-retry-key': key },
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('x-line-accepted-request-id')).toBe(push.headers.get('x-line-request-id'));
    expect(
      (
        await call('POST', '/v2/bot/message/push', '/v2/bot/message/push', {
          body: { to: userId, messages: [{ type: 'text', text: 'x'.repeat(5001) }] },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', '/v2/bot/message/push', '/v2/bot/message/push', {
          body: { to: 'U' + '0'.repeat(32), messages: [{ type: 'text', text: 'a' }] },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', '/v2/bot/message/push', '/v2/bot/message/push', {
          body: { to: userId, messages: [{ type: 'text', text: 'a' }] },
          headers: { 'x-line-retry-key': 'not-a-uuid' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', '/v2/bot/message/reply', '/v2/bot/message/reply', {
          body: { replyToken: 'nope', messages: [{ type: 'text', text: 'a' }] },
        })
      ).status,
    ).toBe(400);
    const ev = (await (
      await json(`${emu.url}/_emulator/users/${userId}/messages`, 'POST', { channelId: '2000000001', text: '你好' })
    ).json()) as { event: { replyToken: string } };
    expect(
      (
        await call('POST', '/v2/bot/message/reply', '/v2/bot/message/reply', {
          body: { replyToken: ev.event.replyToken, messages: [{ type: 'text', text: '收到' }] },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('POST', '/v2/bot/message/reply', '/v2/bot/message/reply', {
          body: { replyToken: ev.event.replyToken, messages: [{ type: 'text', text: '再一次' }] },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', '/v2/bot/message/multicast', '/v2/bot/message/multicast', {
          body: { to: [userId], messages: [{ type: 'text', text: 'm' }] },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call('POST', '/v2/bot/message/multicast', '/v2/bot/message/multicast', {
          body: { to: Array(501).fill(userId), messages: [{ type: 'text', text: 'm' }] },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', '/v2/bot/message/broadcast', '/v2/bot/message/broadcast', {
          body: { messages: [{ type: 'text', text: 'b' }] },
        })
      ).status,
    ).toBe(200);
    const nc = await call('POST', '/v2/bot/message/narrowcast', '/v2/bot/message/narrowcast', {
      body: { messages: [{ type: 'text', text: 'n' }] },
    });
    expect(nc.status).toBe(202);
    await new Promise((r) => setTimeout(r, 120));
    const prog = await call(
      'GET',
      '/v2/bot/message/progress/narrowcast',
      `/v2/bot/message/progress/narrowcast?requestId=${nc.headers.get('x-line-request-id')}`,
    );
    expect(prog.body).toMatchObject({ phase: 'succeeded', successCount: 1 });
    for (const kind of ['push', 'reply', 'multicast', 'narrowcast', 'broadcast']) {
      expect(
        (
          await call('POST', `/v2/bot/message/validate/${kind}`, `/v2/bot/message/validate/${kind}`, {
            body: { messages: [{ type: 'text', text: 'ok' }] },
          })
        ).status,
      ).toBe(200);
    }
    expect(
      (
        await call('POST', '/v2/bot/message/validate/push', '/v2/bot/message/validate/push', {
          body: { messages: Array(6).fill({ type: 'text', text: 'x' }) },
        })
      ).status,
    ).toBe(400);
    expect((await call('GET', '/v2/bot/message/quota', '/v2/bot/message/quota')).body).toEqual({
      type: 'limited',
      value: 200,
    });
    expect((await call('GET', '/v2/bot/message/quota/consumption', '/v2/bot/message/quota/consumption')).body).toEqual({
      totalUsage: 4,
    });
    const today = jstToday();
    expect(
      (await call('GET', '/v2/bot/message/delivery/push', `/v2/bot/message/delivery/push?date=${today}`)).status,
    ).toBe(200);
    expect((await call('GET', '/v2/bot/profile/{userId}', `/v2/bot/profile/${userId}`)).status).toBe(200);
    expect((await call('GET', '/v2/bot/followers/ids', '/v2/bot/followers/ids?limit=1')).body).toEqual({
      userIds: [userId],
    });
    expect((await call('GET', '/v2/bot/info', '/v2/bot/info')).status).toBe(200);
    expect((await call('GET', '/v2/bot/channel/webhook/endpoint', '/v2/bot/channel/webhook/endpoint')).status).toBe(
      200,
    );
    expect(
      (await call('POST', '/v2/bot/channel/webhook/test', '/v2/bot/channel/webhook/test', { body: {} })).body,
    ).toMatchObject({ success: true, statusCode: 200 });
    expect(
      (
        await call('POST', '/v2/bot/chat/loading/start', '/v2/bot/chat/loading/start', {
          body: { chatId: userId, loadingSeconds: 5 },
        })
      ).status,
    ).toBe(202);
    const img = (await (
      await json(`${emu.url}/_emulator/users/${userId}/messages`, 'POST', {
        channelId: '2000000001',
        message: { type: 'image' },
      })
    ).json()) as { event: { message: { id: string; markAsReadToken: string } } };
    const content = await call(
      'GET',
      '/v2/bot/message/{messageId}/content',
      `/v2/bot/message/${img.event.message.id}/content`,
    );
    expect(content.status).toBe(200);
    expect((content.body as Buffer).subarray(1, 4).toString()).toBe('PNG');
    expect(
      (
        await call('POST', '/v2/bot/chat/markAsRead', '/v2/bot/chat/markAsRead', {
          body: { markAsReadToken: img.event.message.markAsReadToken },
        })
      ).status,
    ).toBe(200);
    expect(
      (await call('POST', '/v2/bot/chat/markAsRead', '/v2/bot/chat/markAsRead', { body: { markAsReadToken: 'x' } }))
        .status,
    ).toBe(400);
  });

  it('rich menu endpoints conform', async () => {
    const menu = {
      size: { width: 2500, height: 843 },
      selected: false,
      name: 'm',
      chatBarText: '選單',
      areas: [
        { bounds: { x: 0, y: 0, width: 1250, height: 843 }, action: { type: 'postback', data: 'a=1', label: '預約' } },
      ],
    };
    expect((await call('POST', '/v2/bot/richmenu/validate', '/v2/bot/richmenu/validate', { body: menu })).status).toBe(
      200,
    );
    expect(
      (await call('POST', '/v2/bot/richmenu', '/v2/bot/richmenu', { body: { ...menu, chatBarText: 'x'.repeat(15) } }))
        .status,
    ).toBe(400);
    const created = await call('POST', '/v2/bot/richmenu', '/v2/bot/richmenu', { body: menu });
    const id = (created.body as { richMenuId: string }).richMenuId;
    expect(
      (
        await call('POST', '/v2/bot/richmenu/{richMenuId}/content', `/v2/bot/richmenu/${id}/content`, {
          raw: { data: richMenuImage(), type: 'image/png' },
        })
      ).status,
    ).toBe(200);
    expect((await call('GET', '/v2/bot/richmenu/{richMenuId}', `/v2/bot/richmenu/${id}`)).status).toBe(200);
    expect((await call('GET', '/v2/bot/richmenu/list', '/v2/bot/richmenu/list')).status).toBe(200);
    expect(
      (await call('POST', '/v2/bot/user/all/richmenu/{richMenuId}', `/v2/bot/user/all/richmenu/${id}`)).status,
    ).toBe(200);
    expect((await call('GET', '/v2/bot/user/all/richmenu', '/v2/bot/user/all/richmenu')).body).toEqual({
      richMenuId: id,
    });
    expect(
      (await call('POST', '/v2/bot/user/{userId}/richmenu/{richMenuId}', `/v2/bot/user/${userId}/richmenu/${id}`))
        .status,
    ).toBe(200);
    expect((await call('GET', '/v2/bot/user/{userId}/richmenu', `/v2/bot/user/${userId}/richmenu`)).body).toEqual({
      richMenuId: id,
    });
    expect(
      (
        await call('POST', '/v2/bot/richmenu/bulk/link', '/v2/bot/richmenu/bulk/link', {
          body: { richMenuId: id, userIds: [userId] },
        })
      ).status,
    ).toBe(202);
    expect(
      (
        await call('POST', '/v2/bot/richmenu/bulk/unlink', '/v2/bot/richmenu/bulk/unlink', {
          body: { userIds: [userId] },
        })
      ).status,
    ).toBe(202);
    expect(
      (
        await call('POST', '/v2/bot/richmenu/alias', '/v2/bot/richmenu/alias', {
          body: { richMenuAliasId: 'main', richMenuId: id },
        })
      ).status,
    ).toBe(200);
    expect((await call('GET', '/v2/bot/richmenu/alias/{richMenuAliasId}', '/v2/bot/richmenu/alias/main')).body).toEqual(
      { richMenuAliasId: 'main', richMenuId: id },
    );
    expect((await call('GET', '/v2/bot/richmenu/alias/list', '/v2/bot/richmenu/alias/list')).status).toBe(200);
    expect(
      (await call('DELETE', '/v2/bot/richmenu/alias/{richMenuAliasId}', '/v2/bot/richmenu/alias/main')).status,
    ).toBe(200);
    expect((await call('DELETE', '/v2/bot/user/{userId}/richmenu', `/v2/bot/user/${userId}/richmenu`)).status).toBe(
      200,
    );
    expect((await call('DELETE', '/v2/bot/user/all/richmenu', '/v2/bot/user/all/richmenu')).status).toBe(200);
    expect((await call('DELETE', '/v2/bot/richmenu/{richMenuId}', `/v2/bot/richmenu/${id}`)).status).toBe(200);
    expect((await call('GET', '/v2/bot/richmenu/{richMenuId}', `/v2/bot/richmenu/${id}`)).status).toBe(404);
  });

  it('channel access token endpoints conform', async () => {
    const issued = await call('POST', '/v2/oauth/accessToken', '/v2/oauth/accessToken', {
      auth: false,
      form: { grant_type: 'client_credentials', client_id: '2000000001', client_secret: 'conf-secret' },
    });
    expect(issued.status).toBe(200);
    expect(
      (
        await call('POST', '/v2/oauth/accessToken', '/v2/oauth/accessToken', {
          auth: false,
          form: { grant_type: 'client_credentials', client_id: '2000000001', client_secret: 'wrong' },
        })
      ).status,
    ).toBe(400);
    const v3 = await call('POST', '/oauth2/v3/token', '/oauth2/v3/token', {
      auth: false,
      form: { grant_type: 'client_credentials', client_id: '2000000001', client_secret: 'conf-secret' },
    });
    expect((v3.body as { expires_in: number }).expires_in).toBe(900);
    const t = (issued.body as { access_token: string }).access_token;
    expect(
      (await call('POST', '/v2/oauth/verify', '/v2/oauth/verify', { auth: false, form: { access_token: t } })).body,
    ).toMatchObject({ client_id: '2000000001' });
    expect(
      (
        await call(
          'GET',
          '/oauth2/v2.1/verify',
          `/oauth2/v2.1/verify?access_token=${(v3.body as { access_token: string }).access_token}`,
          { auth: false },
        )
      ).status,
    ).toBe(200);
    // the issued token works as a bearer
    const info = await fetch(`${emu.url}/v2/bot/info`, { headers: { authorization: `Bearer ${t}` } });
    expect(info.status).toBe(200);
    expect(
      (await call('POST', '/v2/oauth/revoke', '/v2/oauth/revoke', { auth: false, form: { access_token: t } })).status,
    ).toBe(200);
    const revoked = await call('GET', '/v2/bot/info', '/v2/bot/info', {
      headers: { authorization: `Bearer ${t}` },
      auth: false,
    });
    expect(revoked.status).toBe(401);
    expect(revoked.body).toEqual({
      message: 'Authentication failed. Confirm that the access token in the authorization header is valid.',
    });
  });

  it('webhook bodies conform to webhook.yml CallbackRequest', async () => {
    await json(`${emu.url}/_emulator/users/${userId}/postback`, 'POST', {
      channelId: '2000000001',
      data: 'action=date',
      params: { date: '2026-12-01' },
    });
    await json(`${emu.url}/_emulator/users/${userId}/messages`, 'POST', {
      channelId: '2000000001',
      message: { type: 'sticker' },
    });
    await json(`${emu.url}/_emulator/users/${userId}/messages`, 'POST', {
      channelId: '2000000001',
      message: { type: 'location' },
    });
    await json(`${emu.url}/_emulator/users/${userId}/unfollow`, 'POST', { channelId: '2000000001' });
    await json(`${emu.url}/_emulator/users/${userId}/follow`, 'POST', { channelId: '2000000001' });
    const types = hook.received.flatMap((r) => r.body.events.map((e) => e.type));
    expect(new Set(types)).toEqual(new Set(['follow', 'message', 'postback', 'unfollow']));
    for (const r of hook.received) expect(spec.checkSchema('webhook.yml', 'CallbackRequest', r.body)).toEqual([]);
    const bad = structuredClone(hook.received[0].body);
    delete (bad.events[0] as Record<string, unknown>).mode;
    expect(spec.checkSchema('webhook.yml', 'CallbackRequest', bad).length).toBeGreaterThan(0);
  });

  it('LINE notification messages: a number with a LINE user gets them and the delivery event; others 422', async () => {
    const withPhone = (await (
      await json(`${emu.url}/_emulator/users`, 'POST', { displayName: '通知收件人', phone: '0912-345-678' })
    ).json()) as { userId: string; phoneE164: string };
    expect(withPhone.phoneE164).toBe('+886912345678');
    const to = createHash('sha256').update('+886912345678').digest('hex');
    const tag = 'reminder.delivery-0001';
    const before = hook.received.length;
    const sent = await call('POST', '/bot/pnp/push', '/bot/pnp/push', {
      body: { to, messages: [{ type: 'text', text: '明天 09:00 看診' }, reminderFlex()] },
      headers: { 'x-line-delivery-tag': tag },
    });
    expect(sent.status).toBe(200);
    await hook.waitFor((r) => r.slice(before).some((x) => x.body.events.some((e) => e.type === 'delivery')));
    const got = hook.received.slice(before).find((x) => x.body.events.some((e) => e.type === 'delivery'))!;
    expect(got.body.events[0]).toMatchObject({ type: 'delivery', mode: 'active', delivery: { data: tag } });
    expect(got.body.events[0].source).toBeUndefined();
    expect(spec.checkSchema('webhook.yml', 'CallbackRequest', got.body)).toEqual([]);
    expect(got.headers['x-line-signature']).toBe(createHmac('sha256', 'conf-secret').update(got.raw).digest('base64'));
    const chat = (await (
      await fetch(`${emu.url}/_emulator/users/${withPhone.userId}/chat?channelId=2000000001`)
    ).json()) as { state: string; items: { via: string }[] };
    expect(chat.state).toBe('none');
    expect(chat.items.map((i) => i.via)).toEqual(['pnp', 'pnp']);

    // A number nobody registered with LINE: 422, nothing delivered.
    const nobody = createHash('sha256').update('+886900000000').digest('hex');
    const missing = await call('POST', '/bot/pnp/push', '/bot/pnp/push', {
      body: { to: nobody, messages: [{ type: 'text', text: 'x' }] },
    });
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({ message: 'Failed to send messages' });
    // Bad requests: a tag too short or too long, a `to` that is not a hash, media, a retry key.
    for (const t of ['short-tag', 'x'.repeat(101)])
      expect(
        (
          await call('POST', '/bot/pnp/push', '/bot/pnp/push', {
            body: { to, messages: [{ type: 'text', text: 'x' }] },
            headers: { 'x-line-delivery-tag': t },
          })
        ).status,
      ).toBe(400);
    expect(
      (
        await call('POST', '/bot/pnp/push', '/bot/pnp/push', {
          body: { to: '+886912345678', messages: [{ type: 'text', text: 'x' }] },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', '/bot/pnp/push', '/bot/pnp/push', {
          body: {
            to,
            messages: [
              { type: 'image', originalContentUrl: 'https://e.x/a.png', previewImageUrl: 'https://e.x/a.png' },
            ],
          },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', '/bot/pnp/push', '/bot/pnp/push', {
          body: { to, messages: [{ type: 'text', text: 'x' }] },
          headers: { 'x-line-retry-key': randomUUID() },
        })
      ).status,
    ).toBe(400);
    // Counted apart from pushes, without touching the monthly quota.
    const today = jstToday();
    expect(
      (await call('GET', '/v2/bot/message/delivery/pnp', `/v2/bot/message/delivery/pnp?date=${today}`)).body,
    ).toEqual({ status: 'ready', success: 1 });
    expect((await call('GET', '/v2/bot/message/quota/consumption', '/v2/bot/message/quota/consumption')).body).toEqual({
      totalUsage: 4,
    });

    // A user who blocked the account: LINE accepts the request but never delivers it.
    await json(`${emu.url}/_emulator/users/${withPhone.userId}/follow`, 'POST', { channelId: '2000000001' });
    await json(`${emu.url}/_emulator/users/${withPhone.userId}/unfollow`, 'POST', { channelId: '2000000001' });
    const afterBlock = hook.received.length;
    expect(
      (
        await call('POST', '/bot/pnp/push', '/bot/pnp/push', {
          body: { to, messages: [{ type: 'text', text: 'x' }] },
          headers: { 'x-line-delivery-tag': 'reminder.delivery-0002' },
        })
      ).status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(hook.received.slice(afterBlock).flatMap((r) => r.body.events.map((e) => e.type))).toEqual([]);
  });

  it('no response deviated from LINE’s schemas', () => {
    expect(checked.length).toBeGreaterThan(40);
    expect(problems).toEqual([]);
  });
});

/** Today in Japan time as yyyyMMdd: LINE's delivery statistics count days in UTC+9. */
function jstToday(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}
