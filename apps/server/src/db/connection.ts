// Opens the database named by DATABASE_URL: SQLite through the built-in node:sqlite (WAL,
// foreign keys, busy timeout, checkpoints in a thread of their own: checkpointer.ts) or
// PostgreSQL through pg. One Kysely code path for both, except the synchronous statements
// (SyncStatements) of the LINE webhook's storage on SQLite.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase, type SqliteStatement } from 'kysely';
import pg from 'pg';
import { startCheckpointer, type Checkpointer } from './checkpointer.ts';
import type { DB } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export type Database = {
  db: Kysely<DB>;
  dialect: Dialect;
  /** Throws when the database cannot answer a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
};

function bindable(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.toISOString();
  return v;
}

/**
 * Rows as objects, built in JS from node:sqlite's array rows: node:sqlite builds each row
 * object property by property through the V8 API, which costs about a third more than
 * returning arrays and naming the values here (measured: 31 rows × 7 columns, 85 → 65 µs).
 * A name that appears twice keeps the later value, as node:sqlite's own objects do.
 */
function objectRows(rows: unknown[], names: string[]): unknown[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as unknown[];
    const o: Record<string, unknown> = {};
    for (let j = 0; j < names.length; j++) o[names[j]] = r[j];
    out.push(o);
  }
  return out;
}

/** Parameters as node:sqlite binds them. */
const args = (p: ReadonlyArray<unknown>) => p.map(bindable) as never[];

/**
 * Synchronous statements on a SQLite handle's connection, for the hottest write path (the LINE
 * webhook's storage, docs/benchmarks.md): the same prepared-statement cache as Kysely's, without
 * building a query per call. Only inside `writeTransactionSync` (write-transaction.ts), which
 * holds Kysely's connection while they run, so they never interleave with another query.
 */
export type SyncStatements = {
  /** Rows of a statement that returns rows, as arrays of values in the statement's column order. */
  rows(sql: string, params: readonly unknown[]): unknown[][];
  run(sql: string, params: readonly unknown[]): void;
};

const syncStatements = new WeakMap<Kysely<DB>, SyncStatements>();

/** The synchronous statements of a SQLite handle opened by createDatabase; null on PostgreSQL. */
export function sqliteStatements(db: Kysely<DB>): SyncStatements | null {
  return syncStatements.get(db) ?? null;
}

/** Adapts node:sqlite's DatabaseSync to the interface Kysely's SqliteDialect expects. */
function nodeSqliteAdapter(raw: DatabaseSync): { adapter: SqliteDatabase; statements: SyncStatements } {
  // Prepared statements are cached by SQL text (Kysely emits the same text for the same query shape).
  const cache = new Map<string, { st: StatementSync; reader: boolean; names: string[] }>();
  const prepare = (q: string) => {
    let entry = cache.get(q);
    if (!entry) {
      const st = raw.prepare(q);
      const names = st.columns().map((c) => c.name);
      if (names.length) st.setReturnArrays(true);
      entry = { st, reader: names.length > 0, names };
      if (cache.size > 1000) cache.clear();
      cache.set(q, entry);
    }
    return entry;
  };
  const statements: SyncStatements = {
    rows: (q, p) => prepare(q).st.all(...args(p)) as unknown as unknown[][],
    run: (q, p) => void prepare(q).st.run(...args(p)),
  };
  const adapter: SqliteDatabase = {
    close: () => raw.close(),
    prepare(q: string): SqliteStatement {
      const { st, reader, names } = prepare(q);
      return {
        reader,
        all: (p) => objectRows(st.all(...args(p)), names),
        run: (p) => {
          const r = st.run(...args(p));
          return { changes: r.changes, lastInsertRowid: r.lastInsertRowid };
        },
        iterate: (p) =>
          (function* () {
            for (const r of st.iterate(...args(p))) yield objectRows([r], names)[0];
          })(),
      };
    },
  };
  return { adapter, statements };
}

export function openSqlite(path: string): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new DatabaseSync(path, { enableForeignKeyConstraints: true });
  raw.exec('PRAGMA busy_timeout = 5000');
  if (path !== ':memory:') raw.exec('PRAGMA journal_mode = WAL');
  raw.exec('PRAGMA synchronous = NORMAL');
  raw.exec('PRAGMA foreign_keys = ON');
  return raw;
}

let pgTypesSet = false;
function setPgTypes(): void {
  if (pgTypesSet) return;
  pgTypesSet = true;
  // int8/bigint and count(*) as JS numbers: our ids and counts stay far below 2^53.
  pg.types.setTypeParser(20, (v) => Number(v));
  pg.types.setTypeParser(1700, (v) => Number(v));
}

/** The size a file's WAL is cut back to when it starts over (64 MB). */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

export function createDatabase(url: string, opts: { poolSize?: number } = {}): Database {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    const raw = openSqlite(path);
    // A file's checkpoints run in a thread of their own, never inside this connection's commits.
    let checkpointer: Checkpointer | null = null;
    if (path !== ':memory:') {
      raw.exec('PRAGMA wal_autocheckpoint = 0');
      // A long burst of writes grows the WAL file (the demo's fill of a year of visits: 1.1 GB);
      // when the WAL next starts over it is cut back to this size instead of keeping it all.
      raw.exec(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT}`);
      checkpointer = startCheckpointer(path, {
        onFailure: () => raw.isOpen && raw.exec('PRAGMA wal_autocheckpoint = 1000'),
      });
    }
    const { adapter, statements } = nodeSqliteAdapter(raw);
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: adapter }) });
    syncStatements.set(db, statements);
    return {
      db,
      dialect: 'sqlite',
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: async () => {
        await checkpointer?.stop();
        await db.destroy();
      },
    };
  }
  setPgTypes();
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 });
  pool.on('error', () => {
    /* idle client errors are reported by the next query */
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
