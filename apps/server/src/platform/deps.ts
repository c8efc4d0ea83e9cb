// The explicit dependencies every module receives (no global singletons).
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Dialect } from '../db/connection.ts';
import type { DB } from '../db/schema.ts';
import type { AuthLookups } from './auth.ts';
import type { Clock } from './clock.ts';
import type { Crypto } from './crypto.ts';
import type { LineGateway } from './line.ts';
import type { Metrics } from './metrics.ts';
import type { SmsGateway } from './sms.ts';

export type Logger = {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
};

export type Deps = {
  db: Kysely<DB>;
  dialect: Dialect;
  clock: Clock;
  crypto: Crypto;
  config: Config;
  metrics: Metrics;
  log: Logger;
  /** LINE's API per clinic channel (tests may put a fake here). */
  line: LineGateway;
  /** The SMS provider per clinic (tests may put a fake here). */
  sms: SmsGateway;
  /** Sessions and API keys for the guards of platform/auth.ts (owned by the staff and api-keys modules). */
  auth: AuthLookups;
};
