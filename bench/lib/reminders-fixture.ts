// Fixture of the reminder kill test and benchmark: a SQLite file with one clinic, its LINE
// channel (the emulator child's), N patients bound to N emulator users, N appointments and
// N reminder deliveries all due now; helpers to fork the emulator and worker children.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '../../apps/server/src/config.ts';
import { createDeps } from '../../apps/server/src/deps-factory.ts';
import { lineService } from '../../apps/server/src/modules/line/service.ts';
import { systemActor } from '../../apps/server/src/platform/audit.ts';
import { newId } from '../../apps/server/src/platform/crypto.ts';
import { BENCH_CHANNEL, benchUserId } from './reminders-emulator.ts';
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
  const now = new Date();
  const iso = now.toISOString();
  const clinicId = newId();
  const db = deps.db;
  await db
    .insertInto('clinics')
    .values({
      id: clinicId,
      name: '壓測牙醫診所',
      time_zone: 'Asia/Taipei',
      address: '臺北市中正區重慶南路一段 122 號',
      phone: '02-2311-3731',
      business_hours: '[]',
      status: 'active',
      sandbox_of: null,
      created_at: iso,
      updated_at: iso,
    })
    .execute();
  await lineService(deps).saveChannel(
    clinicId,
    {
      channelId: BENCH_CHANNEL.channelId,
      channelSecret: BENCH_CHANNEL.channelSecret,
      accessToken: BENCH_CHANNEL.channelAccessToken,
    },
    systemActor,
    '127.0.0.1',
  );
  const doctorId = newId();
  await db
    .insertInto('doctors')
    .values({
      id: doctorId,
      clinic_id: clinicId,
      his_id: 'D1',
      name: '林醫師',
      department: null,
      title: null,
      active: 1,
      created_at: iso,
      updated_at: iso,
    })
    .execute();
  const startsAt = new Date(now.getTime() + 3 * 86_400_000).toISOString();
  const CHUNK = 400;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < n; i += CHUNK) {
      const ids = Array.from({ length: Math.min(CHUNK, n - i) }, (_, k) => ({
        i: i + k,
        patient: newId(),
        appt: newId(),
      }));
      await trx
        .insertInto('patients')
        .values(
          ids.map((x) => ({
            id: x.patient,
            clinic_id: clinicId,
            his_id: `P${x.i}`,
            name: `病患${x.i}`,
            chart_no: null,
            gender: null,
            birth_date: null,
            phone_e164: null,
            phone_is_mobile: 0,
            phone_hash: null,
            national_id_enc: null,
            national_id_hash: null,
            national_id_masked: null,
            line_status: 'bound',
            line_status_at: iso,
            created_at: iso,
            updated_at: iso,
          })),
        )
        .execute();
      await trx
        .insertInto('appointments')
        .values(
          ids.map((x) => ({
            id: x.appt,
            clinic_id: clinicId,
            his_id: `A${x.i}`,
            patient_id: x.patient,
            doctor_id: doctorId,
            starts_at: startsAt,
            starts_at_local: startsAt,
            duration_minutes: 30,
            visit_type: null,
            status: 'booked',
            note: null,
            version: 1,
            reply_status: 'awaiting_reply',
            reply_status_at: iso,
            created_at: iso,
            updated_at: iso,
          })),
        )
        .execute();
      await trx
        .insertInto('line_bindings')
        .values(
          ids.map((x) => ({
            clinic_id: clinicId,
            line_user_id: benchUserId(x.i),
            patient_id: x.patient,
            phone_hash: 'x',
            phone_masked: '09********',
            created_at: iso,
          })),
        )
        .execute();
      await trx
        .insertInto('reminder_deliveries')
        .values(
          ids.map((x) => ({
            id: newId(),
            clinic_id: clinicId,
            appointment_id: x.appt,
            rule_id: 'before-48h',
            rule_name: '看診前 48 小時提醒',
            appointment_version: 1,
            visit_starts_at: startsAt,
            due_at: iso,
            explanation: '壓測',
            state: 'planned',
            essential: 1,
            template_id: 'default',
            channel: null,
            retry_key: randomUUID(),
            attempts: 0,
            next_attempt_at: iso,
            locked_by: null,
            locked_until: null,
            last_error: null,
            line_user_id: null,
            line_request_id: null,
            sms_message_id: null,
            sent_at: null,
            cancel_reason: null,
            requested_by: null,
            created_at: iso,
            updated_at: iso,
          })),
        )
        .execute();
    }
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
