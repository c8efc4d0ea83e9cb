// Fixture of the reminder kill test and benchmark: a SQLite file with one clinic, its LINE
// channel (the emulator child's), N patients bound to N emulator users, N appointments and
// N reminder deliveries all due now; helpers to fork the emulator and worker children.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '../../apps/server/src/config.ts';
import { createDeps } from '../../apps/server/src/deps-factory.ts';
import { BENCH_CHANNEL, benchUserId } from './reminders-emulator.ts';
import { seedDueReminders } from './due-reminders.ts';
import { WORKER_NODE_FLAGS } from '../../apps/server/src/process-flags.ts';

const here = import.meta.dirname;

export type Child = {
  proc: ChildProcess;
  request<T>(msg: object, reply: string): Promise<T>;
  waitFor<T>(cmd: string): Promise<T>;
};

function wrap(proc: ChildProcess): Child {
  const waitFor = <T>(cmd: string) =>
    new Promise<T>((resolve, reject) => {
      const exit = (code: number | null, sig: string | null) => {
        proc.off('message', on);
        reject(new Error(`child exited (${code ?? sig}) before "${cmd}"`));
      };
      const on = (m: { cmd: string }) => {
        if (m.cmd === cmd) {
          proc.off('message', on);
          proc.off('exit', exit);
          resolve(m as T);
        }
      };
      proc.on('message', on);
      proc.once('exit', exit);
    });
  return {
    proc,
    waitFor,
    request: <T>(msg: object, reply: string) => {
      const p = waitFor<T>(reply);
      proc.send(msg);
      return p;
    },
  };
}

export async function startEmulatorChild(users: number, perSecond: number | 'off'): Promise<Child & { url: string }> {
  const proc = fork(join(here, 'reminders-emulator.ts'), [String(users), String(perSecond)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const c = wrap(proc);
  const { url } = await c.waitFor<{ url: string }>('ready');
  return { ...c, url };
}

export type Env = { DATABASE_URL: string; LINE_API_BASE_URL: string; ENCRYPTION_KEY: string };

export function startWorkerChild(env: Env, extra: Record<string, string> = {}): Child {
  const execArgv = [
    ...WORKER_NODE_FLAGS,
    ...(process.env.REMINDER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.REMINDER_PROF}`] : []),
  ];
  return wrap(
    fork(join(here, 'reminders-worker.ts'), [], {
      env: { ...process.env, ...env, ...extra },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      execArgv,
    }),
  );
}

export type Summary = {
  messages: number;
  uniqueRetryKeys: number;
  uniqueUsers: number;
  duplicateKeys: number;
  usersWithMoreThanOne: number;
  at: { seconds: number; sustained: number; perSecond: number[] };
  rssMb: number;
  cpuMs: number;
};

/** Creates the database file and the N due reminders; returns the environment of the workers. */
export async function seedReminders(dbFile: string, emulatorUrl: string, n: number): Promise<Env> {
  const env: Env = {
    DATABASE_URL: `sqlite:${dbFile}`,
    LINE_API_BASE_URL: emulatorUrl,
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
  await seedDueReminders(deps, {
    clinicName: '壓測牙醫診所',
    channel: BENCH_CHANNEL,
    userId: benchUserId,
    n,
    chunk: 400,
  });
  await database.close();
  return env;
}

/** Counts rows by state after the run. */
export async function deliveryStates(env: Env): Promise<Record<string, number>> {
  const config = loadConfig({
    ...process.env,
    ...env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PUBLIC_BASE_URL: 'http://careline.test',
  });
  const { deps, database } = await createDeps(config, { migrate: false });
  const rows = await deps.db
    .selectFrom('reminder_deliveries')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('state')
    .execute();
  await database.close();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}
