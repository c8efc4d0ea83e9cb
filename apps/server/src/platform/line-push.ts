// A lean client for LINE's push endpoint (POST /v2/bot/message/push), for the reminder
// dispatcher's hot path (up to 2,000 pushes/s per channel on a 2-core machine), and for the two
// calls of every message the bot answers (the Reply API and the loading animation). It sends what
// @line/bot-sdk's pushMessageWithHttpInfo sends (JSON body, Bearer token, X-Line-Retry-Key) and
// fails the same way: a non-2xx answer throws the SDK's HTTPFetchError with status, statusText,
// headers (a fetch Headers) and the body text exactly as LINE returned it, so callers handle
// 409/429/5xx/400 as they would with the SDK. Network errors and timeouts throw a plain Error
// (as fetch does).
//
// Why not the SDK: the SDK goes through fetch, whose WHATWG machinery (web streams, Headers
// and Request objects) costs several times the CPU of the request itself. This client uses
// undici's connection pool directly — the HTTP/1.1 engine under Node's own fetch, without that
// layer: measured against a local server, about 65 µs of CPU per push instead of 370 µs.
//
// A push on a reused keep-alive socket that the server had just closed fails before any
// answer; such a push is sent again once at once — safe because pushes carry a retry key (LINE
// answers 409 for a key it already accepted). Without a retry key, and for a reply, the error is
// thrown; a loading animation (harmless twice) is sent again.
//
// The pool connects directly; an egress proxy is not used (the SDK's fetch does not use one
// either unless NODE_USE_ENV_PROXY is set).
import type { messagingApi } from '@line/bot-sdk';
import { HTTPFetchError } from '@line/bot-sdk';
import type { ConnectionOptions } from 'node:tls';
import { Pool, errors as undiciErrors } from 'undici';

export type PushResult = { status: number; requestId: string | null; body: messagingApi.PushMessageResponse | null };

export type LinePushClient = {
  /** Pushes `messages` to `to`; resolves on 2xx, throws HTTPFetchError otherwise. */
  push(
    request: { to: string; messages: messagingApi.Message[]; notificationDisabled?: boolean },
    retryKey?: string,
  ): Promise<PushResult>;
  /** LINE's Reply API (POST /v2/bot/message/reply), the worker's answer to every message it handles. */
  reply(request: { replyToken: string; messages: messagingApi.Message[] }): Promise<void>;
  /** LINE's loading animation (POST /v2/bot/chat/loading/start). */
  startLoading(request: { chatId: string; loadingSeconds: number }): Promise<void>;
};

export type LinePushOptions = {
  /** Connections per LINE host for all clients of this process (default 64: one per push in flight). */
  maxSockets?: number;
  /** A push without a complete answer for this long fails (default 30 s; undici's timers resolve to about a second). */
  timeoutMs?: number;
  /** Extra TLS options (tests: a private CA). */
  tls?: ConnectionOptions;
};

const USER_AGENT = 'careline-line-push/1';
const BAD_HEADER_VALUE = /[\r\n\0]/;
const pools = new Map<string, Pool>();

function poolFor(origin: string, maxSockets: number, timeoutMs: number, tls: ConnectionOptions | undefined): Pool {
  const key = `${origin}|${maxSockets}|${timeoutMs}`;
  let pool = tls ? undefined : pools.get(key);
  if (!pool) {
    pool = new Pool(origin, {
      connections: maxSockets,
      pipelining: 1,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 10_000,
      ...(tls ? { connect: tls } : {}),
    });
    if (!tls) pools.set(key, pool);
  }
  return pool;
}

/** undici's timeout errors say which timer fired; callers only need "no answer in time". */
function normalise(err: unknown, timeoutMs: number): unknown {
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) {
    return Object.assign(new Error(`LINE API: no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT', cause: err });
  }
  return err;
}

/**
 * The server closed the connection before any answer (a keep-alive socket closed under us):
 * undici's "other side closed". A bad answer is a SocketError too, with another message, and
 * is not sent again.
 */
const isStaleSocket = (err: unknown) =>
  (err instanceof undiciErrors.SocketError && err.message === 'other side closed') ||
  (err as { code?: string } | null)?.code === 'ECONNRESET';

export function linePushClient(
  baseUrl: string,
  channelAccessToken: string,
  opts: LinePushOptions = {},
): LinePushClient {
  const url = new URL('/v2/bot/message/push', baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`LINE push: unsupported URL ${baseUrl}`);
  if (BAD_HEADER_VALUE.test(channelAccessToken)) throw new TypeError('LINE push: invalid channel access token');
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const pool = poolFor(url.origin, opts.maxSockets ?? 64, timeoutMs, opts.tls);
  const authorization = `Bearer ${channelAccessToken}`;

  const once = async (path: string, body: string, retryKey: string | undefined) => {
    const headers: Record<string, string> = {
      authorization,
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
    };
    if (retryKey !== undefined) headers['x-line-retry-key'] = retryKey;
    const res = await pool.request({ method: 'POST', path, headers, body });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text };
  };

  /** POSTs `body`; a 2xx answer is returned, any other thrown as the SDK's HTTPFetchError. */
  const post = async (path: string, body: string, retryKey: string | undefined, resendIfStale: boolean) => {
    let a: Awaited<ReturnType<typeof once>>;
    try {
      try {
        a = await once(path, body, retryKey);
      } catch (err) {
        if (!resendIfStale || !isStaleSocket(err)) throw err;
        a = await once(path, body, retryKey);
      }
    } catch (err) {
      throw normalise(err, timeoutMs);
    }
    const header = (k: string) => {
      const v = a.headers[k];
      return Array.isArray(v) ? v.join(', ') : (v ?? null);
    };
    if (a.status >= 200 && a.status < 300) return { status: a.status, text: a.text, header };
    const headers = new Headers();
    for (const k of Object.keys(a.headers)) {
      const v = header(k);
      try {
        if (v !== null) headers.append(k, v);
      } catch {
        /* a header value fetch would not accept either */
      }
    }
    const statusText = STATUS_TEXT[a.status] ?? '';
    throw new HTTPFetchError(`${a.status} - ${statusText}`, { status: a.status, statusText, headers, body: a.text });
  };

  return {
    async push(request, retryKey) {
      if (retryKey !== undefined && BAD_HEADER_VALUE.test(retryKey))
        throw new TypeError('LINE push: invalid retry key');
      const a = await post('/v2/bot/message/push', JSON.stringify(request), retryKey, retryKey !== undefined);
      let parsed: messagingApi.PushMessageResponse | null = null;
      if (a.text.length) {
        try {
          parsed = JSON.parse(a.text) as messagingApi.PushMessageResponse;
        } catch {
          parsed = null;
        }
      }
      return { status: a.status, requestId: a.header('x-line-request-id'), body: parsed };
    },
    async reply(request) {
      // Not sent again on a fresh socket: had LINE taken the first, the second would fail (a
      // reply token is single-use) and the caller would push the same answer as well.
      await post('/v2/bot/message/reply', JSON.stringify(request), undefined, false);
    },
    async startLoading(request) {
      await post('/v2/bot/chat/loading/start', JSON.stringify(request), undefined, true);
    },
  };
}

// undici does not report the reason phrase; the SDK's error carries fetch's statusText.
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
