// Child process: one reminder dispatcher on the database in DATABASE_URL, sending to the
// emulator in LINE_API_BASE_URL, until no reminder is planned or being sent. Reports its peak
// RSS and counters over IPC (when forked) and exits 0. Used by the kill test (SIGKILLed at
// random points) and by the benchmark.
//   env: DATABASE_URL, LINE_API_BASE_URL, ENCRYPTION_KEY, REMINDER_LOCK_MS, REMINDER_CONCURRENCY, REMINDER_BATCH,
//   REMINDER_RATE_PER_SECOND (per process: 1,960 / number of worker processes)
import { loadConfig } from '../../apps/server/src/config.ts';
import { createDeps } from '../../apps/server/src/deps-factory.ts';
import { startReminderDispatcher } from '../../apps/server/src/modules/reminders/delivery.ts';

const config = loadConfig({
  ...process.env,
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  PUBLIC_BASE_URL: 'http://careline.test',
});
const concurrency = Number(process.env.REMINDER_CONCURRENCY ?? 64);
// One pooled connection per push in flight.
const { deps, database } = await createDeps(config, { migrate: false, linePush: { maxSockets: concurrency } });
const d = startReminderDispatcher(deps, {
  workerId: `kill-test-${process.pid}`,
  autoStart: false,
  lockMs: Number(process.env.REMINDER_LOCK_MS ?? 60_000),
  ratePerSecond: Number(process.env.REMINDER_RATE_PER_SECOND ?? 1960),
  concurrency,
  batch: Number(process.env.REMINDER_BATCH ?? 200),
});
let peak = process.memoryUsage.rss();
// rss() alone: memoryUsage() walks the heap spaces.
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 250);
const left = async () =>
  Number(
    (
      await deps.db
        .selectFrom('reminder_deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('state', 'in', ['planned', 'sending'])
        .executeTakeFirstOrThrow()
    ).n,
  );
for (;;) {
  const n = await d.runOnce();
  if (n === 0) {
    if ((await left()) === 0) break;
    await new Promise((r) => setTimeout(r, 200)); // rows locked by a killed worker: wait for the lock to expire
  }
}
clearInterval(sampler);
const cpu = process.cpuUsage();
process.send?.({
  cmd: 'done',
  stats: d.stats,
  rssMb: Math.round(peak / 1048576),
  cpuMs: Math.round((cpu.user + cpu.system) / 1000),
});
await d.stop();
await database.close();
process.exit(0);
