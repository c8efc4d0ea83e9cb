// Wires the real dependencies from a configuration (used by server.ts, the demo and tests).
import pino from 'pino';
import type { Config } from './config.ts';
import { createDatabase, type Database } from './db/connection.ts';
import { migrate } from './db/migrator.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { createCrypto } from './platform/crypto.ts';
import type { Deps } from './platform/deps.ts';
import { createLineGateway, type LineGateway } from './platform/line.ts';
import type { LinePushOptions } from './platform/line-push.ts';
import { createMetrics } from './platform/metrics.ts';
import { createSmsGateway, type SmsGateway } from './platform/sms.ts';
import { lineChannelLookup } from './modules/line/service.ts';
import { smsAccountLookup } from './modules/sms/service.ts';
import { sessionLookups } from './modules/staff/service.ts';
import { apiKeyLookups } from './modules/api-keys/service.ts';

export type DepsOptions = {
  clock?: Clock;
  migrate?: boolean;
  /** Instead of LINE's API at config.lineApiBaseUrl (tests: a fake). */
  line?: LineGateway;
  /** Options of the LINE push pool (connections per host: the reminder dispatcher's pushes in flight). */
  linePush?: LinePushOptions;
  /** Instead of the providers of the clinics' SMS settings (tests: a fake). */
  sms?: SmsGateway;
};

export async function createDeps(config: Config, opts: DepsOptions = {}): Promise<{ deps: Deps; database: Database }> {
  const database = createDatabase(config.databaseUrl);
  if (opts.migrate !== false) await migrate(database);
  const log = pino({ level: config.logLevel });
  const crypto = createCrypto(config.encryptionKey, {
    previous: config.encryptionKeysOld,
    lookupKey: config.lookupKey,
  });
  const deps: Deps = {
    db: database.db,
    dialect: database.dialect,
    clock: opts.clock ?? systemClock,
    crypto,
    config,
    metrics: createMetrics(),
    log,
    line: opts.line ?? createLineGateway(config, lineChannelLookup(database.db, crypto), opts.linePush),
    sms: opts.sms ?? createSmsGateway(smsAccountLookup(database.db, config, crypto)),
    auth: { ...sessionLookups(database.db), ...apiKeyLookups(database.db) },
  };
  return { deps, database };
}
