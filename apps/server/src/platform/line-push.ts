// A lean client for LINE's push endpoint (POST /v2/bot/message/push) on node:http(s) with a
// keep-alive agent, for the reminder dispatcher's hot path (up to 2,000 pushes/s per channel).
// It sends what @line/bot-sdk's pushMessageWithHttpInfo sends (JSON body, Bearer token,
// X-Line-Retry-Key) and fails the same way: a non-2xx answer throws the SDK's HTTPFetchError
// with status, statusText, headers (a fetch Headers) and the body text exactly as LINE
// returned it, so callers handle 409/429/5xx/400 as they would with the SDK. Network errors and
// timeouts throw a plain Error (as fetch does). The SDK's fetch path costs about three times
// the CPU per request (web streams, Headers/Request objects), which starved the worker at
// LINE's rate limit on 2 cores.
//
// A request on a reused keep-alive socket that the server had just closed fails before any
// answer (ECONNRESET/EPIPE); such a push is sent again once at once on a new socket — safe
// because pushes carry a retry key (LINE answers 409 for a key it already accepted); without a
// retry key the error is thrown.
import http from 'node:http';
import https from 'node:https';
import type { messagingApi } from '@line/bot-sdk';
import { HTTPFetchError } from '@line/bot-sdk';

export type PushResult = { status: number; requestId: string | null; body: messagingApi.PushMessageResponse | null };

export type LinePushClient = {
  /** Pushes `messages` to `to`; resolves on 2xx, throws HTTPFetchError otherwise. */
  push(request: { to: string; messages: messagingApi.Message[]; notificationDisabled?: boolean }, retryKey?: string): Promise<PushResult>;
};

export type LinePushOptions = {
  /** Sockets per LINE host for all clients of this process (default 64: one per push in flight). */
  maxSockets?: number;
  /** A push without an answer within this time fails (default 30 s). */
  timeoutMs?: number;
};

const USER_AGENT = 'careline-line-push/1';
// One agent per origin and socket count, shared by every channel's client in this process
// (clients are re-created when a clinic's settings are reloaded; the sockets stay).
const agents = new Map<string, http.Agent>();
function agentFor(url: URL, maxSockets: number, timeoutMs: number): http.Agent {
  const key = `${url.origin}|${maxSockets}|${timeoutMs}`;
  let a = agents.get(key);
  if (!a) {
    // `timeout` is the sockets' idle timeout: a request without an answer for that long emits
    // 'timeout' (no timer per request), an idle pooled socket is closed after it.
    const o = { keepAlive: true, keepAliveMsecs: 10_000, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' as const, timeout: timeoutMs };
    a = url.protocol === 'https:' ? new https.Agent(o) : new http.Agent(o);
    agents.set(key, a);
  }
  return a;
}

const RETRYABLE_SOCKET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

export function linePushClient(baseUrl: string, channelAccessToken: string, opts: LinePushOptions = {}): LinePushClient {
  const url = new URL('/v2/bot/message/push', baseUrl);
  const transport = url.protocol === 'https:' ? https : http;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const agent = agentFor(url, opts.maxSockets ?? 64, timeoutMs);
  const auth = `Bearer ${channelAccessToken}`;
  const reqOpts = { protocol: url.protocol, hostname: url.hostname, port: url.port || undefined, path: url.pathname, method: 'POST', agent };

  function once(body: Buffer, retryKey: string | undefined): Promise<PushResult> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': body.length, authorization: auth, 'user-agent': USER_AGENT };
      if (retryKey !== undefined) headers['x-line-retry-key'] = retryKey;
      const req = transport.request({ ...reqOpts, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
          if (status >= 200 && status < 300) {
            let parsed: messagingApi.PushMessageResponse | null = null;
            try {
              parsed = text ? (JSON.parse(text) as messagingApi.PushMessageResponse) : null;
            } catch {
              parsed = null;
            }
            resolve({ status, requestId: headerOf(res.headers['x-line-request-id']), body: parsed });
            return;
          }
          const statusText = res.statusMessage ?? '';
          reject(new HTTPFetchError(`${status} - ${statusText}`, { status, statusText, headers: toHeaders(res.headers), body: text }));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`LINE push: no answer within ${timeoutMs} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (req.reusedSocket && err.code !== undefined && RETRYABLE_SOCKET.has(err.code)) Object.assign(err, { staleSocket: true });
        reject(err);
      });
      req.end(body);
    });
  }

  return {
    async push(request, retryKey) {
      const body = Buffer.from(JSON.stringify(request));
      try {
        return await once(body, retryKey);
      } catch (err) {
        if (retryKey !== undefined && (err as { staleSocket?: boolean }).staleSocket) return once(body, retryKey);
        throw err;
      }
    },
  };
}

function headerOf(v: string | string[] | undefined): string | null {
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(', ') : v;
}

function toHeaders(h: http.IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out.append(k, x);
    else out.set(k, v);
  }
  return out;
}
