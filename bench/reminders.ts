// `npm run bench -- reminders`: 100,000 reminders due in the same minute for one LINE channel,
// the emulator (its own process, so it does not share the worker's event loop) enforcing
// LINE's 2,000 requests/s per channel. BENCH_WORKERS worker processes (default 1; the reminder
// dispatcher: claims in batches with SKIP LOCKED / conditional UPDATE, 64 pushes in flight over
// keep-alive, a token bucket at 1,960/s split between the processes) send them all; rss_mb.worker
// is the peak of one worker process, cpu_ms_per_msg the CPU time of all of them per message
// (start-up included). One worker keeps up with the limit and is steadier than two: two
// processes on one SQLite file wait for each other's write transactions, and the channel's rate
// split between them is paced by two clocks.
// Reports the sustained sends/s (mean of the full seconds at the emulator, first and last
// partial seconds dropped) as a ratio of the 2,000/s limit, duplicates and losses proven from
// the emulator's log (one message per retry key and per user), and peak RSS of both processes.
//   BENCH_REMINDERS=100000 (default), BENCH_RATE_LIMIT=2000, BENCH_WORKERS=1,
//   BENCH_CONCURRENCY=64 (pushes in flight per worker)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deliveryStates,
  seedReminders,
  startEmulatorChild,
  startWorkerChild,
  type Summary,
} from './lib/reminders-fixture.ts';

export default async function main(): Promise<Record<string, unknown>> {
  const N = Number(process.env.BENCH_REMINDERS ?? 100_000);
  const LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? 2000);
  const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
  const log = (s: string) => process.stderr.write(`reminders: ${s}\n`);
  const dir = mkdtempSync(join(tmpdir(), 'careline-bench-reminders-'));
  const emu = await startEmulatorChild(N, LIMIT);
  try {
    log(`emulator ${emu.url} (limit ${LIMIT}/s); seeding ${N} due reminders…`);
    const t = Date.now();
    const env = await seedReminders(join(dir, 'careline.db'), emu.url, N);
    log(`seeded in ${((Date.now() - t) / 1000).toFixed(1)} s; sending…`);
    const started = Date.now();
    // Worker processes share the channel's rate: each paces at 1,960/s ÷ workers (LINE's 2,000/s with 2 % headroom).
    const workers = Array.from({ length: WORKERS }, () =>
      startWorkerChild(env, {
        REMINDER_CONCURRENCY: process.env.BENCH_CONCURRENCY ?? '64',
        REMINDER_BATCH: '500',
        REMINDER_RATE_PER_SECOND: String(Math.floor((LIMIT * 0.98) / WORKERS)),
      }),
    );
    const progress = setInterval(async () => {
      const s = await emu.request<Summary>({ cmd: 'summary' }, 'summary').catch(() => null);
      if (s) log(`${s.messages} sent (${s.at.perSecond.at(-2) ?? 0}/s in the last full second)`);
    }, 5000);
    const emuCpu0 = (await emu.request<Summary>({ cmd: 'summary' }, 'summary')).cpuMs;
    const all = await Promise.all(
      workers.map((w) => w.waitFor<{ stats: Record<string, number>; rssMb: number; cpuMs: number }>('done')),
    );
    const done = {
      stats: { retried: all.reduce((a, x) => a + x.stats.retried, 0) },
      rssMb: Math.max(...all.map((x) => x.rssMb)),
      cpuMs: all.reduce((a, x) => a + x.cpuMs, 0),
    };
    clearInterval(progress);
    const wall = (Date.now() - started) / 1000;
    const s = await emu.request<Summary>({ cmd: 'summary' }, 'summary');
    const states = await deliveryStates(env);
    const value = s.at.sustained;
    const result = {
      bench: 'reminders',
      metric: 'sends_per_s',
      value,
      unit: 'msg/s',
      baseline: LIMIT,
      ratio: Math.round((value / LIMIT) * 1000) / 1000,
      duplicates: s.messages - s.uniqueRetryKeys + s.usersWithMoreThanOne,
      lost: N - s.uniqueUsers,
      reminders: N,
      received: s.messages,
      wall_s: Math.round(wall * 10) / 10,
      overall_per_s: Math.round(N / wall),
      seconds: s.at.seconds,
      min_full_second: Math.min(...s.at.perSecond.slice(1, -1)),
      max_second: Math.max(...s.at.perSecond),
      per_second: s.at.perSecond,
      retried: done.stats.retried,
      states,
      workers: WORKERS,
      rss_mb: { worker: done.rssMb, emulator: s.rssMb },
      cpu_ms_per_msg: {
        worker: Math.round((done.cpuMs / N) * 1000) / 1000,
        emulator: Math.round(((s.cpuMs - emuCpu0) / N) * 1000) / 1000,
      },
      load_avg: (await import('node:os')).loadavg().map((x) => Math.round(x * 10) / 10),
    };
    log(`sustained ${value}/s = ${result.ratio} of ${LIMIT}/s; duplicates ${result.duplicates}, lost ${result.lost}`);
    return result;
  } finally {
    emu.proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
