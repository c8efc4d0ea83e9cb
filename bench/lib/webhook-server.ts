// Child processes of the webhook benchmark (bench/webhook.ts), each alone in its process.
//   argv: careline | worker | bare
// 'careline': the real server (buildApp) on DATABASE_URL — its LINE webhook route verifies the
//   signature, stores each event once and enqueues its line.event job; no worker runs here.
// 'worker': the job worker (every job type, as `npm start`'s worker) on the same database, with a
//   stand-in for LINE's API in the same process (every call answers 200 {}), so replies and
//   acknowledgements cost what an HTTP round trip costs.
// 'bare': a bare Fastify app with the same raw-body signature check and JSON parse, answering {}.
// IPC: sends {cmd:'ready', url}; answers {cmd:'cpu'} with the CPU time since the previous one and
// {cmd:'close'} by exiting. env: DATABASE_URL, ENCRYPTION_KEY, BENCH_SECRET (bare).
import Fastify from 'fastify';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { loadConfig } from '../../apps/server/src/config.ts';
import { buildApp } from '../../apps/server/src/app.ts';
import { createDeps } from '../../apps/server/src/deps-factory.ts';
import { jobDefinitions } from '../../apps/server/src/jobs.ts';
import { startWorker } from '../../apps/server/src/platform/jobs.ts';
import { lowerWorkerPriority } from '../../apps/server/src/server.ts';
import { verifyLineSignature } from '../../apps/server/src/platform/line.ts';

if (process.send && process.argv[1] === import.meta.filename) {
  const kind = process.argv[2];
  let url = '';
  let close: () => Promise<void>;
  if (kind === 'bare') {
    const secret = process.env.BENCH_SECRET ?? '';
    const bare = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
    bare.removeContentTypeParser('application/json');
    bare.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body: Buffer, done) =>
      done(null, body),
    );
    bare.post('/line/webhook/:channelId', async (req, reply) => {
      const raw = req.body as Buffer;
      const sig = req.headers['x-line-signature'];
      if (!verifyLineSignature(raw, secret, typeof sig === 'string' ? sig : undefined))
        return reply.code(401).send({ error: { code: 'INVALID_SIGNATURE' } });
      const body = JSON.parse(raw.toString('utf8')) as { events?: unknown[] };
      return { received: body.events?.length ?? 0, stored: 0 };
    });
    await bare.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}`;
    close = () => bare.close();
  } else if (kind === 'careline') {
    const config = loadConfig({ ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'silent' });
    const { deps, database } = await createDeps(config, { migrate: false });
    const app = await buildApp(deps, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    close = async () => {
      await app.close();
      await database.close();
    };
  } else {
    // LINE's API stand-in: reply, push, profile, loading, markAsRead… all answer 200 {}.
    let calls = 0;
    const stub = createServer((req, res) => {
      calls++;
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    const lineUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    const config = loadConfig({
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      LINE_API_BASE_URL: lineUrl,
    });
    const { deps, database } = await createDeps(config, { migrate: false });
    lowerWorkerPriority(config, (m) => process.stderr.write(`${m}\n`)); // as `--role worker` does
    // The claim size of `npm start`'s worker (20, platform/jobs.ts); BENCH_WORKER_BATCH changes it.
    const batch = Number(process.env.BENCH_WORKER_BATCH ?? 20);
    const worker = startWorker(deps, jobDefinitions(), { workerId: `bench-${process.pid}`, pollMs: 20, batch });
    url = lineUrl;
    process.on('message', (m: { cmd: string }) => {
      if (m.cmd === 'calls') process.send!({ cmd: 'calls', calls });
    });
    close = async () => {
      await worker.stop();
      await database.close();
      stub.close();
    };
  }
  let last = process.cpuUsage();
  // Where a process's time went between two 'cpu' questions: event-loop delay (anything that
  // kept the loop from turning: synchronous SQLite, a checkpoint, JSON, waiting for a core) and
  // garbage-collection pauses.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  let gcMs = 0;
  let gcMaxMs = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      gcMaxMs = Math.max(gcMaxMs, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  // BENCH_PROF=<dir>: a CPU profile of each interval between two 'cpu' questions (the measured
  // phase is one of them, without the start-up and the warm-up), <kind>-<pid>-<n>.cpuprofile.
  const profDir = process.env.BENCH_PROF;
  const session = profDir ? new Session() : null;
  let profiles = 0;
  const nextProfile = async () => {
    if (!session) return;
    if (profiles > 0) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(`${profDir}/${kind}-${process.pid}-${profiles}.cpuprofile`, JSON.stringify(profile));
    } else {
      session.connect();
      await session.post('Profiler.enable');
    }
    await session.post('Profiler.start');
    profiles++;
  };
  await nextProfile();
  process.on('message', async (m: { cmd: string }) => {
    if (m.cmd === 'cpu') {
      await nextProfile();
      const d = process.cpuUsage(last);
      last = process.cpuUsage();
      const ms = (ns: number) => Math.round(ns / 1e4) / 100;
      process.send!({
        cmd: 'cpu',
        cpuUs: d.user + d.system,
        rssMb: Math.round(process.memoryUsage().rss / 1048576),
        loop: { p99_ms: ms(loop.percentile(99)), max_ms: ms(loop.max) },
        gc: { total_ms: Math.round(gcMs), max_ms: Math.round(gcMaxMs * 100) / 100 },
      });
      loop.reset();
      gcMs = 0;
      gcMaxMs = 0;
    } else if (m.cmd === 'close') {
      void close().then(() => process.exit(0));
    }
  });
  process.send({ cmd: 'ready', url });
}
