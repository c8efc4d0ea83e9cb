// `npm run bench -- webhook`: signed LINE webhook deliveries at 1,000 events/s for 30 s through
// the real server's webhook route: signature check over the raw body, de-duplication by
// webhookEventId, storage of the event, its line.event job and — for a user's message — the
// inbox writes (the friend record, the message log, the conversation), all in the route's
// transaction. The same open-loop load then goes to a bare Fastify app with the same signature
// check. The worker (the text hooks: FAQ answers, replies to a LINE stand-in) runs the jobs after
// the measured phases; BENCH_WORKER_DURING=1 runs it during them, on the same cores.
//   p99_ms   acknowledgement latency of the Careline route (from the request's scheduled send
//            time, so a stall counts for every request it delays: no coordinated omission)
//   ratio    baseline p99 ÷ Careline p99 at the same offered rate, each server alone in its
//            process; 1 = as fast as the bare app; the target 0.5 = at most twice its latency
//   lost     distinct events sent − events stored with their inbox rows and processed by the
//            worker, after it drained every job (redeliveries of 1 % of the events must add nothing)
//   worker_cpu_ms_per_job  the worker's CPU from the measured phase's start to the drain's end ÷
//            the events it processed meanwhile (what an event costs it, its LINE stand-in included)
// plus faq_p95_ms from bench/lib/faq.ts (the FAQ matcher, 2,000 FAQs × 5 wordings) when present.
//   BENCH_RATE (1000 events/s), BENCH_SECONDS (30), BENCH_USERS (500), BENCH_DUPLICATES (0.01),
//   BENCH_WORKER_DURING=1 runs the worker during the measured phases (the bot answering meanwhile),
//   BENCH_DATABASE_URL=postgres://… runs on PostgreSQL instead of a temporary SQLite file,
//   BENCH_WORKER_BATCH (20, as `npm start`'s worker) the jobs the worker claims at a time.
import { fork, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../apps/server/src/config.ts';
import { createDeps } from '../apps/server/src/deps-factory.ts';
import { clinicService } from '../apps/server/src/modules/clinics/service.ts';
import { lineService } from '../apps/server/src/modules/line/service.ts';
import { systemActor } from '../apps/server/src/platform/audit.ts';
import { percentile } from './lib/load.ts';

const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const USERS = Number(process.env.BENCH_USERS ?? 500);
const DUPLICATES = Number(process.env.BENCH_DUPLICATES ?? 0.01);
const WARMUP_S = 3;
const WORKER_DURING = process.env.BENCH_WORKER_DURING === '1';
const CHANNEL_ID = '1650000001';
const log = (s: string) => process.stderr.write(`[webhook] ${s}\n`);
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

type Usage = {
  cpuUs: number;
  rssMb: number;
  loop: { p99_ms: number; max_ms: number };
  gc: { total_ms: number; max_ms: number };
};

type Child = { proc: ChildProcess; url: string; ask<T>(cmd: string): Promise<T> };

function startChild(kind: 'careline' | 'worker' | 'bare', env: Record<string, string>): Promise<Child> {
  const proc = fork(join(import.meta.dirname, 'lib', 'webhook-server.ts'), [kind], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ask = <T>(cmd: string) =>
    new Promise<T>((resolve, reject) => {
      const on = (m: { cmd: string }) => {
        if (m.cmd !== cmd) return;
        proc.off('message', on);
        proc.off('exit', exit);
        resolve(m as T);
      };
      const exit = (code: number | null) => {
        proc.off('message', on);
        reject(new Error(`${kind} exited (${code}) before "${cmd}"`));
      };
      proc.on('message', on);
      proc.once('exit', exit);
      if (cmd !== 'ready') proc.send({ cmd });
    });
  return ask<{ url: string }>('ready').then(({ url }) => ({ proc, url, ask }));
}

const stop = (c: Child) =>
  new Promise<void>((resolve) => {
    c.proc.once('exit', () => resolve());
    c.proc.send({ cmd: 'close' });
  });

/** One webhook delivery body with one text message event (LINE sends one event per delivery here). */
function delivery(i: number, redelivery = false): string {
  const user = `U${(i % USERS).toString(16).padStart(32, '0')}`;
  return JSON.stringify({
    destination: 'Ubench',
    events: [
      {
        type: 'message',
        mode: 'active',
        timestamp: Date.now(),
        webhookEventId: `01BENCH${i.toString(36).padStart(19, '0')}`,
        deliveryContext: { isRedelivery: redelivery },
        source: { type: 'user', userId: user },
        replyToken: randomBytes(16).toString('hex'),
        message: { id: String(100_000_000 + i), type: 'text', quoteToken: `q${i}`, text: `請問門診時間 ${i}` },
      },
    ],
  });
}

type Phase = { latencies: number[]; sent: number; errors: number; samples: string[]; seconds: number };

/**
 * Open-loop load: request k is due at start + k/rate, whatever the answers of earlier ones;
 * its latency is measured from that due time. `body(k)` gives the k-th delivery.
 */
async function openLoop(url: string, secret: string, seconds: number, body: (k: number) => string): Promise<Phase> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(url);
  const total = Math.round(seconds * RATE);
  const latencies: number[] = [];
  const samples = new Set<string>();
  let errors = 0;
  let done = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    let k = 0;
    const send = (due: number) => {
      const raw = Buffer.from(body(k++));
      const signature = createHmac('sha256', secret).update(raw).digest('base64');
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': raw.length, 'x-line-signature': signature },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - due);
            if (res.statusCode !== 200) {
              errors++;
              if (samples.size < 5) samples.add(`HTTP ${res.statusCode}`);
            }
            if (++done === total) resolve();
          });
        },
      );
      req.on('error', (err) => {
        errors++;
        if (samples.size < 5) samples.add(String(err));
        if (++done === total) resolve();
      });
      req.end(raw);
    };
    const tick = () => {
      const now = performance.now();
      while (k < total && t0 + (k * 1000) / RATE <= now) send(t0 + (k * 1000) / RATE);
      if (k < total) setTimeout(tick, 1);
    };
    tick();
  });
  agent.destroy();
  return { latencies, sent: total, errors, samples: [...samples], seconds: (performance.now() - t0) / 1000 };
}

function summary(p: Phase) {
  const s = Float64Array.from(p.latencies).sort();
  return {
    sent: p.sent,
    errors: p.errors,
    error_samples: p.samples,
    p50_ms: round(percentile(s, 50)),
    p95_ms: round(percentile(s, 95)),
    p99_ms: round(percentile(s, 99)),
    max_ms: round(s[s.length - 1] ?? 0),
    achieved_per_s: round(p.sent / p.seconds, 1),
  };
}

async function faqFigures(): Promise<Record<string, unknown>> {
  const file = join(import.meta.dirname, 'lib', 'faq.ts');
  if (!existsSync(file)) return {};
  const mod = (await import(file)) as { default?: () => Promise<Record<string, unknown>> };
  if (typeof mod.default !== 'function') return {};
  log('FAQ matcher (bench/lib/faq.ts)…');
  const r = await mod.default();
  return { faq_p95_ms: r.faq_p95_ms, faq: r };
}

export default async function webhookBench() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-webhook-'));
  const secret = randomBytes(16).toString('hex');
  const env = {
    DATABASE_URL: process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, 'webhook.db')}`,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PUBLIC_BASE_URL: 'http://careline.test',
    BENCH_SECRET: secret,
  };
  // The database: migrated, one clinic with its LINE channel.
  const config = loadConfig({ ...env, NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  const { deps, database } = await createDeps(config);
  const clinic = await clinicService(deps).create({ name: '壓測診所' });
  await lineService(deps).saveChannel(
    clinic.id,
    { channelId: CHANNEL_ID, channelSecret: secret, accessToken: 'bench-token' },
    systemActor,
    '127.0.0.1',
  );

  const [careline, bare] = await Promise.all([startChild('careline', env), startChild('bare', env)]);
  let worker: Child | null = WORKER_DURING ? await startChild('worker', env) : null;
  const path = `/line/webhook/${CHANNEL_ID}`;
  const count = async (q: Promise<{ n: number | string }>) => Number((await q).n);
  const processedCount = () =>
    count(
      deps.db
        .selectFrom('line_webhook_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('clinic_id', '=', clinic.id)
        .where('processed_at', 'is not', null)
        .executeTakeFirstOrThrow(),
    );
  // the incoming messages in the message log (the inbox's rows, written by the webhook's storage)
  const loggedCount = () =>
    count(
      deps.db
        .selectFrom('line_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('clinic_id', '=', clinic.id)
        .where('direction', '=', 'in')
        .executeTakeFirstOrThrow(),
    );
  try {
    // Events 0 … n-1 are distinct; every 1/DUPLICATES-th delivery repeats an earlier event as a redelivery.
    let next = 0;
    let redeliveries = 0;
    const sentIds = new Set<number>();
    const every = DUPLICATES > 0 ? Math.round(1 / DUPLICATES) : 0;
    const carelineBody = (k: number) => {
      if (every && k % every === every - 1 && next > 10) {
        redeliveries++;
        return delivery(next - 1 - (k % 10), true);
      }
      sentIds.add(next);
      return delivery(next++);
    };
    log(`warm-up ${WARMUP_S} s at ${RATE}/s (Careline, then the bare app)`);
    await openLoop(careline.url + path, secret, WARMUP_S, carelineBody);
    await openLoop(bare.url + path, secret, WARMUP_S, (k) => delivery(10_000_000 + k));
    await Promise.all([careline.ask('cpu'), bare.ask('cpu'), worker?.ask('cpu')]);
    const processedBefore = await processedCount();
    log(`Careline: ${SECONDS} s at ${RATE} events/s ${worker ? 'with the worker running' : 'without the worker'}`);
    const la0 = loadavg()[0];
    const sub = summary(await openLoop(careline.url + path, secret, SECONDS, carelineBody));
    const [apiCpu, workerCpu] = await Promise.all([careline.ask<Usage>('cpu'), worker?.ask<Usage>('cpu') ?? null]);
    log(`  p50 ${sub.p50_ms} ms, p99 ${sub.p99_ms} ms, max ${sub.max_ms} ms, errors ${sub.errors}`);
    // in the log and the inbox when acknowledged: every message so far, before any job of the phase ran
    const atAck = worker ? null : { distinct: sentIds.size, logged: await loggedCount() };
    // Drain: the worker runs every line.event job; then count what was stored and logged. The
    // bare app is measured after it, on a machine as quiet as the Careline route's started on
    // (measured while the worker still drained, its p99 moved between 6 and 15 ms run to run).
    if (!worker) {
      worker = await startChild('worker', env);
      await worker.ask('cpu'); // its start-up is no job's CPU
    }
    const drainStart = performance.now();
    const pending = () =>
      count(
        deps.db
          .selectFrom('jobs')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', 'in', ['pending', 'running'])
          .executeTakeFirstOrThrow(),
      );
    for (let left = await pending(); left > 0; left = await pending()) {
      if (performance.now() - drainStart > 600_000) throw new Error(`worker did not drain: ${left} jobs left`);
      log(`  draining: ${left} jobs left`);
      await new Promise((r) => setTimeout(r, 2000));
    }
    const drainS = (performance.now() - drainStart) / 1000;
    const drainCpu = await worker.ask<Usage>('cpu');
    log(`bare Fastify with the same signature check: ${SECONDS} s at ${RATE}/s`);
    await bare.ask('cpu');
    const base = summary(await openLoop(bare.url + path, secret, SECONDS, (k) => delivery(20_000_000 + k)));
    const bareUse = await bare.ask<Usage>('cpu');
    log(`  p50 ${base.p50_ms} ms, p99 ${base.p99_ms} ms`);
    const stored = await count(
      deps.db
        .selectFrom('line_webhook_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('clinic_id', '=', clinic.id)
        .executeTakeFirstOrThrow(),
    );
    const processed = await processedCount();
    const logged = await loggedCount();
    const dead = await count(
      deps.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'dead')
        .executeTakeFirstOrThrow(),
    );
    const distinct = sentIds.size;
    const lost = distinct - Math.min(stored, processed, logged);
    log(`distinct events ${distinct}, stored ${stored}, processed ${processed}, logged ${logged}, dead jobs ${dead}`);
    const ratio = round(base.p99_ms / Math.max(sub.p99_ms, 0.01), 3);
    return {
      metric: 'p99_ack_ms',
      value: sub.p99_ms,
      unit: 'ms',
      baseline: base.p99_ms,
      ratio,
      p99_ms: sub.p99_ms,
      lost,
      ...(await faqFigures()),
      rate_per_s: RATE,
      seconds: SECONDS,
      careline: sub,
      bare: base,
      events: { distinct, redeliveries, stored, processed, logged },
      // after the phase, before the worker ran a job of it: distinct events sent, messages in the log
      in_inbox_when_acknowledged: atAck,
      dead_jobs: dead,
      drain_s: round(drainS, 1),
      api_cpu_ms_per_event: round(apiCpu.cpuUs / 1000 / sub.sent, 3),
      worker_during: WORKER_DURING,
      worker_cpu_ms_per_event: workerCpu ? round(workerCpu.cpuUs / 1000 / sub.sent, 3) : null,
      // the worker's CPU per event it processed, from the measured phase's start to the drain's end
      worker_cpu_ms_per_job: round(
        ((workerCpu?.cpuUs ?? 0) + drainCpu.cpuUs) / 1000 / Math.max(1, processed - processedBefore),
        3,
      ),
      rss_mb: { api: apiCpu.rssMb, worker: workerCpu?.rssMb ?? null },
      // event-loop delay and GC pauses of each process during its measured phase
      event_loop: { api: apiCpu.loop, bare: bareUse.loop, worker: workerCpu?.loop ?? null },
      gc: { api: apiCpu.gc, bare: bareUse.gc, worker: workerCpu?.gc ?? null },
      loadavg: round(la0, 2),
    };
  } finally {
    await Promise.all([stop(careline), stop(bare), ...(worker ? [stop(worker)] : [])]);
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
