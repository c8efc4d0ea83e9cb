// The lean LINE client (pushes; replies and the loading animation) against the real LINE
// emulator, side by side with @line/bot-sdk: same request (body, token, retry key), same answers
// (status, request ids, LINE's error body), same error type (HTTPFetchError) for every outcome the
// reminder dispatcher handles; plus the transport cases (a keep-alive socket closed under it,
// no answer, nothing listening, every answer framing, TLS).
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../line-emulator/src/index.ts';
import { linePushClient, type LinePushClient } from './line-push.ts';

const CH = '3900000001';
const TOKEN = 'line-push-test-token';
let emu: RunningEmulator;
let sdk: messagingApi.MessagingApiClient;
let lean: LinePushClient;

const emuJson = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${emu.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`emulator ${method} ${path} → ${r.status} ${await r.text()}`);
  return r.json() as Promise<any>;
};
async function friend(name: string): Promise<string> {
  const u = (await emuJson('POST', '/_emulator/users', { displayName: name })) as { userId: string };
  await emuJson('POST', `/_emulator/users/${u.userId}/follow`, { channelId: CH });
  return u.userId;
}
async function failure(p: Promise<unknown>): Promise<HTTPFetchError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HTTPFetchError) return e;
    throw e;
  }
  throw new Error('expected the push to fail');
}
const text = (t: string): messagingApi.Message[] => [{ type: 'text', text: t }];
const log = async (userId: string) =>
  (
    (await emuJson('GET', `/_emulator/channels/${CH}/messages?to=${userId}`)) as {
      messages: { retryKey: string | null; message: unknown; requestId?: string }[];
    }
  ).messages;

beforeAll(async () => {
  emu = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    channels: [{ channelId: CH, channelSecret: 'line-push-secret', channelAccessToken: TOKEN }],
  });
  sdk = new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emu.url });
  lean = linePushClient(emu.url, TOKEN, { maxSockets: 4 });
});
afterAll(async () => {
  await emu?.close();
});

describe('linePushClient (lean push) against the LINE emulator, compared with @line/bot-sdk', () => {
  it('2xx: sent once with the retry key; status, sentMessages, x-line-request-id as the SDK gets them', async () => {
    const userId = await friend('小明');
    const flex: messagingApi.Message = {
      type: 'flex',
      altText: '看診提醒：王小明',
      contents: {
        type: 'bubble',
        body: {
          type: 'box',
          layout: 'vertical',
          contents: [{ type: 'text', text: '王小明 您好 "引號" \\ 與 emoji 😀', wrap: true }],
        },
      },
    };
    const key = randomUUID();
    const res = await lean.push({ to: userId, messages: [flex] }, key);
    const viaSdk = await sdk.pushMessageWithHttpInfo({ to: userId, messages: [flex] }, randomUUID());
    expect(res.status).toBe(200);
    expect(res.status).toBe(viaSdk.httpResponse.status);
    expect(res.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body?.sentMessages).toHaveLength(1);
    expect(Object.keys(res.body!)).toEqual(Object.keys(viaSdk.body));
    const got = await log(userId);
    expect(got).toHaveLength(2);
    expect(got[0].retryKey).toBe(key);
    expect(got[0].message).toEqual(got[1].message);
    expect(got[0].message).toEqual(flex);
  });

  // The same retry key again: LINE answers 409 and names the first request in x-line-accepted-request-id.
  it('the same retry key again: HTTPFetchError 409, body as the SDK sees it; nothing sent twice', async () => {
    const userId = await friend('小華');
    const key = randomUUID();
    const first = await lean.push({ to: userId, messages: text('提醒') }, key);
    const e = await failure(lean.push({ to: userId, messages: text('提醒') }, key));
    const viaSdk = await failure(sdk.pushMessageWithHttpInfo({ to: userId, messages: text('提醒') }, key));
    expect(e.status).toBe(409);
    expect(e.headers.get('x-line-accepted-request-id')).toBe(first.requestId);
    expect(viaSdk.headers.get('x-line-accepted-request-id')).toBe(first.requestId);
    expect(JSON.parse(e.body)).toEqual(JSON.parse(viaSdk.body));
    expect(JSON.parse(e.body)).toEqual({
      message: 'The retry key is already accepted',
      sentMessages: first.body!.sentMessages,
    });
    expect(e.message).toBe(viaSdk.message);
    expect(e.statusText).toBe(viaSdk.statusText);
    expect(await log(userId)).toHaveLength(1);
  });

  it('not a friend: 400 "Failed to send messages"; bad request; bad token 401 — each as the SDK has it', async () => {
    const stranger = (await emuJson('POST', '/_emulator/users', { displayName: '路人' })) as { userId: string };
    const cases: { to: string; messages: messagingApi.Message[]; key?: string; client?: 'bad' }[] = [
      { to: stranger.userId, messages: text('x') },
      { to: await friend('阿明'), messages: text('x'.repeat(5001)) },
      { to: await friend('阿華'), messages: text('x'), key: 'not-a-uuid' },
      { to: await friend('阿強'), messages: text('x'), client: 'bad' },
    ];
    const badLean = linePushClient(emu.url, 'wrong-token');
    const badSdk = new messagingApi.MessagingApiClient({ channelAccessToken: 'wrong-token', baseURL: emu.url });
    const statuses: number[] = [];
    for (const c of cases) {
      const e = await failure(
        (c.client ? badLean : lean).push({ to: c.to, messages: c.messages }, c.key ?? randomUUID()),
      );
      const s = await failure(
        (c.client ? badSdk : sdk).pushMessageWithHttpInfo({ to: c.to, messages: c.messages }, c.key ?? randomUUID()),
      );
      expect([e.status, e.statusText, e.message]).toEqual([s.status, s.statusText, s.message]);
      expect(JSON.parse(e.body)).toEqual(JSON.parse(s.body));
      expect(e.headers.get('content-type')).toBe(s.headers.get('content-type'));
      statuses.push(e.status);
    }
    expect(statuses).toEqual([400, 400, 400, 401]);
    const first = await failure(lean.push({ to: stranger.userId, messages: text('x') }, randomUUID()));
    expect(first.body).toMatch(/Failed to send messages/);
  });

  it('429: the rate limit and the monthly limit are told apart by LINE’s message; a 5xx is a 5xx', async () => {
    const userId = await friend('阿珍');
    await emuJson('PUT', '/_emulator/faults', { api: { rateLimitBurst: 1, paths: ['/v2/bot/message/push'] } });
    const rate = await failure(lean.push({ to: userId, messages: text('x') }, randomUUID()));
    expect(rate.status).toBe(429);
    expect(JSON.parse(rate.body)).toEqual({ message: 'The API rate limit has been exceeded. Try again later.' });
    await emuJson('PUT', '/_emulator/faults', { api: { failNext: 1, status: 503, paths: ['/v2/bot/message/push'] } });
    const e5 = await failure(lean.push({ to: userId, messages: text('x') }, randomUUID()));
    expect(e5.status).toBe(503);
    await emuJson('PUT', '/_emulator/faults', { api: { failNext: 0, rateLimitBurst: 0, status: 500, paths: [] } });
    await emuJson('PATCH', `/_emulator/channels/${CH}`, { plan: { freeMessages: 0, paidCap: 0 } });
    const monthly = await failure(lean.push({ to: userId, messages: text('x') }, randomUUID()));
    const monthlySdk = await failure(sdk.pushMessageWithHttpInfo({ to: userId, messages: text('x') }, randomUUID()));
    await emuJson('PATCH', `/_emulator/channels/${CH}`, { plan: { freeMessages: 100_000, paidCap: null } });
    expect(monthly.status).toBe(429);
    expect(JSON.parse(monthly.body)).toEqual(JSON.parse(monthlySdk.body));
    expect(monthly.body).toMatch(/monthly limit/i);
    expect(await log(userId)).toHaveLength(0);
  });

  it('reply and loading animation: sent as the SDK sends them; a used or unknown reply token fails alike', async () => {
    const userId = await friend('阿回');
    const said = (await emuJson('POST', `/_emulator/users/${userId}/messages`, { channelId: CH, text: '在嗎' })) as {
      event: { replyToken: string };
    };
    await lean.startLoading({ chatId: userId, loadingSeconds: 20 });
    const chat = () =>
      emuJson('GET', `/_emulator/users/${userId}/chat?channelId=${CH}`) as Promise<{ loadingMs: number }>;
    expect((await chat()).loadingMs).toBeGreaterThan(15_000);
    await lean.reply({ replyToken: said.event.replyToken, messages: text('在的，請說') });
    expect((await chat()).loadingMs).toBe(0); // a message ends the animation
    const sent = await log(userId);
    expect(sent.map((m) => m.message)).toEqual(text('在的，請說'));
    const used = await failure(lean.reply({ replyToken: said.event.replyToken, messages: text('再一次') }));
    const usedSdk = await failure(sdk.replyMessage({ replyToken: said.event.replyToken, messages: text('再一次') }));
    const unknown = await failure(lean.reply({ replyToken: 'no-such-token', messages: text('x') }));
    const unknownSdk = await failure(sdk.replyMessage({ replyToken: 'no-such-token', messages: text('x') }));
    for (const [e, s] of [
      [used, usedSdk],
      [unknown, unknownSdk],
    ]) {
      expect([e.status, e.statusText, e.message]).toEqual([s.status, s.statusText, s.message]);
      expect(JSON.parse(e.body)).toEqual(JSON.parse(s.body));
    }
    expect(used.status).toBe(400);
    const badLoading = await failure(lean.startLoading({ chatId: userId, loadingSeconds: 7 }));
    const badLoadingSdk = await failure(sdk.showLoadingAnimation({ chatId: userId, loadingSeconds: 7 }));
    expect([badLoading.status, badLoading.body]).toEqual([badLoadingSdk.status, badLoadingSdk.body]);
    expect(await log(userId)).toHaveLength(1);
  });

  it('many pushes at once over a few keep-alive sockets all arrive, each once', async () => {
    const users = await Promise.all(Array.from({ length: 8 }, (_, i) => friend(`病患${i}`)));
    const keys = users.map(() => randomUUID());
    const res = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        lean.push({ to: users[i % 8], messages: text(`第 ${i} 則`) }, i < 8 ? keys[i] : randomUUID()),
      ),
    );
    expect(new Set(res.map((r) => r.requestId)).size).toBe(40);
    const counts = await Promise.all(users.map(async (u) => (await log(u)).length));
    expect(counts).toEqual(Array(8).fill(5));
  });

  it('no answer in time: a plain Error, not HTTPFetchError, so the dispatcher retries with the same key', async () => {
    const userId = await friend('阿慢');
    // undici's timers have a resolution of about a second: a 150 ms timeout fires within ~1.2 s.
    await emuJson('PUT', '/_emulator/faults', { api: { latencyMs: 2500, paths: ['/v2/bot/message/push'] } });
    try {
      const slow = linePushClient(emu.url, TOKEN, { timeoutMs: 150 });
      const err = await slow.push({ to: userId, messages: text('x') }, randomUUID()).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(HTTPFetchError);
      expect((err as Error).message).toMatch(/150 ms/);
    } finally {
      await emuJson('PUT', '/_emulator/faults', { api: { latencyMs: 0, paths: [] } });
    }
  });

  it('nothing listening: a plain connection error', async () => {
    const srv = createNetServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise((r) => srv.close(r));
    const err = await linePushClient(`http://127.0.0.1:${port}`, TOKEN)
      .push({ to: 'U0', messages: text('x') }, randomUUID())
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(HTTPFetchError);
    expect((err as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  // A keep-alive socket the server closed just as the next push went out.
  it('a socket closed under a push: sent again once on a new socket with a retry key, an error without', async () => {
    // A server that answers the first request of every connection and drops the connection on
    // the second without answering (what a server closing an idle socket looks like to the client).
    const seen: string[] = [];
    const srv = createNetServer((sock: Socket) => {
      let n = 0;
      onRequests(sock, (raw) => {
        if (++n >= 2) {
          sock.destroy();
          return false;
        }
        seen.push(/x-line-retry-key: (\S+)/i.exec(raw)?.[1] ?? '-');
        const body = JSON.stringify({ sentMessages: [{ id: String(seen.length), quoteToken: 'q' }] });
        sock.write(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-line-request-id: r${seen.length}\r\n` +
            `content-length: ${body.length}\r\nconnection: keep-alive\r\n\r\n${body}`,
        );
        return true;
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const c = linePushClient(`http://127.0.0.1:${(srv.address() as { port: number }).port}`, TOKEN, {
        maxSockets: 1,
      });
      expect((await c.push({ to: 'U1', messages: text('a') }, 'k1')).requestId).toBe('r1');
      const again = await c.push({ to: 'U1', messages: text('b') }, 'k2');
      expect(again.requestId).toBe('r2');
      expect(seen).toEqual(['k1', 'k2']);
      const noKey = await c.push({ to: 'U1', messages: text('c') }).then(
        () => null,
        (e: unknown) => e,
      );
      expect((noKey as NodeJS.ErrnoException).code).toBe('UND_ERR_SOCKET');
    } finally {
      srv.close();
    }
  });
});

/**
 * Calls `handle` with each whole request (head + Content-Length body) arriving on the socket,
 * in order; a request is handled only after the previous one's answer was written. `handle`
 * returns false when it dropped the connection.
 */
function onRequests(sock: Socket, handle: (raw: string) => boolean | Promise<boolean>): void {
  let buf = '';
  let busy = Promise.resolve();
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    busy = busy.then(async () => {
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        const raw = buf.slice(0, end + 4 + len);
        buf = buf.slice(end + 4 + len);
        if (!(await handle(raw))) return;
      }
    });
  });
}

/**
 * A server that reads each request (Content-Length framed) and answers with the next scripted
 * raw answer, written in small pieces so that every parser state sees a split; `null` drops
 * the connection instead.
 */
async function scripted(answers: (string | null)[]): Promise<{ url: string; requests: string[]; server: Server }> {
  const requests: string[] = [];
  let next = 0;
  const server = createNetServer((sock: Socket) => {
    onRequests(sock, async (raw) => {
      requests.push(raw);
      const a = answers[next++];
      if (a === null || a === undefined) {
        sock.destroy();
        return false;
      }
      const bytes = Buffer.from(a, 'utf8');
      for (let i = 0; i < bytes.length && !sock.destroyed;) {
        const n = 1 + ((i * 7) % 13);
        sock.write(bytes.subarray(i, i + n));
        i += n;
        await new Promise((r) => setImmediate(r));
      }
      if (sock.destroyed) return false;
      const finalHead = a.slice(a.lastIndexOf('HTTP/1.'));
      if (
        /\r\nconnection: close\r\n/i.test(finalHead) ||
        finalHead.startsWith('HTTP/1.0') ||
        !/content-length|transfer-encoding/i.test(finalHead.split('\r\n\r\n')[0])
      )
        sock.end();
      return true;
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests, server };
}

describe('linePushClient: HTTP/1.1 answers in every framing a server may use', () => {
  const ok = (id: string) => JSON.stringify({ sentMessages: [{ id, quoteToken: `q${id}` }] });
  // An unsolicited interim 1xx answer (we never send Expect: 100-continue) is refused by undici
  // as a bad answer; LINE does not send one.
  // Bodies framed by Content-Length, chunked (with extensions and trailers), close-delimited, HTTP/1.0
  // and Connection: close.
  it('every body framing reads as the SDK reads it; the request is what the SDK sends', async () => {
    const chunked = (body: string) =>
      `${Buffer.byteLength(body.slice(0, 5)).toString(16)};ext=1\r\n${body.slice(0, 5)}\r\n` +
      `${Buffer.byteLength(body.slice(5)).toString(16).toUpperCase()}\r\n${body.slice(5)}\r\n` +
      `0\r\nx-trailer: 1\r\n\r\n`;
    const err = JSON.stringify({ message: '錯誤：Failed to send messages' });
    const srv = await scripted([
      `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Line-Request-Id: a1\r\n` +
        `Content-Length: ${Buffer.byteLength(ok('1'))}\r\n\r\n${ok('1')}`,
      `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nx-line-request-id: a2\r\n\r\n${chunked(ok('2'))}`,
      `HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: gzip, chunked\r\nContent-Type: application/json\r\n\r\n` +
        chunked(err),
      `HTTP/1.1 200 OK\r\nx-line-request-id: a4\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      `HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nno length: read until close`,
      `HTTP/1.0 200 OK\r\nx-line-request-id: a6\r\nContent-Length: ${Buffer.byteLength(ok('6'))}\r\n\r\n${ok('6')}`,
      `HTTP/1.1 200 OK\r\nx-line-request-id: a7\r\ncontent-length: 0\r\n\r\n`,
    ]);
    try {
      const c = linePushClient(srv.url, 'tok-1', { maxSockets: 1 });
      expect(await c.push({ to: 'U1', messages: text('一') }, 'k1')).toEqual({
        status: 200,
        requestId: 'a1',
        body: JSON.parse(ok('1')),
      });
      expect(await c.push({ to: 'U1', messages: text('二') }, 'k2')).toEqual({
        status: 200,
        requestId: 'a2',
        body: JSON.parse(ok('2')),
      });
      const e3 = await failure(c.push({ to: 'U1', messages: text('三') }, 'k3'));
      expect([e3.status, e3.statusText, e3.message, e3.body, e3.headers.get('content-type')]).toEqual([
        400,
        'Bad Request',
        '400 - Bad Request',
        err,
        'application/json',
      ]);
      expect(await c.push({ to: 'U1', messages: text('四') }, 'k4')).toEqual({
        status: 200,
        requestId: 'a4',
        body: null,
      });
      const e5 = await failure(c.push({ to: 'U1', messages: text('五') }, 'k5'));
      expect([e5.status, e5.body]).toEqual([500, 'no length: read until close']);
      expect((await c.push({ to: 'U1', messages: text('六') }, 'k6')).requestId).toBe('a6');
      expect((await c.push({ to: 'U1', messages: text('七') })).requestId).toBe('a7');
      // The request: method, path, headers and body byte for byte what the answer needs.
      const [head, body] = srv.requests[0].split('\r\n\r\n');
      const lines = head.split('\r\n');
      expect(lines[0]).toBe('POST /v2/bot/message/push HTTP/1.1');
      const h = Object.fromEntries(
        lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      expect(h).toMatchObject({
        host: srv.url.slice(7),
        authorization: 'Bearer tok-1',
        'content-type': 'application/json',
        'x-line-retry-key': 'k1',
        'content-length': String(Buffer.from(body, 'latin1').length),
      });
      expect(JSON.parse(Buffer.from(body, 'latin1').toString('utf8'))).toEqual({ to: 'U1', messages: text('一') });
      expect(srv.requests[6]).not.toMatch(/x-line-retry-key/i);
    } finally {
      srv.server.close();
    }
  });

  it('garbage instead of a status line, or an answer cut short, is an error and the socket is not reused', async () => {
    const srv = await scripted([
      'SMTP ready\r\n\r\n',
      `HTTP/1.1 200 OK\r\nx-line-request-id: b2\r\nContent-Length: 0\r\n\r\n`,
      null,
    ]);
    try {
      const c = linePushClient(srv.url, 'tok-2', { maxSockets: 1 });
      await expect(c.push({ to: 'U1', messages: text('x') }, 'k1')).rejects.toThrow(
        /does not match the HTTP\/1.1 protocol/,
      );
      expect((await c.push({ to: 'U1', messages: text('x') }, 'k2')).requestId).toBe('b2');
      // Dropped on the reused socket: sent once more on a new one; dropped there too, that is
      // not a stale socket any more: the error is thrown, no third attempt.
      await expect(c.push({ to: 'U1', messages: text('x') }, 'k3')).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
      expect(srv.requests.map((r) => /x-line-retry-key: (\S+)/i.exec(r)?.[1])).toEqual(['k1', 'k2', 'k3', 'k3']);
    } finally {
      srv.server.close();
    }
  });

  it.skipIf(!hasOpenssl())('https: TLS with SNI to the host name, certificate checked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'line-push-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const cert = readFileSync(join(dir, 'cert.pem'));
      let sni = '';
      const srv = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
        sni = (req.socket as unknown as { servername: string }).servername;
        req.resume();
        req.on('end', () =>
          res
            .writeHead(200, { 'content-type': 'application/json', 'x-line-request-id': 'tls-1' })
            .end(JSON.stringify({ sentMessages: [] })),
        );
      });
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      try {
        const port = (srv.address() as { port: number }).port;
        const c = linePushClient(`https://localhost:${port}`, 'tok-3', { tls: { ca: cert } });
        expect(await c.push({ to: 'U1', messages: text('x') }, randomUUID())).toEqual({
          status: 200,
          requestId: 'tls-1',
          body: { sentMessages: [] },
        });
        expect(sni).toBe('localhost');
        const untrusted = linePushClient(`https://localhost:${port}`, 'tok-3', { tls: {} });
        await expect(untrusted.push({ to: 'U1', messages: text('x') }, randomUUID())).rejects.toMatchObject({
          code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
        });
      } finally {
        srv.closeAllConnections();
        srv.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
