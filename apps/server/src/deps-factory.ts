// Wires the real dependencies from a configuration (used by server.ts, the demo and tests).
import pino from 'pino';
import type { Config } from './config.ts';
import { createDatabase, type Database } from './db/connection.ts';
import { migrate } from './db/migrator.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { createCrypto } from './platform/crypto.ts';
import type { Deps } from './platform/deps.ts';
import { createMetrics } from './platform/metrics.ts';

export async function createDeps(
  config: Config,
  opts: { clock?: Clock; migrate?: boolean } = {},
): Promise<{ deps: Deps; database: Database }> {
  const database = createDatabase(config.databaseUrl);
  if (opts.migrate !== false) await migrate(database);
  const log = pino({ level: config.logLevel });
  const deps: Deps = {
    db: database.db,
    dialect: database.dialect,
    clock: opts.clock ?? systemClock,
    crypto: createCrypto(config.encryptionKey),
    config,
    metrics: createMetrics(),
    log,
  };
  return { deps, database };
}
