import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The only reader of process.env. Every variable is validated at boot; a bad value stops
// start-up with one line naming the variable and what is wrong (docs/contracts.md "Environment").

export type Config = {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string;
  lineApiBaseUrl: string;
  lineDataApiBaseUrl: string;
  lineLoginBaseUrl: string;
  smsProvider: 'emulator' | 'mitake' | 'every8d' | 'none';
  smsBaseUrl: string;
  smsUsername: string;
  smsPassword: string;
  encryptionKey: Buffer;
  /** older encryption keys, for reading what they encrypted until `npm run rotate-key` rewrote it */
  encryptionKeysOld: Buffer[];
  /** the key of the lookup hashes; null: ENCRYPTION_KEY's (docs/operations.md) */
  lookupKey: Buffer | null;
  publicBaseUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  sessionTtlHours: number;
  /**
   * The scheduling priority (nice) a `--role worker` process gives itself: webhook
   * acknowledgements and the back office win the CPU when api and worker share cores (0: unchanged).
   */
  workerNice: number;
  webDistDir: string | null;
  /** Where finished data exports wait for their download (shared by api and worker processes). */
  exportDir: string;
  /** Headless Chromium for PDF reports (null: none installed; PDF downloads answer 503). */
  chromiumPath: string | null;
  /** Google OAuth 2.0 and Business Profile APIs (defaults: the emulator's stand-in under /gbp). */
  google: {
    clientId: string;
    clientSecret: string;
    authUrl: string;
    tokenUrl: string;
    revokeUrl: string;
    accountApiBaseUrl: string;
    businessInfoApiBaseUrl: string;
    reviewsApiBaseUrl: string;
  };
};

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.variable = variable;
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined || v === '' ? fallback : v;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function httpUrl(env: Env, name: string, fallback: string): string {
  const v = str(env, name, fallback);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${v}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ConfigError(name, `must be an http(s) URL, got "${v}"`);
  return v.replace(/\/+$/, '');
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const v = str(env, name, fallback);
  if (!(allowed as readonly string[]).includes(v))
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

export function parseDatabaseUrl(name: string, v: string): string {
  if (v.startsWith('sqlite:')) {
    if (v.length <= 'sqlite:'.length)
      throw new ConfigError(name, 'sqlite: needs a file path, e.g. sqlite:./data/careline.db');
    return v;
  }
  if (v.startsWith('postgres://') || v.startsWith('postgresql://')) {
    try {
      new URL(v);
    } catch {
      throw new ConfigError(name, 'is not a valid postgres:// URL');
    }
    return v;
  }
  const scheme = v.includes(':') ? v.slice(0, v.indexOf(':')) : v;
  throw new ConfigError(name, `unsupported database "${scheme}": use sqlite:<path> or postgres://…`);
}

export function decodeEncryptionKey(name: string, v: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v))
    throw new ConfigError(name, 'must be base64 (32 random bytes, e.g. `openssl rand -base64 32`)');
  const key = Buffer.from(v, 'base64');
  if (key.length !== 32) throw new ConfigError(name, `must decode to 32 bytes, got ${key.length}`);
  return key;
}

/** Builds the configuration from an environment; throws ConfigError on the first bad value. */
export function loadConfig(env: Env, defaults: { encryptionKey?: string } = {}): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const port = int(env, 'PORT', 3000, 1, 65535);
  const host = str(env, 'HOST', '0.0.0.0');
  const databaseUrl = parseDatabaseUrl('DATABASE_URL', str(env, 'DATABASE_URL', 'sqlite:./data/careline.db'));
  const lineApiBaseUrl = httpUrl(env, 'LINE_API_BASE_URL', 'http://localhost:4000');
  const lineDataApiBaseUrl = httpUrl(env, 'LINE_DATA_API_BASE_URL', lineApiBaseUrl);
  const lineLoginBaseUrl = httpUrl(env, 'LINE_LOGIN_BASE_URL', lineApiBaseUrl);
  const smsProvider = oneOf(env, 'SMS_PROVIDER', ['emulator', 'mitake', 'every8d', 'none'] as const, 'emulator');
  const smsBaseUrl = httpUrl(env, 'SMS_BASE_URL', lineApiBaseUrl);
  const rawKey = env.ENCRYPTION_KEY ?? defaults.encryptionKey;
  if (rawKey === undefined || rawKey === '')
    throw new ConfigError('ENCRYPTION_KEY', 'is required (base64 of 32 random bytes, e.g. `openssl rand -base64 32`)');
  const encryptionKey = decodeEncryptionKey('ENCRYPTION_KEY', rawKey);
  const encryptionKeysOld = str(env, 'ENCRYPTION_KEYS_OLD', '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => decodeEncryptionKey('ENCRYPTION_KEYS_OLD', k));
  const lookupKey = env.LOOKUP_KEY ? decodeEncryptionKey('LOOKUP_KEY', env.LOOKUP_KEY) : null;
  const publicBaseUrl = httpUrl(env, 'PUBLIC_BASE_URL', `http://localhost:${port}`);
  const logLevel = oneOf(
    env,
    'LOG_LEVEL',
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
    nodeEnv === 'test' ? 'silent' : 'info',
  );
  const sessionTtlHours = int(env, 'SESSION_TTL_HOURS', 12, 1, 24 * 30);
  const workerNice = int(env, 'WORKER_NICE', 10, 0, 19);
  const webDistDir = env.WEB_DIST_DIR ? resolve(env.WEB_DIST_DIR) : null;
  const exportDir = resolve(
    str(
      env,
      'EXPORT_DIR',
      nodeEnv === 'test' ? join(tmpdir(), 'careline-exports') : join(env.CARELINE_DATA_DIR ?? './data', 'exports'),
    ),
  );
  const chromium = str(env, 'CHROMIUM_PATH', '/usr/bin/chromium');
  const chromiumPath = chromium === 'none' ? null : resolve(chromium);
  const gbp = `${lineApiBaseUrl}/gbp`;
  const google = {
    clientId: str(env, 'GOOGLE_CLIENT_ID', 'careline-emulator-client'),
    clientSecret: str(env, 'GOOGLE_CLIENT_SECRET', 'careline-emulator-secret'),
    authUrl: httpUrl(env, 'GOOGLE_OAUTH_AUTH_URL', `${gbp}/o/oauth2/v2/auth`),
    tokenUrl: httpUrl(env, 'GOOGLE_OAUTH_TOKEN_URL', `${gbp}/token`),
    revokeUrl: httpUrl(env, 'GOOGLE_OAUTH_REVOKE_URL', `${gbp}/revoke`),
    accountApiBaseUrl: httpUrl(env, 'GOOGLE_ACCOUNT_API_BASE_URL', gbp),
    businessInfoApiBaseUrl: httpUrl(env, 'GOOGLE_BUSINESS_INFO_API_BASE_URL', gbp),
    reviewsApiBaseUrl: httpUrl(env, 'GOOGLE_REVIEWS_API_BASE_URL', gbp),
  };
  return {
    nodeEnv,
    port,
    host,
    databaseUrl,
    lineApiBaseUrl,
    lineDataApiBaseUrl,
    lineLoginBaseUrl,
    smsProvider,
    smsBaseUrl,
    smsUsername: str(env, 'SMS_USERNAME', smsProvider === 'emulator' ? 'demo' : 'careline'),
    smsPassword: str(env, 'SMS_PASSWORD', smsProvider === 'emulator' ? 'demo' : 'careline'),
    encryptionKey,
    encryptionKeysOld,
    lookupKey,
    publicBaseUrl,
    logLevel,
    sessionTtlHours,
    workerNice,
    webDistDir,
    exportDir,
    chromiumPath,
    google,
  };
}
