// `npm run bench -- peak`: many clinics at 08:00. 1,000 clinics, each with its own LINE channel
// and 100 reminders due at the same moment, on PostgreSQL, sent by two worker processes (the
// production worker flags), the emulator (own process) enforcing LINE's push limit on every
// channel separately. In the same run, first the single-channel baseline: one clinic's
// reminders through the same two workers and database, which LINE's 2,000/s per channel caps.
// Keys: `ratio` = the peak's messages/s over the baseline's (target ≥ 0.8: a thousand small
// clinics go out about as fast as one big one); `fairness` = the 95th-percentile clinic's finish
// time over the median clinic's, from 08:00 (≤ 2: no clinic waits for all the others);
// `duplicates` (retry keys or users seen twice at the emulator) and `lost` (reminders never
// received), both 0.
//   BENCH_PEAK_CLINICS=1000, BENCH_PEAK_PER_CLINIC=100, BENCH_PEAK_BASELINE=20000,
//   BENCH_RATE_LIMIT=2000, BENCH_WORKERS=2, BENCH_DATABASE_URL (else a throw-away cluster via
//   scripts/pg-cluster.sh)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../apps/server/src/config.ts';
import { createDeps } from '../apps/server/src/deps-factory.ts';
import type { PeakSummary } from './lib/peak-emulator.ts';
import { seedClinic } from './lib/peak-fixture.ts';
import { startWorkerChild, type Child } from './lib/reminders-fixture.ts';

const ROOT = join(import.meta.dirname, '..');
const log = (s: string) => process.stderr.write(`peak: ${s}\n`);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
/** Mean of the full seconds (first and last partial seconds dropped), as the reminders bench does. */
const sustained = (perSecond: number[]) => {
  const inner = perSecond.slice(1, -1);
  return Math.round(
    inner.length ? inner.reduce((a, b) => a + b, 0) / inner.length : perSecond.reduce((a, b) => a + b, 0),
  );
};

function startEmulator(clinics: number, users: number, baseUsers: number, limit: number) {
  const proc = fork(
    join(import.meta.dirname, 'lib', 'peak-emulator.ts'),
    [clinics, users, baseUsers, limit].map(String),
    {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const waitFor = <T>(cmd: string) =>
    new Promise<T>((res, rej) => {
      const on = (m: { cmd: string }) => {
        if (m.cmd === cmd) {
          proc.off('message', on);
          res(m as T);
        }
      };
      proc.on('message', on);
      proc.once('exit', (code) => rej(new Error(`emulator exited (${code})`)));
    });
  return {
    proc,
    ready: waitFor<{ url: string }>('ready'),
    summary: (set: 'base' | 'peak') => {
      const p = waitFor<PeakSummary>('summary');
      proc.send({ cmd: 'summary', set });
      return p;
    },
  };
}

export default async function main(): Promise<Record<string, unknown>> {
  const CLINICS = Number(process.env.BENCH_PEAK_CLINICS ?? 1000);
  const PER = Number(process.env.BENCH_PEAK_PER_CLINIC ?? 100);
  const BASE = Number(process.env.BENCH_PEAK_BASELINE ?? 20_000);
  const LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? 2000);
  const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
  let cluster: string | null = null;
  let base = process.env.BENCH_DATABASE_URL ?? null;
  if (!base) {
    cluster = mkdtempSync(join(tmpdir(), 'careline-peak-pg-'));
    base = execFileSync('bash', [join(ROOT, 'scripts/pg-cluster.sh'), 'start', cluster], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .at(-1)!;
  }
  const dbName = `careline_peak_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const u = new URL(base);
  u.pathname = `/${dbName}`;
  const emu = startEmulator(CLINICS, PER, BASE, LIMIT);
  const workers: Child[] = [];
  try {
    const { url: emuUrl } = await emu.ready;
    const env = {
      DATABASE_URL: u.toString(),
      LINE_API_BASE_URL: emuUrl,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    const config = loadConfig({
      ...process.env,
      ...env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PUBLIC_BASE_URL: 'http://careline.test',
    });
    const { deps, database } = await createDeps(config);
    // Both phases go through the same two workers and settings; each worker paces every channel at
    // LINE's limit × 0.98 ÷ workers, the production setting (docs/operations.md).
    const run = async (set: 'base' | 'peak', expected: number) => {
      const t0 = Date.now();
      const ws = Array.from({ length: WORKERS }, () =>
        startWorkerChild(env, {
          REMINDER_CONCURRENCY: '64',
          REMINDER_BATCH: '500',
          REMINDER_RATE_PER_SECOND: String(Math.floor((LIMIT * 0.98) / WORKERS)),
        }),
      );
      workers.push(...ws);
      const progress = setInterval(async () => {
        const s = await emu.summary(set).catch(() => null);
        if (s) log(`${set}: ${s.messages}/${expected} sent`);
      }, 10_000);
      const done = await Promise.all(
        ws.map((w) => w.waitFor<{ stats: Record<string, number>; rssMb: number; cpuMs: number }>('done')),
      );
      clearInterval(progress);
      const s = await emu.summary(set);
      return { t0, s, done, wall: (Date.now() - t0) / 1000 };
    };

    log(`baseline: one clinic, ${BASE} reminders due now, one channel (${LIMIT}/s)…`);
    const due0 = new Date().toISOString();
    await seedClinic(deps, 'base', BASE, due0);
    const b = await run('base', BASE);
    const baseRate = sustained(b.s.perSecond);
    log(`baseline ${baseRate}/s sustained (${b.s.messages} in ${b.wall.toFixed(1)} s)`);

    log(`seeding ${CLINICS} clinics × ${PER} reminders, all due at the same moment…`);
    const ts = Date.now();
    const due = new Date().toISOString();
    for (let c = 0; c < CLINICS; c++) {
      await seedClinic(deps, c, PER, due);
      if ((c + 1) % 100 === 0) log(`seeded ${c + 1} clinics`);
    }
    log(`seeded in ${((Date.now() - ts) / 1000).toFixed(1)} s; 08:00, sending…`);
    const p = await run('peak', CLINICS * PER);
    const peakRate = sustained(p.s.perSecond);
    // a clinic's finish time: its last reminder at LINE, from the moment the workers started
    const finish = p.s.channels.map((c) => (c.lastAt === null ? Infinity : (c.lastAt - p.t0) / 1000));
    const median = pct(finish, 50);
    const p95 = pct(finish, 95);
    const states = await deps.db
      .selectFrom('reminder_deliveries')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute();
    await database.close();
    const expected = CLINICS * PER;
    const result = {
      metric: 'messages_per_s',
      value: peakRate,
      unit: 'msg/s',
      baseline: baseRate,
      ratio: Math.round((peakRate / baseRate) * 1000) / 1000,
      fairness: Math.round((p95 / median) * 100) / 100,
      duplicates: p.s.messages - p.s.uniqueRetryKeys + p.s.usersWithMoreThanOne,
      lost: expected - p.s.uniqueRetryKeys,
      clinics: CLINICS,
      per_clinic: PER,
      received: p.s.messages,
      finish_s: {
        min: Math.round(Math.min(...finish) * 10) / 10,
        median: Math.round(median * 10) / 10,
        p95: Math.round(p95 * 10) / 10,
        max: Math.round(Math.max(...finish) * 10) / 10,
      },
      wall_s: Math.round(p.wall * 10) / 10,
      overall_per_s: Math.round(p.s.messages / p.wall),
      per_second: p.s.perSecond,
      baseline_run: {
        reminders: BASE,
        received: b.s.messages,
        duplicates: b.s.messages - b.s.uniqueRetryKeys + b.s.usersWithMoreThanOne,
        wall_s: Math.round(b.wall * 10) / 10,
        per_second: b.s.perSecond,
      },
      states: Object.fromEntries(states.map((r) => [r.state, Number(r.n)])),
      workers: WORKERS,
      rss_mb: { worker: Math.max(...p.done.map((d) => d.rssMb)), emulator: p.s.rssMb },
      cpu_ms_per_msg: {
        worker: Math.round((p.done.reduce((a, d) => a + d.cpuMs, 0) / expected) * 1000) / 1000,
      },
      database: 'postgres',
      load_avg: loadavg().map((x) => Math.round(x * 10) / 10),
    };
    log(
      `peak ${peakRate}/s vs baseline ${baseRate}/s (ratio ${result.ratio}); fairness ${result.fairness}; ` +
        `duplicates ${result.duplicates}, lost ${result.lost}`,
    );
    return result;
  } finally {
    for (const w of workers) w.proc.kill('SIGKILL');
    emu.proc.kill('SIGKILL');
    await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
    await admin.end();
    if (cluster) execFileSync('bash', [join(ROOT, 'scripts/pg-cluster.sh'), 'stop', cluster], { stdio: 'ignore' });
  }
}
