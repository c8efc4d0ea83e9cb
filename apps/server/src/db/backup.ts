// Backups of the whole database and their restore (`npm run backup`, `npm run restore`;
// docs/operations.md). SQLite: SQLite's online backup API (node:sqlite `backup`), copying in
// one step inside a read transaction: in WAL mode readers never block writers, so the running
// api and worker processes keep writing, and the copy is the database as of one commit.
// PostgreSQL: pg_dump's custom format (one repeatable-read snapshot) and pg_restore, the
// client programs of Debian's postgresql package.
// Each backup file has a manifest next to it (<file>.json): what it is, when, its SHA-256 and
// the newest migration in it; restore checks the hash before touching anything.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { DatabaseSync, backup as sqliteBackup } from 'node:sqlite';

export type BackupManifest = {
  format: 'careline-backup/1';
  dialect: 'sqlite' | 'postgres';
  file: string;
  /** when the copy started: every commit before it is in the backup */
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  bytes: number;
  sha256: string;
  /** newest schema migration in the backup (the server migrates forward on its next start) */
  lastMigration: number | null;
};

export class BackupError extends Error {}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/** The SQLite file a `sqlite:<path>` URL names, or null for PostgreSQL. */
export function sqlitePath(url: string): string | null {
  if (!url.startsWith('sqlite:')) return null;
  const p = url.slice('sqlite:'.length);
  if (p === ':memory:') throw new BackupError('an in-memory SQLite database has nothing to back up');
  return resolve(p);
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', (e) =>
      rej(
        new BackupError(
          (e as NodeJS.ErrnoException).code === 'ENOENT'
            ? `${cmd} not found: install Debian's postgresql-client (apt-get install postgresql-client)`
            : e.message,
        ),
      ),
    );
    p.on('close', (code) =>
      code === 0 ? res(out) : rej(new BackupError(`${cmd} exited with ${code}: ${err.trim().slice(0, 2000)}`)),
    );
  });
}

function lastMigrationSqlite(file: string): number | null {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const r = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null } | undefined;
    return r?.v ?? null;
  } catch {
    return null;
  } finally {
    db.close();
  }
}

/** Checks a SQLite file page by page (`PRAGMA quick_check`); throws when it is damaged. */
export function checkSqliteFile(file: string): void {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = db.prepare('PRAGMA quick_check').all() as { quick_check: string }[];
    if (rows.length !== 1 || rows[0].quick_check !== 'ok')
      throw new BackupError(`${file} is damaged: ${rows.map((r) => r.quick_check).join('; ')}`);
  } finally {
    db.close();
  }
}

/**
 * Writes one backup of the database at `url` into `outDir` and returns its manifest. Safe
 * while the service runs. The file appears under its final name only when complete.
 */
export async function backupDatabase(url: string, outDir: string, now = () => new Date()): Promise<BackupManifest> {
  mkdirSync(outDir, { recursive: true });
  const started = now();
  const t0 = performance.now();
  const src = sqlitePath(url);
  const dialect = src ? 'sqlite' : 'postgres';
  const file = resolve(outDir, `careline-${stamp(started)}.${src ? 'db' : 'dump'}`);
  const tmp = `${file}.partial`;
  rmSync(tmp, { force: true });
  let lastMigration: number | null;
  try {
    if (src) {
      if (!existsSync(src)) throw new BackupError(`no database at ${src}`);
      const db = new DatabaseSync(src);
      try {
        db.exec('PRAGMA busy_timeout = 10000');
        // every page in one step: a step-wise copy restarts whenever another process commits
        await sqliteBackup(db, tmp, { rate: 2_147_483_647 });
      } finally {
        db.close();
      }
      // a standalone file: no -wal beside it when it is opened (or copied) later
      const out = new DatabaseSync(tmp);
      out.exec('PRAGMA journal_mode = DELETE');
      out.close();
      checkSqliteFile(tmp);
      lastMigration = lastMigrationSqlite(tmp);
    } else {
      await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${tmp}`, `--dbname=${url}`]);
      // the archive's table of contents reads back: the file is whole
      const toc = await run('pg_restore', ['--list', tmp]);
      if (!/TABLE DATA public schema_migrations/.test(toc))
        throw new BackupError('the dump has no schema_migrations data: is DATABASE_URL a Careline database?');
      lastMigration = null;
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  const manifest: BackupManifest = {
    format: 'careline-backup/1',
    dialect,
    file: basename(file),
    startedAt: started.toISOString(),
    finishedAt: now().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    bytes: statSync(file).size,
    sha256: await sha256File(file),
    lastMigration,
  };
  await writeFile(`${file}.json`, JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Keeps the newest `keep` backups in `dir` (by name, which sorts by time) and deletes the rest. */
export function pruneBackups(dir: string, keep: number): string[] {
  const files = readdirSync(dir)
    .filter((f) => /^careline-\d{8}T\d{6}Z\.(db|dump)$/.test(f))
    .sort();
  const gone = files.slice(0, Math.max(0, files.length - keep));
  for (const f of gone) {
    rmSync(join(dir, f), { force: true });
    rmSync(join(dir, `${f}.json`), { force: true });
  }
  return gone;
}

function readManifest(file: string): BackupManifest | null {
  const m = `${file}.json`;
  return existsSync(m) ? (JSON.parse(readFileSync(m, 'utf8')) as BackupManifest) : null;
}

/** True when no other process has the SQLite database open (its WAL index is not shared). */
function sqliteIsIdle(file: string): boolean {
  const db = new DatabaseSync(file);
  try {
    db.exec('PRAGMA busy_timeout = 0');
    // exclusive locking mode in WAL needs every other connection gone
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
    return true;
  } catch {
    return false;
  } finally {
    db.close();
  }
}

/**
 * Replaces the database at `url` with the backup `file`. The api and worker processes must be
 * stopped (SQLite: refused while another process has the file open; PostgreSQL: pg_restore
 * would wait on their locks). Returns how long it took.
 */
export async function restoreDatabase(url: string, file: string): Promise<{ durationMs: number }> {
  const t0 = performance.now();
  const from = resolve(file);
  if (!existsSync(from)) throw new BackupError(`no backup at ${from}`);
  const manifest = readManifest(from);
  if (manifest) {
    const sum = await sha256File(from);
    if (sum !== manifest.sha256)
      throw new BackupError(`${basename(from)} does not match its manifest (sha256 ${sum}): the file is damaged`);
  }
  const target = sqlitePath(url);
  if (target) {
    if (manifest && manifest.dialect !== 'sqlite') throw new BackupError('this is a PostgreSQL backup');
    checkSqliteFile(from);
    mkdirSync(dirname(target), { recursive: true });
    if (existsSync(target) && !sqliteIsIdle(target))
      throw new BackupError(`${target} is in use: stop the api and worker processes, then restore`);
    const tmp = `${target}.restoring`;
    rmSync(tmp, { force: true });
    const src = new DatabaseSync(from, { readOnly: true });
    try {
      await sqliteBackup(src, tmp, { rate: 2_147_483_647 });
    } finally {
      src.close();
    }
    const db = new DatabaseSync(tmp);
    db.exec('PRAGMA journal_mode = WAL');
    db.close();
    for (const ext of ['-wal', '-shm']) rmSync(target + ext, { force: true });
    renameSync(tmp, target);
  } else {
    if (manifest && manifest.dialect !== 'postgres') throw new BackupError('this is a SQLite backup');
    await run('pg_restore', [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--no-privileges',
      '--single-transaction',
      '--exit-on-error',
      `--dbname=${url}`,
      from,
    ]);
  }
  return { durationMs: Math.round(performance.now() - t0) };
}
