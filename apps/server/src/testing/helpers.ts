// Test helpers: a fresh app per test file (in-memory SQLite, or TEST_DATABASE_URL for
// PostgreSQL) and a fresh clinic per test, so tests share no fixtures and need no order.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { generate as totpGenerate } from 'otplib';
import pg from 'pg';
import { createDatabase, type Database } from '../db/connection.ts';
import { migrate } from '../db/migrator.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createDeps } from '../deps-factory.ts';
import { manualClock, type Clock } from '../platform/clock.ts';
import type { Role } from '../platform/auth.ts';
import type { Deps } from '../platform/deps.ts';
import type { LineGateway } from '../platform/line.ts';
import type { SmsGateway } from '../platform/sms.ts';
import { clinicService } from '../modules/clinics/service.ts';
import { staffService } from '../modules/staff/service.ts';
import { apiKeyService } from '../modules/api-keys/service.ts';
import { systemActor } from '../platform/audit.ts';

export const TEST_PASSWORD = 'correct-horse-battery';

export type TestApp = {
  app: FastifyInstance;
  deps: Deps;
  clock: ReturnType<typeof manualClock>;
  close(): Promise<void>;
};

const withDb = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

async function dropDatabase(base: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  await c.query(`drop database if exists ${name} with (force)`).catch(() => {});
  await c.end();
}

/**
 * A database of its own for one test app on PostgreSQL: a copy of a template migrated once
 * per run. Separate databases keep workers of concurrent test files from claiming each
 * other's jobs (a worker serves every clinic of its database, as in production).
 */
async function freshPostgresDatabase(base: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const name = `careline_t_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query('select pg_advisory_lock(724002)');
    const tpl = 'careline_test_template';
    const exists = await admin.query('select 1 from pg_database where datname = $1', [tpl]);
    if (!exists.rowCount) {
      await admin.query(`create database ${tpl}`);
      const db = createDatabase(withDb(base, tpl));
      await migrate(db);
      await db.close();
    }
    await admin.query(`create database ${name} template ${tpl}`);
  } finally {
    await admin.query('select pg_advisory_unlock(724002)').catch(() => {});
    await admin.end();
  }
  return {
    url: withDb(base, name),
    drop: () => dropDatabase(base, name),
  };
}

/**
 * An empty database (no migrations applied): in-memory SQLite, or a new PostgreSQL database
 * under TEST_DATABASE_URL.
 */
export async function emptyTestDatabase(): Promise<{ database: Database; close(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const database = createDatabase('sqlite::memory:');
    return { database, close: () => database.close() };
  }
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  const name = `careline_t_${randomBytes(6).toString('hex')}`;
  await admin.query(`create database ${name}`).finally(() => admin.end());
  const database = createDatabase(withDb(base, name));
  return {
    database,
    async close() {
      await database.close();
      await dropDatabase(base, name);
    },
  };
}

export async function createTestApp(
  opts: {
    env?: Record<string, string>;
    clock?: Clock;
    start?: string;
    /** Fakes instead of the LINE and SMS emulators at LINE_API_BASE_URL / SMS_BASE_URL. */
    line?: LineGateway;
    sms?: SmsGateway;
  } = {},
): Promise<TestApp> {
  const clock = manualClock(opts.start ?? new Date().toISOString());
  const own =
    !opts.env?.DATABASE_URL && process.env.TEST_DATABASE_URL
      ? await freshPostgresDatabase(process.env.TEST_DATABASE_URL)
      : null;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: own?.url ?? process.env.TEST_DATABASE_URL ?? 'sqlite::memory:',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PUBLIC_BASE_URL: 'http://careline.test',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const { deps, database } = await createDeps(config, { clock: opts.clock ?? clock, line: opts.line, sms: opts.sms });
  const app = await buildApp(deps, { logger: false });
  await app.ready();
  CLOCKS.set(app, deps.clock);
  return {
    app,
    deps,
    clock,
    close: async () => {
      await app.close();
      await database.close();
      await own?.drop();
    },
  };
}

export type Session = { cookie: string; csrf: string; userId: string; email: string };

export const uniq = () => randomBytes(5).toString('hex');

const CLOCKS = new WeakMap<FastifyInstance, Clock>();
/** The TOTP secrets of the test logins that set up two-factor login through login(). */
export const TOTP_SECRETS = new Map<string, string>();

/** The 6-digit TOTP code of `secret` at `at`, computed by an authenticator library (otplib). */
export const totpCode = (secret: string, at: Date): Promise<string> =>
  totpGenerate({ secret, epoch: Math.floor(at.getTime() / 1000) });

const randomIp = () => `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

/**
 * Logs in through the API and returns the cookie and CSRF token. When the login asks for a
 * second step (two-factor login on, or required — platform operators), it answers with a code
 * computed at the app's clock: from the secret offered to enrol (remembered in TOTP_SECRETS) or
 * from the one remembered.
 */
export async function login(app: FastifyInstance, email: string, password = TEST_PASSWORD): Promise<Session> {
  const ip = randomIp();
  let res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
    remoteAddress: ip,
  });
  if (res.statusCode !== 200) throw new Error(`login failed for ${email}: ${res.statusCode} ${res.body}`);
  const second = res.json().twoFactor as { challenge: string; setup: { secret: string } | null } | undefined;
  if (second) {
    if (second.setup) TOTP_SECRETS.set(email, second.setup.secret);
    const secret = TOTP_SECRETS.get(email);
    if (!secret) throw new Error(`login of ${email} asks for a code and the test knows no secret`);
    const code = await totpCode(secret, (CLOCKS.get(app) ?? { now: () => new Date() }).now());
    res = await app.inject({
      method: 'POST',
      url: '/api/auth/login/code',
      payload: { challenge: second.challenge, code },
      remoteAddress: ip,
    });
    if (res.statusCode !== 200) throw new Error(`second step failed for ${email}: ${res.statusCode} ${res.body}`);
  }
  const cookie = res.cookies.find((c) => c.name === 'careline_session');
  return { cookie: `careline_session=${cookie!.value}`, csrf: res.json().csrfToken, userId: res.json().user.id, email };
}

/** Calls the API as a logged-in staff member (adds cookie and CSRF header). */
export function as(app: FastifyInstance, s: Session | null) {
  const call = (
    method: InjectOptions['method'],
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as never }),
      headers: { ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}), ...headers },
    });
  return {
    get: (url: string) => call('GET', url),
    post: (url: string, body?: unknown) => call('POST', url, body ?? {}),
    patch: (url: string, body: unknown) => call('PATCH', url, body),
    put: (url: string, body: unknown) => call('PUT', url, body),
    delete: (url: string) => call('DELETE', url),
  };
}

export type TestClinic = {
  clinicId: string;
  admin: Session;
  /** Creates another active staff member of this clinic with `role` and logs them in. */
  staff(role: Role): Promise<Session>;
  /** Creates an HIS API key and returns the plain key. */
  apiKey(name?: string): Promise<string>;
  his(key: string): ReturnType<typeof asApiKey>;
};

export function asApiKey(app: FastifyInstance, key: string) {
  const call = (method: InjectOptions['method'], url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as never }),
      headers: { authorization: `Bearer ${key}` },
    });
  return {
    get: (url: string) => call('GET', url),
    put: (url: string, body: unknown) => call('PUT', url, body),
    post: (url: string, body: unknown) => call('POST', url, body),
  };
}

/** A brand-new clinic with its own admin, for one test. */
export async function createTestClinic(
  t: TestApp,
  opts: { name?: string; timeZone?: string } = {},
): Promise<TestClinic> {
  const id = uniq();
  const clinic = await clinicService(t.deps).create({ name: opts.name ?? `測試診所 ${id}`, timeZone: opts.timeZone });
  const staff = staffService(t.deps);
  const adminEmail = `admin-${id}@test.careline.tw`;
  await staff.createWithPassword(clinic.id, {
    email: adminEmail,
    name: '測試管理者',
    role: 'admin',
    password: TEST_PASSWORD,
  });
  const admin = await login(t.app, adminEmail);
  return {
    clinicId: clinic.id,
    admin,
    async staff(role: Role) {
      const email = `${role}-${uniq()}@test.careline.tw`;
      await staff.createWithPassword(role === 'platform_operator' ? null : clinic.id, {
        email,
        name: `測試${role}`,
        role,
        password: TEST_PASSWORD,
      });
      return login(t.app, email);
    },
    async apiKey(name = 'test HIS') {
      return (await apiKeyService(t.deps).create(clinic.id, name, systemActor, '127.0.0.1')).key;
    },
    his: (key: string) => asApiKey(t.app, key),
  };
}

/**
 * Test setup: links a LINE user to the clinic's patient with this HIS id, as a finished phone
 * binding would (without the SMS round trip the binding tests cover). Returns the patient's id.
 */
export async function bindForTest(t: TestApp, clinicId: string, hisId: string, lineUserId: string): Promise<string> {
  const p = await t.deps.db
    .selectFrom('patients')
    .select('id')
    .where('clinic_id', '=', clinicId)
    .where('his_id', '=', hisId)
    .executeTakeFirstOrThrow();
  await t.deps.db
    .insertInto('line_bindings')
    .values({
      clinic_id: clinicId,
      line_user_id: lineUserId,
      patient_id: p.id,
      phone_hash: 'x',
      phone_masked: '0912***678',
      created_at: t.clock.now().toISOString(),
    })
    .execute();
  return p.id;
}

/** bindForTest, and the LINE user a friend of the clinic's account (as a follow event leaves it). */
export async function bindFriendForTest(t: TestApp, clinicId: string, hisId: string, lineUserId: string) {
  const iso = t.clock.now().toISOString();
  await t.deps.db
    .insertInto('line_friends')
    .values({
      clinic_id: clinicId,
      line_user_id: lineUserId,
      display_name: `好友 ${hisId}`,
      picture_url: null,
      state: 'friend',
      followed_at: iso,
      blocked_at: null,
      unblocked_at: null,
      last_event_at: iso,
      created_at: iso,
      updated_at: iso,
    })
    .execute();
  return bindForTest(t, clinicId, hisId, lineUserId);
}
