// Fixture of the broadcast benchmark (bench/broadcast.ts): one clinic with its LINE channel (the
// emulator child's), an admin, N patients bound to N LINE users who follow the account, all with
// one manual tag; and helpers to run the real server entry point (apps/server/src/server.ts) as
// `--role api` and `--role worker` child processes. Rows are written in bulk through the owning
// modules' repositories and services where they have a bulk write (patients, tags) and as
// multi-row inserts otherwise (bindings, friends), as bench/lib/reminders-fixture.ts does.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from '../../apps/server/src/config.ts';
import { createDeps } from '../../apps/server/src/deps-factory.ts';
import { clinicService } from '../../apps/server/src/modules/clinics/service.ts';
import { lineService } from '../../apps/server/src/modules/line/service.ts';
import { patientRepository } from '../../apps/server/src/modules/patients/repository.ts';
import { staffService } from '../../apps/server/src/modules/staff/service.ts';
import { addManualTags, ensureManualTags } from '../../apps/server/src/modules/tags/service.ts';
import { systemActor } from '../../apps/server/src/platform/audit.ts';
import { newId } from '../../apps/server/src/platform/crypto.ts';
import { BROADCAST_CHANNEL, broadcastUserId } from './broadcast-emulator.ts';
import { WORKER_NODE_FLAGS } from '../../apps/server/src/process-flags.ts';

const SERVER = join(import.meta.dirname, '../../apps/server/src/server.ts');
export const ADMIN = { email: 'bench-admin@careline.tw', password: 'bench-password-1' };
export const TAG_NAME = '群發壓測';

export type Env = Record<string, string>;

export function serverEnv(databaseUrl: string, lineUrl: string): Env {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LINE_API_BASE_URL: lineUrl,
    PUBLIC_BASE_URL: 'http://careline.test',
  };
}

/** Writes the clinic, admin, channel, N bound friends and their tag; returns the ids. */
export async function seedFriends(env: Env, n: number): Promise<{ clinicId: string; tagId: string }> {
  const config = loadConfig({ ...process.env, ...env });
  const { deps, database } = await createDeps(config);
  try {
    const clinic = await clinicService(deps).create({ name: '群發壓測牙醫診所' });
    await staffService(deps).createWithPassword(clinic.id, { ...ADMIN, name: '管理者', role: 'admin' });
    await lineService(deps).saveChannel(
      clinic.id,
      {
        channelId: BROADCAST_CHANNEL.channelId,
        channelSecret: BROADCAST_CHANNEL.channelSecret,
        accessToken: BROADCAST_CHANNEL.channelAccessToken,
      },
      systemActor,
      '127.0.0.1',
    );
    const iso = new Date().toISOString();
    const tagId = (await ensureManualTags(deps.db, clinic.id, [TAG_NAME], iso)).get(TAG_NAME)!;
    const CHUNK = 1000;
    await deps.db.transaction().execute(async (trx) => {
      for (let i = 0; i < n; i += CHUNK) {
        const part = Array.from({ length: Math.min(CHUNK, n - i) }, (_, k) => ({
          i: i + k,
          id: newId(),
          user: broadcastUserId(i + k),
        }));
        await patientRepository(trx).insertMany(
          part.map((p) => ({
            id: p.id,
            clinic_id: clinic.id,
            his_id: `P${p.i}`,
            name: `病患${p.i}`,
            chart_no: String(100000 + p.i),
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
            last_visit_at: null,
            next_visit_at: null,
          })),
        );
        // the search profile and name bigrams, as an import writes them (segments match through them)
        await patientRepository(trx).insertIndex(
          clinic.id,
          part.map((p) => ({ id: p.id, name: `病患${p.i}`, phone_e164: null, notes: '' })),
          iso,
          'his',
        );
        for (let k = 0; k < part.length; k += 500) {
          const rows = part.slice(k, k + 500);
          await trx
            .insertInto('line_bindings')
            .values(
              rows.map((p) => ({
                clinic_id: clinic.id,
                line_user_id: p.user,
                patient_id: p.id,
                phone_hash: `bench-${p.i}`,
                phone_masked: '09******' + String(p.i % 100).padStart(2, '0'),
                created_at: iso,
              })),
            )
            .execute();
          await trx
            .insertInto('line_friends')
            .values(
              rows.map((p) => ({
                clinic_id: clinic.id,
                line_user_id: p.user,
                display_name: `病患${p.i}`,
                picture_url: null,
                state: 'friend',
                followed_at: iso,
                blocked_at: null,
                unblocked_at: null,
                last_event_at: iso,
                created_at: iso,
                updated_at: iso,
              })),
            )
            .execute();
        }
        await addManualTags(
          trx,
          clinic.id,
          part.map((p) => ({ patientId: p.id, tagId })),
          iso,
        );
      }
    });
    return { clinicId: clinic.id, tagId };
  } finally {
    await database.close();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export type ServerChild = { proc: ChildProcess; pid: number; exited: Promise<number | null> };

/** Stops a server child as `npm start` would be stopped (SIGTERM: a CPU profile gets written), else kills it. */
export async function stopServerChild(c: ServerChild): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  c.proc.kill('SIGTERM');
  const t = setTimeout(() => c.proc.kill('SIGKILL'), 10_000);
  await c.exited;
  clearTimeout(t);
}

/**
 * `apps/server/src/server.ts --role <role>` as a child process; resolves once it printed
 * "careline <role> started".
 */
export function startServerChild(role: 'api' | 'worker', env: Env): Promise<ServerChild> {
  const prof = process.env.BENCH_PROF;
  const proc = fork(SERVER, ['--role', role], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    execArgv: [
      ...(role === 'worker' ? WORKER_NODE_FLAGS : []),
      ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`, `--cpu-prof-name=${role}-${Date.now()}.cpuprofile`] : []),
    ],
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes(`careline ${role} started`)) {
        proc.stdout!.off('data', onData);
        proc.stdout!.resume();
        resolve({ proc, pid: proc.pid!, exited });
      }
    };
    proc.stdout!.on('data', onData);
    void exited.then((code) => reject(new Error(`server --role ${role} exited (${code}) before starting: ${out}`)));
  });
}

/** Peak resident set of a live process (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

/** Resident set of a live process now (VmRSS), in MB. */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
}

/** A logged-in back-office session (cookie + CSRF token) against the API child. */
export async function login(url: string) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const cookies = res.headers.getSetCookie();
  const pick = (name: string) => (cookies.find((c) => c.startsWith(`${name}=`)) ?? '').split(';')[0];
  const session = pick('careline_session');
  const text = await res.text();
  if (!session) throw new Error(`login failed: ${res.status} ${text}`);
  const csrf = (JSON.parse(text) as { csrfToken: string }).csrfToken;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(url + path, {
      method,
      headers: {
        cookie: session,
        'x-csrf-token': csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  return { call };
}
export type Session = Awaited<ReturnType<typeof login>>;
