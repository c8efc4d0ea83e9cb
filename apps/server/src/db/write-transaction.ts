// A write transaction that never blocks the event loop waiting for SQLite's write lock. SQLite
// has one writer at a time across processes, and its busy handler waits for the lock by
// sleeping the thread (1, 2, 5 … 100 ms steps): while the worker process writes, a request of
// the api that writes would stall every other request of that process. Here the lock is taken
// up front (BEGIN IMMEDIATE) without the busy handler, and when another process holds it the
// attempt is repeated at the next turns of the event loop, after a millisecond with pauses of
// 1–2 ms, the event loop free meanwhile.
// Once the lock is held, the transaction's statements and its commit do not wait (WAL mode).
// On PostgreSQL (row locks, a pool of connections) it is an ordinary transaction.
import { sql, type Compilable, type Kysely, type Transaction } from 'kysely';
import { sqliteStatements, type Dialect, type SyncStatements } from './connection.ts';
import type { DB } from './schema.ts';

const BUSY_TIMEOUT_MS = 5000; // as connection.ts sets it for every other statement

const isBusy = (err: unknown): boolean => {
  const e = err as { errcode?: number; message?: string };
  return (e?.errcode !== undefined && (e.errcode & 0xff) === 5) || /database is locked/i.test(e?.message ?? '');
};

export async function writeTransaction<T>(
  db: Kysely<DB> | Transaction<DB>,
  dialect: Dialect,
  fn: (trx: Kysely<DB> | Transaction<DB>) => Promise<T>,
): Promise<T> {
  // Inside a caller's transaction the body joins it (SQLite's one connection is held by it).
  if (db.isTransaction) return fn(db);
  if (dialect !== 'sqlite') return db.transaction().execute(fn);
  return db.connection().execute((conn) =>
    underWriteLock(
      (q) =>
        sql
          .raw(q)
          .execute(conn)
          .then(() => undefined),
      () => commitOrRollBack(conn, fn),
    ),
  );
}

/**
 * A write transaction of statements built beforehand (a repository's queries, not run yet), in
 * order; resolves with how many rows each returned (its RETURNING clause). On SQLite they are
 * compiled before the write lock is taken and run in one turn of the event loop while it is held:
 * nothing else of the process runs in between. An async body (writeTransaction) holds the lock
 * across its awaits, while the process's other work runs — a worker running twenty jobs side by
 * side held it 0.4 ms per transaction on average and up to 50 ms, and the api's webhook writes
 * waited (docs/benchmarks.md, webhook). For a transaction whose statements need no answer of
 * an earlier one; on PostgreSQL an ordinary transaction.
 */
export async function writeStatements(
  db: Kysely<DB> | Transaction<DB>,
  dialect: Dialect,
  queries: readonly Compilable<unknown>[],
): Promise<number[]> {
  const compiled = queries.map((q) => q.compile());
  const run = async (on: Kysely<DB> | Transaction<DB>) => {
    const out: number[] = [];
    for (const c of compiled) out.push((await on.executeQuery(c)).rows.length);
    return out;
  };
  if (db.isTransaction) return run(db);
  const statements = dialect === 'sqlite' ? sqliteStatements(db) : null;
  if (!statements) return db.transaction().execute(run);
  return writeTransactionSync(db, statements, (s) => compiled.map((c) => s.rows(c.sql, c.parameters).length));
}

/**
 * The same write transaction on SQLite for a body of synchronous statements (`SyncStatements`,
 * connection.ts): no query is built, and the body runs in one turn of the event loop while this
 * holds Kysely's connection. For the hottest write path only (the LINE webhook's storage); the
 * caller keeps a Kysely version of its body for PostgreSQL.
 */
export async function writeTransactionSync<T>(
  db: Kysely<DB>,
  statements: SyncStatements,
  fn: (s: SyncStatements) => T,
): Promise<T> {
  // The body and its commit run in the same turn as the BEGIN that took the lock: no await in between.
  return db.connection().execute(() =>
    underWriteLock(
      (q) => statements.run(q, []),
      () => {
        try {
          const result = fn(statements);
          statements.run('commit', []);
          return result;
        } catch (err) {
          try {
            statements.run('rollback', []);
          } catch {
            /* no transaction left to roll back */
          }
          throw err;
        }
      },
    ),
  );
}

/**
 * Begins an immediate transaction with `exec`, without SQLite's busy handler, and runs `body`
 * once it holds the write lock: while another process holds it the attempt is repeated, the
 * event loop free between attempts. With a synchronous `exec` the body starts in the same turn
 * as the BEGIN that succeeded, so nothing else of the process runs while the lock is held.
 */
async function underWriteLock<T>(exec: (q: string) => Promise<void> | void, body: () => T): Promise<Awaited<T>> {
  const step = async (q: string) => {
    const pending = exec(q);
    if (pending) await pending;
  };
  await step('pragma busy_timeout = 0');
  // Another process's write transaction is short (a worker's statement: about 0.1 ms), so the
  // first attempts follow at the next turn of the event loop; only a lock held longer than a
  // millisecond is waited for with timers (1, 2, 2 … ms).
  const started = performance.now();
  for (let pause = 1; ;) {
    try {
      const began = exec('begin immediate');
      if (began) await began;
    } catch (err) {
      const waited = performance.now() - started;
      if (!isBusy(err) || waited >= BUSY_TIMEOUT_MS) {
        await step(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`);
        throw err;
      }
      if (waited < 1) await new Promise((r) => setImmediate(r));
      else {
        await new Promise((r) => setTimeout(r, pause));
        pause = 2;
      }
      continue;
    }
    // the busy timeout of every other statement is back before the body runs (held lock: no waits)
    const restored = exec(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (restored) await restored;
    return await body();
  }
}

/** Runs the body of a transaction begun on `conn`: commits after it, rolls back if it throws. */
async function commitOrRollBack<T>(conn: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  try {
    const result = await fn(conn);
    await sql`commit`.execute(conn);
    return result;
  } catch (err) {
    await sql`rollback`.execute(conn).catch(() => {});
    throw err;
  }
}
