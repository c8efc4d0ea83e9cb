// `npm run rotate-key`: rewrites every encrypted value in the database at DATABASE_URL under
// ENCRYPTION_KEY, reading older values with ENCRYPTION_KEYS_OLD. Safe while the service runs.
// Prints a JSON report; exits 1 when some value no configured key could open.
// The whole procedure (which variables to set when): docs/operations.md "Rotating the encryption key".
import { ConfigError, loadConfig } from '../apps/server/src/config.ts';
import { createDatabase } from '../apps/server/src/db/connection.ts';
import { rotateEncryptionKey } from '../apps/server/src/db/rotate-key.ts';
import { createCrypto } from '../apps/server/src/platform/crypto.ts';
import { devEncryptionKey } from '../apps/server/src/server.ts';

let config;
try {
  config = loadConfig(process.env, { encryptionKey: devEncryptionKey(process.env) });
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`careline: configuration error: ${err.message}\n`);
  process.exit(78);
}
const database = createDatabase(config.databaseUrl);
try {
  const crypto = createCrypto(config.encryptionKey, {
    previous: config.encryptionKeysOld,
    lookupKey: config.lookupKey,
  });
  const report = await rotateEncryptionKey(database, crypto);
  process.stdout.write(JSON.stringify(report) + '\n');
  if (report.unreadable.length) process.exitCode = 1;
} finally {
  await database.close();
}
