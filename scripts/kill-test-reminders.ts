// Kill test of reminder delivery: the LINE emulator and a worker child process on
// N due reminders in a SQLite file; the worker is SIGKILLed at random points several times and
// restarted; at the end the emulator must have received every reminder exactly once (one
// message per retry key and per user, none missing) and every row must be `sent`.
//   npx node scripts/kill-test-reminders.ts [--reminders 10000] [--kills 5]
// Prints one JSON line with the verdict on stdout; exit code 0 when it passed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  deliveryStates,
  seedReminders,
  startEmulatorChild,
  startWorkerChild,
  type Summary,
} from '../bench/lib/reminders-fixture.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('reminders', 10_000);
const KILLS = arg('kills', 5);
const log = (s: string) => process.stderr.write(`kill-test: ${s}\n`);

const dir = mkdtempSync(join(tmpdir(), 'careline-kill-'));
const emu = await startEmulatorChild(N, 'off');
try {
  log(`emulator ${emu.url}; seeding ${N} due reminders in ${dir}`);
  const env = await seedReminders(join(dir, 'careline.db'), emu.url, N);
  // Half of the failures happen after LINE accepted the message (the lost-answer case).
  await emu.request(
    { cmd: 'faults', faults: { errorRate: 0.02, status: 500, afterProcessing: true, paths: ['/v2/bot/message/push'] } },
    'faults',
  );
  const extra = { REMINDER_LOCK_MS: '1500' };
  for (let k = 1; k <= KILLS; k++) {
    const w = startWorkerChild(env, extra);
    const exited = new Promise((r) => w.proc.once('exit', r));
    // Kill at a random point while it sends: after a random number of further messages arrived.
    const start = (await emu.request<Summary>({ cmd: 'summary' }, 'summary')).messages;
    const target = Math.min(N - 1, start + 100 + Math.floor(Math.random() * (N / (KILLS + 2))));
    let seen = start;
    const t0 = Date.now();
    while (seen < target && Date.now() - t0 < 20_000) {
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
      seen = (await emu.request<Summary>({ cmd: 'summary' }, 'summary')).messages;
    }
    w.proc.kill('SIGKILL');
    await exited;
    log(`kill ${k}/${KILLS}: SIGKILL with ${seen} of ${N} messages at the emulator`);
  }
  await emu.request({ cmd: 'faults', faults: { errorRate: 0, afterProcessing: false } }, 'faults');
  const last = startWorkerChild(env, extra);
  const done = await last.waitFor<{ stats: Record<string, number>; rssMb: number }>('done');
  const s = await emu.request<Summary>({ cmd: 'summary' }, 'summary');
  const states = await deliveryStates(env);
  const ok =
    s.messages === N &&
    s.uniqueRetryKeys === N &&
    s.uniqueUsers === N &&
    s.duplicateKeys === 0 &&
    s.usersWithMoreThanOne === 0 &&
    states.sent === N;
  const verdict = {
    test: 'kill-test-reminders',
    ok,
    reminders: N,
    kills: KILLS,
    received: s.messages,
    unique_retry_keys: s.uniqueRetryKeys,
    unique_users: s.uniqueUsers,
    duplicates: s.messages - s.uniqueRetryKeys,
    lost: N - s.uniqueUsers,
    states,
    last_worker: done.stats,
  };
  log(ok ? 'PASSED' : 'FAILED');
  process.stdout.write(JSON.stringify(verdict) + '\n');
  process.exitCode = ok ? 0 : 1;
} finally {
  emu.proc.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
