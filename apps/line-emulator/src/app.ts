// Builds the emulator's Fastify app from its parts (no listening here).
import Fastify, { type FastifyInstance } from 'fastify';
import { authRoutes } from './auth.ts';
import { controlRoutes } from './control.ts';
import { googleBusinessRoutes } from './google-business.ts';
import { requestId } from './ids.ts';
import { botGuards, messagingRoutes, RateLimiter, type Ctx } from './messaging.ts';
import { pnpRoutes } from './pnp.ts';
import { richMenuRoutes } from './richmenu.ts';
import { smsRoutes } from './sms.ts';
import { staticRoutes } from './static.ts';
import { Store, type ChannelConfig, type RateLimits } from './store.ts';
import { WebhookDispatcher, type WebhookOptions } from './webhook.ts';

export type AppOptions = {
  channels?: ChannelConfig[];
  log?: boolean;
  /** default limits for channels; false switches rate limiting off */
  rateLimits?: Partial<RateLimits> | false;
  webhook?: Partial<WebhookOptions>;
  smsReportDelayMs?: number;
  now?: () => number;
  /** Messages per channel kept whole in the log (default 20,000; older ones keep a summary). */
  fullMessageHistory?: number;
};

export type EmulatorApp = {
  app: FastifyInstance;
  store: Store;
  webhooks: WebhookDispatcher;
  close: () => Promise<void>;
};

export function buildApp(opts: AppOptions = {}): EmulatorApp {
  const store = new Store({ rateLimits: opts.rateLimits, now: opts.now, fullMessageHistory: opts.fullMessageHistory });
  const webhooks = new WebhookDispatcher(store, opts.webhook);
  const limiter = new RateLimiter();
  const seed = () => {
    for (const c of opts.channels ?? []) store.upsertChannel(c);
  };
  seed();
  const ctx: Ctx = { store, webhooks, limiter, onReset: seed };
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const app = Fastify({
    logger: opts.log ? { level: 'info' } : false,
    bodyLimit: 10 * 1024 * 1024,
    genReqId: requestId,
  });

  app.decorateRequest('channel', null as never);
  app.decorateRequest('lineRequestId', '');
  app.decorateRequest('faultAfter', false);
  app.decorateRequest('lineRetryKey', null);
  // Synchronous hook: an async one costs a promise and a microtask turn on every request.
  app.addHook('onRequest', (req, reply, done) => {
    req.lineRequestId = req.id;
    reply.header('x-line-request-id', req.id);
    // LIFF pages on other origins call /v2/profile and /oauth2/v2.1/verify from the browser.
    reply.header('access-control-allow-origin', '*');
    done();
  });
  app.options('*', async (_req, reply) => {
    reply
      .header('access-control-allow-methods', 'GET,POST,PUT,DELETE,OPTIONS')
      .header('access-control-allow-headers', 'authorization,content-type,x-line-retry-key,x-line-delivery-tag')
      .code(204)
      .send();
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addContentTypeParser(
    ['image/png', 'image/jpeg', 'application/octet-stream'],
    { parseAs: 'buffer' },
    (_req, body, done) => done(null, body),
  );
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, (body as string).length === 0 ? {} : JSON.parse(body as string));
    } catch {
      const e = new Error('The request body could not be parsed as JSON') as Error & { statusCode: number };
      e.statusCode = 400;
      done(e, undefined);
    }
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, _req, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    reply.code(status).send({ message: status === 500 ? 'An internal server error occurred.' : error.message });
  });
  app.setNotFoundHandler((_req, reply) => {
    reply.code(404).send({ message: 'Not found' });
  });

  // Bot endpoints: one scope with bearer auth, faults, rate limits and retry keys.
  app.register(async (bot) => {
    botGuards(bot, ctx);
    messagingRoutes(bot, ctx);
    pnpRoutes(bot, ctx);
    richMenuRoutes(bot, ctx);
  });
  app.register(async (open) => {
    authRoutes(open, store);
    controlRoutes(open, ctx);
    smsRoutes(open, store, { reportDelayMs: opts.smsReportDelayMs ?? 300, timers });
    staticRoutes(open, store);
    googleBusinessRoutes(open, { now: opts.now });
  });

  const close = async () => {
    webhooks.close();
    store.notify(); // release long-polls
    for (const t of timers) clearTimeout(t);
    await app.close();
  };
  return { app, store, webhooks, close };
}
