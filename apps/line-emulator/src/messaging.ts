// Messaging API (api.line.me and api-data.line.me paths).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { USER_ID_RE, UUID_RE } from './ids.ts';
import { AUTH_FAILED, MONTHLY_LIMIT, RATE_LIMITED, badRequestDetails, header, lineError } from './http.ts';
import type { Channel, RateLimits, SentRecord, Store } from './store.ts';
import { validateMessages } from './validate.ts';
import { sign, type WebhookDispatcher } from './webhook.ts';

type Obj = Record<string, unknown>;
/** Which of the channel's rate limits an endpoint counts against (store.ts RateLimits). */
type RateClass = 'second' | 'multicast' | 'narrowcast' | 'broadcast' | 'richmenu';

const RATE: Record<RateClass, { limit: (l: RateLimits) => number; windowMs: number }> = {
  second: { limit: (l) => l.perSecond, windowMs: 1000 },
  multicast: { limit: (l) => l.multicastPerSecond, windowMs: 1000 },
  narrowcast: { limit: (l) => l.narrowcastPerHour, windowMs: 3_600_000 },
  broadcast: { limit: (l) => l.broadcastPerHour, windowMs: 3_600_000 },
  richmenu: { limit: (l) => l.richMenuCreatePerHour, windowMs: 3_600_000 },
};

/**
 * A token bucket per channel and endpoint (LINE counts each endpoint apart): `limit` tokens,
 * refilled evenly over the window, so a full bucket allows a burst of `limit` and then `limit`
 * per window — never the double burst of a fixed window at its edge.
 */
export class RateLimiter {
  /** channelId → endpoint key → bucket; cleared by the control API's reset */
  windows = new Map<string, Map<string, { tokens: number; at: number; limit: number }>>();
  check(store: Store, channel: Channel, cls: RateClass, endpoint: string): boolean {
    const limits = channel.rateLimits;
    if (limits === false) return true;
    const { windowMs } = RATE[cls];
    const limit = RATE[cls].limit(limits);
    const now = store.now();
    let perEndpoint = this.windows.get(channel.channelId);
    if (!perEndpoint) {
      perEndpoint = new Map();
      this.windows.set(channel.channelId, perEndpoint);
    }
    let b = perEndpoint.get(endpoint);
    if (!b || b.limit !== limit) {
      b = { tokens: limit, at: now, limit };
      perEndpoint.set(endpoint, b);
    } else if (now > b.at) {
      b.tokens = Math.min(limit, b.tokens + ((now - b.at) * limit) / windowMs);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

export type Ctx = { store: Store; webhooks: WebhookDispatcher; limiter: RateLimiter; onReset?: () => void };

const RETRY_KEY_ENDPOINTS = new Set([
  '/v2/bot/message/push',
  '/v2/bot/message/multicast',
  '/v2/bot/message/narrowcast',
  '/v2/bot/message/broadcast',
]);
const RETRY_KEY_TTL = 24 * 3600_000;
const GROUP_OR_ROOM_RE = /^[CR][0-9a-f]{32}$/;

/** What the guards need to know about a route, worked out once when the route is added. */
type RouteGuard = {
  path: string;
  /** "METHOD path": LINE's rate limits count per endpoint, and the same path with another method is another one */
  key: string | null;
  cls: RateClass;
  richMenuCreate: boolean;
  retryKeyAllowed: boolean;
};

type Done = (err?: Error) => void;

/**
 * Bearer auth, fault injection, rate limit and retry-key checks shared by every bot endpoint.
 * They run as a synchronous route-level onRequest hook (no promise per request); the route's
 * path, rate class and retry-key support are computed once per route in onRoute.
 */
export function botGuards(app: FastifyInstance, ctx: Ctx): void {
  const { store, limiter } = ctx;

  const afterLatency = (
    req: FastifyRequest,
    reply: FastifyReply,
    done: Done,
    route: RouteGuard,
    channel: Channel,
  ): void => {
    const f = store.faults.api;
    if (f.rateLimitBurst > 0 || f.failNext > 0 || f.errorRate > 0) {
      const affected = f.paths.length === 0 || f.paths.some((p) => req.url.startsWith(p));
      if (affected && f.rateLimitBurst > 0) {
        f.rateLimitBurst--;
        lineError(reply, 429, RATE_LIMITED);
        return;
      }
      if (affected && (f.failNext > 0 || (f.errorRate > 0 && Math.random() < f.errorRate))) {
        if (f.failNext > 0) f.failNext--;
        if (f.afterProcessing) req.faultAfter = true;
        else {
          lineError(reply, f.status, f.status === 429 ? RATE_LIMITED : 'An internal server error occurred.');
          return;
        }
      }
    }
    const cls: RateClass = route.richMenuCreate && req.method === 'POST' ? 'richmenu' : route.cls;
    if (!limiter.check(store, channel, cls, route.key ?? `${req.method} ${route.path}`)) {
      lineError(reply, 429, RATE_LIMITED);
      return;
    }
    const retryKey = header(req, 'x-line-retry-key');
    if (retryKey !== undefined) {
      if (!route.retryKeyAllowed) {
        lineError(reply, 400, 'The X-Line-Retry-Key header is not supported by this endpoint');
        return;
      }
      if (!UUID_RE.test(retryKey)) {
        lineError(reply, 400, 'The value of the X-Line-Retry-Key header is invalid');
        return;
      }
      req.lineRetryKey = retryKey;
    }
    done();
  };

  const guard = (req: FastifyRequest, reply: FastifyReply, done: Done, route: RouteGuard): void => {
    const auth = req.headers.authorization;
    if (!auth || !auth.startsWith('Bearer ')) {
      lineError(
        reply,
        401,
        "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'",
      );
      return;
    }
    const info = store.tokens.get(auth.slice(7));
    const channel = info && info.kind !== 'login' ? store.channels.get(info.channelId) : undefined;
    if (!info || !channel || (info.expiresAt !== null && info.expiresAt < store.now())) {
      lineError(reply, 401, AUTH_FAILED);
      return;
    }
    req.channel = channel;
    const latency = store.faults.api.latencyMs;
    if (latency === 0) afterLatency(req, reply, done, route, channel);
    else {
      setTimeout(() => {
        try {
          afterLatency(req, reply, done, route, channel);
        } catch (err) {
          done(err as Error); // as a throw in the synchronous path: Fastify answers through the error handler
        }
      }, latency);
    }
  };

  app.addHook('onRoute', (opts) => {
    const path = opts.url ?? opts.path;
    const route: RouteGuard = {
      path,
      key: typeof opts.method === 'string' ? `${opts.method} ${path}` : null,
      cls:
        path === '/v2/bot/message/multicast'
          ? 'multicast'
          : path === '/v2/bot/message/narrowcast'
            ? 'narrowcast'
            : path === '/v2/bot/message/broadcast'
              ? 'broadcast'
              : 'second',
      richMenuCreate: path === '/v2/bot/richmenu',
      retryKeyAllowed: RETRY_KEY_ENDPOINTS.has(path),
    };
    const hook = (req: FastifyRequest, reply: FastifyReply, done: Done) => guard(req, reply, done, route);
    const own = opts.onRequest;
    opts.onRequest = own === undefined ? [hook] : [hook, ...(Array.isArray(own) ? own : [own])];
  });

  app.addHook('onSend', (req, reply, payload, done) => {
    if (req.faultAfter) {
      reply.code(store.faults.api.status);
      reply.header('content-type', 'application/json; charset=utf-8');
      done(
        null,
        JSON.stringify({
          message: store.faults.api.status === 429 ? RATE_LIMITED : 'An internal server error occurred.',
        }),
      );
      return;
    }
    done(null, payload);
  });
}

/**
 * A retry key already accepted within 24 h → 409 with the first request's id (and, for push, its
 * sentMessages), nothing done again; true when it answered. Called first in the handlers that
 * accept keys, which then accept the key without waiting on anything: two requests with the same
 * key racing each other cannot both pass (a check before the body is read could let both through).
 */
function retryKeyTaken(store: Store, req: FastifyRequest, reply: FastifyReply): boolean {
  const key = req.lineRetryKey;
  const seen = key === null ? undefined : req.channel.retryKeys.get(key);
  if (!seen || store.now() - seen.at >= RETRY_KEY_TTL) return false;
  reply.header('x-line-accepted-request-id', seen.requestId);
  const sent = (seen.body as { sentMessages?: unknown }).sentMessages;
  lineError(reply, 409, 'The retry key is already accepted', undefined, sent ? { sentMessages: sent } : undefined);
  return true;
}

function acceptRetryKey(store: Store, req: FastifyRequest, status: number, body: unknown): void {
  const key = req.lineRetryKey;
  if (key !== null) req.channel.retryKeys.set(key, { requestId: req.lineRequestId, at: store.now(), status, body });
}

/** Charges `n` messages against the monthly quota; false when over the limit. */
function charge(store: Store, channel: Channel, n: number): boolean {
  const used = store.usage(channel);
  const limit = store.quotaLimit(channel);
  if (limit !== null && used + n > limit) return false;
  channel.usage.count += n;
  return true;
}

function deliver(ctx: Ctx, req: FastifyRequest, userId: string, messages: Obj[], via: string): SentRecord[] {
  const retryKey = req.lineRetryKey;
  const out: SentRecord[] = [];
  for (const m of messages)
    out.push(
      ctx.store.record(req.channel, {
        direction: 'bot',
        userId,
        via,
        message: m,
        requestId: req.lineRequestId,
        retryKey,
      }),
    );
  ctx.store.notify();
  return out;
}

function sentMessages(recs: SentRecord[]): { id: string; quoteToken: string }[] {
  return recs.map((r) => ({ id: r.id, quoteToken: 'q' + r.id }));
}

function isFriend(channel: Channel, userId: string): boolean {
  return channel.friends.get(userId) === 'friend';
}

function friendsOf(channel: Channel): string[] {
  const out: string[] = [];
  for (const [u, s] of channel.friends) if (s === 'friend') out.push(u);
  return out;
}

/** The yyyyMMdd day of an ISO instant in Japan time: LINE's delivery statistics count days in UTC+9. */
function jstDay(iso: string): string {
  return new Date(Date.parse(iso) + 9 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

function body(req: FastifyRequest): Obj {
  const b = req.body;
  return typeof b === 'object' && b !== null && !Array.isArray(b) ? (b as Obj) : {};
}

function checkMessages(reply: FastifyReply, messages: unknown): boolean {
  const details = validateMessages(messages);
  if (details.length > 0) {
    badRequestDetails(reply, details);
    return false;
  }
  return true;
}

export function messagingRoutes(app: FastifyInstance, ctx: Ctx): void {
  const { store } = ctx;

  // Synchronous (no promise per request): the hot path of every reminder.
  app.post('/v2/bot/message/push', (req, reply) => {
    if (retryKeyTaken(store, req, reply)) return;
    const b = body(req);
    const to = b.to;
    if (typeof to !== 'string' || to.length === 0) {
      badRequestDetails(reply, [{ message: 'must be specified', property: 'to' }]);
      return;
    }
    if (!checkMessages(reply, b.messages)) return;
    if (!USER_ID_RE.test(to) && !GROUP_OR_ROOM_RE.test(to)) {
      lineError(reply, 400, "The property, 'to', in the request body is invalid (line: -, column: -)");
      return;
    }
    const user = store.users.get(to);
    if (!user || !isFriend(req.channel, to)) {
      lineError(reply, 400, 'Failed to send messages');
      return;
    }
    if (!charge(store, req.channel, 1)) {
      lineError(reply, 429, MONTHLY_LIMIT);
      return;
    }
    // the log keeps the user's own id string, not this request's copy of it
    const res = { sentMessages: sentMessages(deliver(ctx, req, user.userId, b.messages as Obj[], 'push')) };
    acceptRetryKey(store, req, 200, res);
    reply.send(res);
  });

  app.post('/v2/bot/message/reply', async (req, reply) => {
    const b = body(req);
    if (typeof b.replyToken !== 'string' || b.replyToken === '')
      return badRequestDetails(reply, [{ message: 'must be specified', property: 'replyToken' }]);
    if (!checkMessages(reply, b.messages)) return reply;
    const t = store.replyTokens.get(b.replyToken);
    if (!t || t.used || t.channelId !== req.channel.channelId || t.expiresAt < store.now())
      return lineError(reply, 400, 'Invalid reply token');
    t.used = true;
    if (!isFriend(req.channel, t.userId)) return { sentMessages: sentMessages([]) };
    return { sentMessages: sentMessages(deliver(ctx, req, t.userId, b.messages as Obj[], 'reply')) };
  });

  app.post('/v2/bot/message/multicast', async (req, reply) => {
    if (retryKeyTaken(store, req, reply)) return reply;
    const b = body(req);
    if (!Array.isArray(b.to) || b.to.length < 1 || b.to.length > 500)
      return badRequestDetails(reply, [{ message: 'Size must be between 1 and 500', property: 'to' }]);
    if (!checkMessages(reply, b.messages)) return reply;
    for (let i = 0; i < b.to.length; i++) {
      if (typeof b.to[i] !== 'string' || !USER_ID_RE.test(b.to[i] as string))
        return lineError(reply, 400, `The property, 'to[${i}]', in the request body is invalid (line: -, column: -)`);
    }
    const targets = [...new Set(b.to as string[])].filter((u) => isFriend(req.channel, u));
    if (!charge(store, req.channel, targets.length)) return lineError(reply, 429, MONTHLY_LIMIT);
    for (const u of targets) deliver(ctx, req, u, b.messages as Obj[], 'multicast');
    acceptRetryKey(store, req, 200, {});
    return {};
  });

  app.post('/v2/bot/message/broadcast', async (req, reply) => {
    if (retryKeyTaken(store, req, reply)) return reply;
    const b = body(req);
    if (!checkMessages(reply, b.messages)) return reply;
    const targets = friendsOf(req.channel);
    if (!charge(store, req.channel, targets.length)) return lineError(reply, 429, MONTHLY_LIMIT);
    for (const u of targets) deliver(ctx, req, u, b.messages as Obj[], 'broadcast');
    acceptRetryKey(store, req, 200, {});
    return {};
  });

  app.post('/v2/bot/message/narrowcast', async (req, reply) => {
    if (retryKeyTaken(store, req, reply)) return reply;
    const b = body(req);
    if (!checkMessages(reply, b.messages)) return reply;
    // Audiences and demographic filters are not emulated: a narrowcast reaches every friend
    // (or only the user ids listed in an emulator-only `recipient.userIds`).
    const recipient = (b.recipient ?? {}) as Obj;
    const all = friendsOf(req.channel);
    const targets = Array.isArray(recipient.userIds)
      ? all.filter((u) => (recipient.userIds as unknown[]).includes(u))
      : all;
    const max =
      typeof b.limit === 'object' && b.limit !== null && typeof (b.limit as Obj).max === 'number'
        ? ((b.limit as Obj).max as number)
        : Infinity;
    const chosen = targets.slice(0, max);
    const requestId = req.lineRequestId;
    const progress = {
      acceptedTime: new Date(store.now()).toISOString(),
      phase: 'waiting' as 'waiting' | 'sending' | 'succeeded' | 'failed',
      targetCount: chosen.length,
      successCount: 0,
      completedTime: undefined as string | undefined,
    };
    if (!charge(store, req.channel, chosen.length)) return lineError(reply, 429, MONTHLY_LIMIT);
    req.channel.narrowcasts.set(requestId, progress);
    const channel = req.channel;
    setTimeout(() => {
      progress.phase = 'sending';
      for (const u of chosen) {
        for (const m of b.messages as Obj[])
          store.record(channel, {
            direction: 'bot',
            userId: u,
            via: 'narrowcast',
            message: m,
            requestId,
            retryKey: req.lineRetryKey,
          });
      }
      progress.successCount = chosen.length;
      progress.phase = 'succeeded';
      progress.completedTime = new Date(store.now()).toISOString();
      store.notify();
    }, 50);
    acceptRetryKey(store, req, 202, {});
    return reply.code(202).send({});
  });

  app.get('/v2/bot/message/progress/narrowcast', async (req, reply) => {
    const q = req.query as Obj;
    const p = typeof q.requestId === 'string' ? req.channel.narrowcasts.get(q.requestId) : undefined;
    if (!p) return lineError(reply, 404, 'Not found');
    const out: Obj = { phase: p.phase, acceptedTime: p.acceptedTime, targetCount: p.targetCount };
    if (p.phase === 'succeeded' || p.phase === 'failed') {
      out.successCount = p.successCount;
      out.failureCount = p.targetCount - p.successCount;
      out.completedTime = p.completedTime;
    }
    return out;
  });

  for (const kind of ['push', 'reply', 'multicast', 'narrowcast', 'broadcast']) {
    app.post(`/v2/bot/message/validate/${kind}`, async (req, reply) => {
      if (!checkMessages(reply, body(req).messages)) return reply;
      return {};
    });
  }

  app.get('/v2/bot/message/quota', async (req) => {
    const limit = store.quotaLimit(req.channel);
    return limit === null ? { type: 'none' } : { type: 'limited', value: limit };
  });
  app.get('/v2/bot/message/quota/consumption', async (req) => ({ totalUsage: store.usage(req.channel) }));

  // pnp: LINE notification messages (pnp.ts), one per request and recipient like the others.
  for (const kind of ['reply', 'push', 'multicast', 'broadcast', 'pnp']) {
    app.get(`/v2/bot/message/delivery/${kind}`, async (req, reply) => {
      const date = (req.query as Obj).date;
      if (typeof date !== 'string' || !/^\d{8}$/.test(date))
        return badRequestDetails(reply, [{ message: 'must be specified', property: 'date' }]);
      let success = 0;
      const seen = new Set<string>();
      for (const r of req.channel.log) {
        if (
          r.direction === 'bot' &&
          r.via === kind &&
          jstDay(r.at) === date &&
          !seen.has(`${r.requestId}:${r.userId}`)
        ) {
          seen.add(`${r.requestId}:${r.userId}`);
          success++;
        }
      }
      return { status: 'ready', success };
    });
  }

  app.get('/v2/bot/profile/:userId', async (req, reply) => {
    const { userId } = req.params as { userId: string };
    const u = store.users.get(userId);
    if (!u || !isFriend(req.channel, userId)) return lineError(reply, 404, 'Not found');
    const out: Obj = { userId: u.userId, displayName: u.displayName, language: u.language };
    if (u.pictureUrl) out.pictureUrl = u.pictureUrl;
    if (u.statusMessage) out.statusMessage = u.statusMessage;
    return out;
  });

  app.get('/v2/bot/followers/ids', async (req, reply) => {
    const q = req.query as Obj;
    const limit = q.limit === undefined ? 300 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return badRequestDetails(reply, [{ message: 'must be between 1 and 1000', property: 'limit' }]);
    const all = friendsOf(req.channel);
    const start =
      typeof q.start === 'string' ? Number.parseInt(Buffer.from(q.start, 'base64url').toString(), 10) || 0 : 0;
    const userIds = all.slice(start, start + limit);
    const out: Obj = { userIds };
    if (start + limit < all.length) out.next = Buffer.from(String(start + limit)).toString('base64url');
    return out;
  });

  app.get('/v2/bot/info', async (req) => ({
    userId: req.channel.botUserId,
    basicId: req.channel.basicId,
    displayName: req.channel.displayName,
    chatMode: 'bot',
    markAsReadMode: req.channel.markAsReadMode,
  }));

  app.get('/v2/bot/channel/webhook/endpoint', async (req) => ({
    endpoint: req.channel.webhookUrl ?? '',
    active: req.channel.webhookActive && !!req.channel.webhookUrl,
  }));
  app.put('/v2/bot/channel/webhook/endpoint', async (req, reply) => {
    const endpoint = body(req).endpoint;
    if (typeof endpoint !== 'string' || !/^https?:\/\//.test(endpoint) || endpoint.length > 500)
      return badRequestDetails(reply, [{ message: 'invalid endpoint', property: 'endpoint' }]);
    req.channel.webhookUrl = endpoint;
    return {};
  });
  app.post('/v2/bot/channel/webhook/test', async (req) => {
    const endpoint = (body(req).endpoint as string | undefined) ?? req.channel.webhookUrl;
    const timestamp = new Date(store.now()).toISOString();
    if (!endpoint)
      return { success: false, timestamp, statusCode: 0, reason: 'COULD_NOT_CONNECT', detail: 'no endpoint' };
    const b = JSON.stringify({ destination: req.channel.botUserId, events: [] });
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-line-signature': sign(b, req.channel.channelSecret) },
        body: b,
        signal: AbortSignal.timeout(2000),
      });
      const ok = res.status >= 200 && res.status < 300;
      return {
        success: ok,
        timestamp,
        statusCode: res.status,
        reason: ok ? 'OK' : 'ERROR_STATUS_CODE',
        detail: String(res.status),
      };
    } catch (e) {
      return { success: false, timestamp, statusCode: 0, reason: 'COULD_NOT_CONNECT', detail: (e as Error).message };
    }
  });

  // The animation shows in the user's chat for loadingSeconds (5–60, a multiple of 5; default 20)
  // or until the bot's next message arrives, whichever is first.
  app.post('/v2/bot/chat/loading/start', async (req, reply) => {
    const b = body(req);
    if (typeof b.chatId !== 'string' || !USER_ID_RE.test(b.chatId))
      return badRequestDetails(reply, [{ message: 'must be specified', property: 'chatId' }]);
    const seconds = b.loadingSeconds ?? 20;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 5 || seconds > 60 || seconds % 5 !== 0)
      return badRequestDetails(reply, [
        { message: 'must be a multiple of 5 from 5 to 60', property: 'loadingSeconds' },
      ]);
    if (req.channel.friends.get(b.chatId) === 'friend') {
      req.channel.loadingUntil.set(b.chatId, store.now() + seconds * 1000);
      store.notify();
    }
    return reply.code(202).send({});
  });

  // Marks the user's messages up to the one whose webhook event carried the token as read (已讀).
  app.post('/v2/bot/chat/markAsRead', async (req, reply) => {
    const b = body(req);
    const t = typeof b.markAsReadToken === 'string' ? req.channel.readTokens.get(b.markAsReadToken) : undefined;
    if (!t) return lineError(reply, 400, 'An invalid markAsReadToken is specified');
    if ((req.channel.readUpTo.get(t.userId) ?? 0) < t.seq) {
      req.channel.readUpTo.set(t.userId, t.seq);
      store.notify();
    }
    return reply.code(200).send({});
  });

  // Data API: content the user sent.
  app.get('/v2/bot/message/:messageId/content', async (req, reply) => {
    const { messageId } = req.params as { messageId: string };
    const c = store.contents.get(messageId);
    if (!c) return lineError(reply, 404, 'Not found');
    return reply.header('content-type', c.contentType).send(c.data);
  });
  app.get('/v2/bot/message/:messageId/content/transcoding', async (req, reply) => {
    const { messageId } = req.params as { messageId: string };
    if (!store.contents.has(messageId)) return lineError(reply, 404, 'Not found');
    return { status: 'succeeded' };
  });
}
