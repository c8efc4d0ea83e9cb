// A write transaction that never blocks the event loop waiting for SQLite's write lock. SQLite
// has one writer at a time across processes, and its busy handler waits for the lock by
// sleeping the thread (1, 2, 5 … 100 ms steps): while the worker process writes, a request of
// the api that writes would stall every other request of that process. Here the lock is taken
// up front (BEGIN IMMEDIATE) without the busy handler, and when another process holds it the
// attempt is repeated at the next turns of the event loop, after a millisecond with pauses of
// 1–2 ms, the event loop free meanwhile.
// Once the lock is held, the transaction's statements and its commit do not wait (WAL mode).
// On PostgreSQL (row locks, a pool of connections) it is an ordinary transaction.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Dialect, SyncStatements } from './connection.ts';
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
  return db.connection().execute(async (conn) => {
    await takeWriteLock((q) =>
      sql
        .raw(q)
        .execute(conn)
        .then(() => undefined),
    );
    return commitOrRollBack(conn, fn);
  });
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
  return db.connection().execute(async () => {
    await takeWriteLock((q) => statements.run(q, []));
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
  });
}

/**
 * Begins an immediate transaction with `exec`, without SQLite's busy handler: while another
 * process holds the write lock the attempt is repeated, the event loop free between attempts.
 */
async function takeWriteLock(exec: (q: string) => Promise<void> | void): Promise<void> {
  await exec('pragma busy_timeout = 0');
  try {
    // Another process's write transaction is short (a worker's statement: about 0.1 ms), so
    // the first attempts follow at the next turn of the event loop; only a lock held longer
    // than a millisecond is waited for with timers (1, 2, 2 … ms).
    const started = performance.now();
    for (let pause = 1; ;) {
      try {
        await exec('begin immediate');
        return;
      } catch (err) {
        const waited = performance.now() - started;
        if (!isBusy(err) || waited >= BUSY_TIMEOUT_MS) throw err;
        if (waited < 1) await new Promise((r) => setImmediate(r));
        else {
          await new Promise((r) => setTimeout(r, pause));
          pause = 2;
        }
      }
    }
  } finally {
    await exec(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`);
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
