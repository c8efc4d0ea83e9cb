// Server-sent events for pages that follow a clinic's data live (the home page, the inbox). The
// stream polls what the page shows and sends an event only when it changed — or at least every
// 15 s, which also keeps proxies from closing an idle connection. Browsers reconnect after
// `retry`; every stream ends with its request or when the server closes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from './deps.ts';
import type { App } from './http.ts';

const HEARTBEAT_MS = 15_000;

/** The open streams of one set of routes; all are ended when the server closes. */
export function eventStreams(app: App): Set<() => void> {
  const streams = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of Array.from(streams)) end();
  });
  return streams;
}

export async function pollingEventStream(
  req: FastifyRequest,
  reply: FastifyReply,
  deps: Pick<Deps, 'log'>,
  streams: Set<() => void>,
  opts: {
    event: string;
    everyMs: number;
    read: () => Promise<unknown>;
    /** What counts as a change (default: the JSON itself); when given, also the event's id. */
    fingerprint?: (json: string) => string;
  },
): Promise<void> {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let last = '';
  let lastSent = 0;
  let closed = false;
  const tick = async () => {
    if (closed) return;
    try {
      const body = JSON.stringify(await opts.read());
      const fp = opts.fingerprint ? opts.fingerprint(body) : body;
      if (fp !== last || Date.now() - lastSent >= HEARTBEAT_MS) {
        last = fp;
        lastSent = Date.now();
        const id = opts.fingerprint ? `id: ${fp.slice(0, 12)}\n` : '';
        res.write(`event: ${opts.event}\n${id}data: ${body}\n\n`);
      }
    } catch (err) {
      deps.log.warn({ err }, `${opts.event} stream tick failed`);
    }
  };
  res.write('retry: 5000\n\n');
  await tick();
  const timer = setInterval(() => void tick(), opts.everyMs);
  const stop = () => {
    closed = true;
    clearInterval(timer);
    streams.delete(end);
  };
  const end = () => {
    stop();
    res.end();
  };
  streams.add(end);
  req.raw.on('close', stop);
}
