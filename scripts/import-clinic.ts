// `npm run import-clinic -- <careline-export.zip>`: imports a clinic's data export (設定 ›
// 資料匯出) into the installation at DATABASE_URL — the clinic moving here, with its ids; the
// clinic must not be on this installation yet. Sealed values are sealed again with this
// installation's ENCRYPTION_KEY. Prints a JSON report (rows per table, tables not imported and
// why); exits 1 when the file cannot be imported (nothing is written then).
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../apps/server/src/config.ts';
import { createDeps } from '../apps/server/src/deps-factory.ts';
import { importClinic } from '../apps/server/src/modules/export/import.ts';
import { devEncryptionKey } from '../apps/server/src/server.ts';

const file = process.argv[2];
if (!file || file === '--help' || file === '-h') {
  process.stderr.write('usage: npm run import-clinic -- <careline-export.zip>\n');
  process.exit(file ? 0 : 2);
}
let config;
try {
  config = loadConfig(process.env, { encryptionKey: devEncryptionKey(process.env) });
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`careline: configuration error: ${err.message}\n`);
  process.exit(78);
}
const { deps, database } = await createDeps(config);
try {
  const report = await importClinic(deps, resolve(file));
  process.stdout.write(JSON.stringify(report) + '\n');
} catch (err) {
  process.stderr.write(`careline: import failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  await database.close();
}
