// `npm run backup -- [--out ./backups] [--keep 14]`: one backup of the database at DATABASE_URL
// (SQLite's online backup or pg_dump), safe while the service runs; prints the manifest as JSON.
// `npm run restore -- <file>` puts one back (stop the api and worker processes first).
// docs/operations.md explains schedules, recovery point and time, and the encryption key.
import { parseArgs } from 'node:util';
import { parseDatabaseUrl } from '../apps/server/src/config.ts';
import { BackupError, backupDatabase, pruneBackups, restoreDatabase } from '../apps/server/src/db/backup.ts';

const USAGE = `usage:
  npm run backup -- [--out <dir>] [--keep <n>]     (default --out \${CARELINE_BACKUP_DIR:-./backups})
  npm run restore -- <backup file>                  (the api and worker processes stopped)
DATABASE_URL names the database (default sqlite:./data/careline.db).
`;

function fail(msg: string): never {
  process.stderr.write(`careline: ${msg}\n\n${USAGE}`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { out: { type: 'string' }, keep: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) return void process.stdout.write(USAGE);
  const url = parseDatabaseUrl('DATABASE_URL', process.env.DATABASE_URL || 'sqlite:./data/careline.db');
  if (cmd === 'backup') {
    const dir = values.out ?? process.env.CARELINE_BACKUP_DIR ?? './backups';
    const m = await backupDatabase(url, dir);
    const keep = values.keep === undefined ? null : Number(values.keep);
    if (keep !== null && (!Number.isInteger(keep) || keep < 1)) fail('--keep must be a whole number ≥ 1');
    const pruned = keep === null ? [] : pruneBackups(dir, keep);
    process.stdout.write(JSON.stringify({ ...m, dir, pruned }) + '\n');
    return;
  }
  if (cmd === 'restore') {
    const file = positionals[0];
    if (!file) fail('name the backup file to restore');
    const r = await restoreDatabase(url, file);
    process.stdout.write(JSON.stringify({ restored: file, ...r }) + '\n');
    return;
  }
  fail(`unknown command "${cmd ?? ''}"`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof BackupError) {
    process.stderr.write(`careline: ${err.message}\n`);
    process.exit(1);
  }
  throw err;
});
