// Push requests/s the LINE emulator accepts (rate limiting off) vs a bare Fastify endpoint.
// Each server runs alone in a child process (bench/lib/emulator-server.ts), one after the
// other; the load comes from this process through a lean closed-loop client over raw
// keep-alive sockets (bench/lib/socket-load.ts), so the generator costs a few µs per request
// and the server under test is what saturates. Reported per server: requests/s, errors,
// p50/p95 latency, and the server's CPU time per request and as a share of one core
// (≈100 % = the server is the bottleneck); the generator's CPU share tells the other side.
//   BENCH_DURATION_MS (5000), BENCH_CONCURRENCY (64), BENCH_CLIENT=socket|http,
//   BENCH_PROF=<dir> writes a .cpuprofile of each server child there.
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { BENCH_EMU_CHANNEL, BENCH_EMU_USER } from './lib/emulator-server.ts';
import { runSocketLoad, type SocketLoadResult } from './lib/socket-load.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const WARMUP_MS = Math.min(1500, Math.max(300, DURATION_MS / 4));
const CLIENT = process.env.BENCH_CLIENT === 'http' ? 'http' : 'socket';

type Server = { proc: ChildProcess; url: string; ask<T>(cmd: string): Promise<T> };

function startServer(kind: 'emulator' | 'bare'): Promise<Server> {
  const prof = process.env.BENCH_PROF;
  const execArgv = prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`, `--cpu-prof-name=${kind}-${process.pid}.cpuprofile`] : [];
  const proc = fork(join(import.meta.dirname, 'lib', 'emulator-server.ts'), [kind], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv });
  const ask = <T>(cmd: string) => new Promise<T>((resolve, reject) => {
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

type Measured = SocketLoadResult & { server_cpu_us_per_req: number; server_cpu_pct: number; server_rss_mb: number; logged: number };

async function measure(kind: 'emulator' | 'bare', label: string): Promise<Measured> {
  const server = await startServer(kind);
  const load = {
    url: server.url,
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_EMU_CHANNEL.channelAccessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ to: BENCH_EMU_USER, messages: [{ type: 'text', text: '明天上午 09:30 門診提醒' }] }),
    concurrency: CONCURRENCY,
    client: CLIENT,
  } as const;
  process.stderr.write(`${label}: warm-up ${WARMUP_MS} ms\n`);
  await runSocketLoad({ ...load, durationMs: WARMUP_MS, label: `${label} warm-up` });
  await server.ask('cpu');
  process.stderr.write(`${label}: ${CONCURRENCY} connections (${CLIENT} client), ${DURATION_MS} ms\n`);
  const r = await runSocketLoad({ ...load, durationMs: DURATION_MS, label });
  const cpu = await server.ask<{ userUs: number; systemUs: number; log: number; rssMb: number }>('cpu');
  await new Promise<void>((resolve) => {
    server.proc.once('exit', () => resolve());
    server.proc.send({ cmd: 'close' });
  });
  const cpuUs = cpu.userUs + cpu.systemUs;
  const m: Measured = {
    ...r,
    server_cpu_us_per_req: r.requests ? Math.round((cpuUs / r.requests) * 10) / 10 : 0,
    server_cpu_pct: Math.round((cpuUs / 1000 / r.elapsed_ms) * 100),
    server_rss_mb: cpu.rssMb,
    logged: cpu.log,
  };
  process.stderr.write(
    `${label}: ${m.rps} req/s, ${m.errors} errors${m.error_samples.length ? ` (${m.error_samples.join('; ')})` : ''}, p50 ${m.p50_ms} ms, p95 ${m.p95_ms} ms; ` +
      `server ${m.server_cpu_us_per_req} µs CPU/req (${m.server_cpu_pct} % of a core), client ${m.client_cpu_us_per_req} µs/req (${m.client_cpu_pct} %)\n`,
  );
  return m;
}

export default async function main(): Promise<Record<string, unknown>> {
  const load1 = loadavg()[0];
  const base = await measure('bare', 'baseline (bare Fastify)');
  const emu = await measure('emulator', 'emulator push, rate limiting off');
  return {
    bench: 'emulator',
    metric: 'push_rps',
    value: emu.rps,
    unit: 'req/s',
    baseline: base.rps,
    ratio: Math.round((emu.rps / base.rps) * 100) / 100,
    errors: emu.errors,
    baseline_errors: base.errors,
    p50_ms: emu.p50_ms,
    p95_ms: emu.p95_ms,
    baseline_p50_ms: base.p50_ms,
    baseline_p95_ms: base.p95_ms,
    server_cpu_ms_per_req: Math.round(emu.server_cpu_us_per_req) / 1000,
    baseline_server_cpu_ms_per_req: Math.round(base.server_cpu_us_per_req) / 1000,
    server_cpu_pct: emu.server_cpu_pct,
    baseline_server_cpu_pct: base.server_cpu_pct,
    client_cpu_pct: emu.client_cpu_pct,
    baseline_client_cpu_pct: base.client_cpu_pct,
    client: CLIENT,
    concurrency: CONCURRENCY,
    duration_ms: DURATION_MS,
    messages_logged: emu.logged,
    server_rss_mb: emu.server_rss_mb,
    loadavg_1m: [Math.round(load1 * 100) / 100, Math.round(loadavg()[0] * 100) / 100],
  };
}
