// Push requests/s the LINE emulator accepts (rate limiting off) vs a bare Fastify endpoint.
// Each server runs in a child process of its own (bench/lib/emulator-server.ts); they are
// measured in alternating slices (BENCH_ROUNDS) so that other work on the machine hits both
// alike. The load comes from this process through a lean closed-loop client over raw
// keep-alive sockets (bench/lib/socket-load.ts), so the generator costs a few µs per request
// and the server under test is what saturates. Reported per server: requests/s, errors,
// p50/p95 latency, and the server's CPU time per request and as a share of one core
// (≈100 % = the server is the bottleneck); the generator's CPU share tells the other side.
//   BENCH_DURATION_MS (5000, per server), BENCH_ROUNDS (3), BENCH_CONCURRENCY (64), BENCH_CLIENT=socket|http,
//   BENCH_PROF=<dir> writes a .cpuprofile of each server child there; summarise one with
//   `npx node bench/lib/cpuprofile-summary.ts <file> [top] [filter]`.
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { BENCH_EMU_CHANNEL, BENCH_EMU_USER } from './lib/emulator-server.ts';
import { percentile, runSocketLoad } from './lib/socket-load.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const WARMUP_MS = Math.min(1500, Math.max(300, DURATION_MS / 4));
const CLIENT = process.env.BENCH_CLIENT === 'http' ? 'http' : 'socket';
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

type Server = { proc: ChildProcess; url: string; ask<T>(cmd: string): Promise<T> };

function startServer(kind: 'emulator' | 'bare'): Promise<Server> {
  const prof = process.env.BENCH_PROF;
  const execArgv = prof
    ? ['--cpu-prof', `--cpu-prof-dir=${prof}`, `--cpu-prof-name=${kind}-${process.pid}.cpuprofile`]
    : [];
  const proc = fork(join(import.meta.dirname, 'lib', 'emulator-server.ts'), [kind], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    execArgv,
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
        reject(new Error(`${kind} server exited (${code}) before "${cmd}"`));
      };
      proc.on('message', on);
      proc.once('exit', exit);
      if (cmd !== 'ready') proc.send({ cmd });
    });
  return ask<{ url: string }>('ready').then(({ url }) => ({ proc, url, ask }));
}

type Totals = {
  ok: number;
  requests: number;
  errors: number;
  samples: Set<string>;
  elapsedMs: number;
  latencies: Float64Array[];
  serverCpuUs: number;
  serverMainUs: number;
  serverGcMs: number;
  clientCpuUs: number;
  rssMb: number;
  logged: number;
};
type Measured = {
  rps: number;
  errors: number;
  error_samples: string[];
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  server_cpu_us_per_req: number;
  server_cpu_pct: number;
  server_main_us_per_req: number;
  server_gc_us_per_req: number;
  client_cpu_us_per_req: number;
  client_cpu_pct: number;
  server_rss_mb: number;
  logged: number;
};

const round2 = (n: number) => Math.round(n * 100) / 100;

function loadOf(server: Server) {
  return {
    url: server.url,
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_EMU_CHANNEL.channelAccessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ to: BENCH_EMU_USER, messages: [{ type: 'text', text: '明天上午 09:30 門診提醒' }] }),
    concurrency: CONCURRENCY,
    client: CLIENT,
  } as const;
}

/** One measured slice against `server`, added to `t`. */
async function slice(server: Server, label: string, ms: number, t: Totals): Promise<void> {
  await server.ask('cpu'); // resets the child's CPU counter
  const r = await runSocketLoad({ ...loadOf(server), durationMs: ms, label });
  const cpu = await server.ask<{
    userUs: number;
    systemUs: number;
    mainUs: number;
    gcMs: number;
    log: number;
    rssMb: number;
  }>('cpu');
  t.ok += r.requests - r.errors;
  t.requests += r.requests;
  t.errors += r.errors;
  for (const e of r.error_samples) if (t.samples.size < 5) t.samples.add(e);
  t.elapsedMs += r.elapsed_ms;
  t.latencies.push(r.latencies);
  t.serverCpuUs += cpu.userUs + cpu.systemUs;
  t.serverGcMs += cpu.gcMs;
  t.serverMainUs += cpu.mainUs;
  t.clientCpuUs += r.client_cpu_us;
  t.rssMb = cpu.rssMb;
  t.logged = cpu.log;
  const rps = Math.round((r.requests - r.errors) / (r.elapsed_ms / 1000));
  const serverUs = cpu.userUs + cpu.systemUs;
  const serverPct = Math.round((serverUs / 1000 / r.elapsed_ms) * 100);
  process.stderr.write(
    `  ${label}: ${rps} req/s, server ${Math.round(serverUs / r.requests)} µs/req, ${serverPct} % of a core; ` +
      `client ${r.client_cpu_pct} %\n`,
  );
}

function summarise(label: string, t: Totals): Measured {
  const all = new Float64Array(t.latencies.reduce((n, l) => n + l.length, 0));
  let at = 0;
  for (const l of t.latencies) {
    all.set(l, at);
    at += l.length;
  }
  all.sort();
  const m: Measured = {
    rps: Math.round(t.ok / (t.elapsedMs / 1000)),
    errors: t.errors,
    error_samples: [...t.samples],
    p50_ms: round2(percentile(all, 50)),
    p95_ms: round2(percentile(all, 95)),
    p99_ms: round2(percentile(all, 99)),
    server_cpu_us_per_req: t.requests ? Math.round((t.serverCpuUs / t.requests) * 10) / 10 : 0,
    server_cpu_pct: Math.round((t.serverCpuUs / 1000 / t.elapsedMs) * 100),
    server_main_us_per_req: t.requests ? Math.round((t.serverMainUs / t.requests) * 10) / 10 : 0,
    server_gc_us_per_req: t.requests ? Math.round(((t.serverGcMs * 1000) / t.requests) * 10) / 10 : 0,
    client_cpu_us_per_req: t.requests ? Math.round((t.clientCpuUs / t.requests) * 10) / 10 : 0,
    client_cpu_pct: Math.round((t.clientCpuUs / 1000 / t.elapsedMs) * 100),
    server_rss_mb: t.rssMb,
    logged: t.logged,
  };
  const samples = m.error_samples.length ? ` (${m.error_samples.join('; ')})` : '';
  process.stderr.write(
    `${label}: ${m.rps} req/s, ${m.errors} errors${samples}, ` +
      `p50 ${m.p50_ms} ms, p95 ${m.p95_ms} ms; server ${m.server_cpu_us_per_req} µs CPU/req ` +
      `(${m.server_cpu_pct} % of a core, GC ${m.server_gc_us_per_req} µs/req), ` +
      `client ${m.client_cpu_us_per_req} µs/req (${m.client_cpu_pct} %)\n`,
  );
  return m;
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.proc.once('exit', () => resolve());
    server.proc.send({ cmd: 'close' });
  });

export default async function main(): Promise<Record<string, unknown>> {
  const load1 = loadavg()[0];
  // Both servers up at once (the idle one costs nothing); measured in alternating slices so
  // that a change in the machine's load from other work hits both about equally.
  const [bareServer, emuServer] = await Promise.all([startServer('bare'), startServer('emulator')]);
  const empty = (): Totals => ({
    ok: 0,
    requests: 0,
    errors: 0,
    samples: new Set(),
    elapsedMs: 0,
    latencies: [],
    serverCpuUs: 0,
    serverMainUs: 0,
    serverGcMs: 0,
    clientCpuUs: 0,
    rssMb: 0,
    logged: 0,
  });
  const bare = empty();
  const emu = empty();
  try {
    process.stderr.write(`warm-up ${WARMUP_MS} ms each\n`);
    await runSocketLoad({ ...loadOf(bareServer), durationMs: WARMUP_MS, label: 'warm-up bare' });
    await runSocketLoad({ ...loadOf(emuServer), durationMs: WARMUP_MS, label: 'warm-up emulator' });
    const sliceMs = DURATION_MS / ROUNDS;
    process.stderr.write(
      `${ROUNDS} rounds of ${Math.round(sliceMs)} ms per server, ${CONCURRENCY} connections (${CLIENT} client)\n`,
    );
    for (let r = 1; r <= ROUNDS; r++) {
      await slice(bareServer, `baseline (bare Fastify) ${r}/${ROUNDS}`, sliceMs, bare);
      await slice(emuServer, `emulator push, rate limiting off ${r}/${ROUNDS}`, sliceMs, emu);
    }
  } finally {
    await Promise.all([close(bareServer), close(emuServer)]);
  }
  const b = summarise('baseline (bare Fastify)', bare);
  const e = summarise('emulator push, rate limiting off', emu);
  return {
    bench: 'emulator',
    metric: 'push_rps',
    value: e.rps,
    unit: 'req/s',
    baseline: b.rps,
    ratio: round2(e.rps / b.rps),
    errors: e.errors,
    baseline_errors: b.errors,
    ...(e.error_samples.length ? { error_samples: e.error_samples } : {}),
    p50_ms: e.p50_ms,
    p95_ms: e.p95_ms,
    baseline_p50_ms: b.p50_ms,
    baseline_p95_ms: b.p95_ms,
    server_cpu_ms_per_req: Math.round(e.server_cpu_us_per_req) / 1000,
    baseline_server_cpu_ms_per_req: Math.round(b.server_cpu_us_per_req) / 1000,
    server_main_thread_ms_per_req: Math.round(e.server_main_us_per_req) / 1000,
    baseline_server_main_thread_ms_per_req: Math.round(b.server_main_us_per_req) / 1000,
    server_gc_ms_per_req: Math.round(e.server_gc_us_per_req) / 1000,
    baseline_server_gc_ms_per_req: Math.round(b.server_gc_us_per_req) / 1000,
    server_cpu_pct: e.server_cpu_pct,
    baseline_server_cpu_pct: b.server_cpu_pct,
    client_cpu_ms_per_req: Math.round(e.client_cpu_us_per_req) / 1000,
    client_cpu_pct: e.client_cpu_pct,
    baseline_client_cpu_pct: b.client_cpu_pct,
    client: CLIENT,
    concurrency: CONCURRENCY,
    duration_ms: DURATION_MS,
    rounds: ROUNDS,
    messages_logged: e.logged,
    server_rss_mb: e.server_rss_mb,
    loadavg_1m: [round2(load1), round2(loadavg()[0])],
  };
}
