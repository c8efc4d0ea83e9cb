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
import type { Dialect } from './connection.ts';
import type { DB } from './schema.ts';

const BUSY_TIMEOUT_MS = 5000; // as connection.ts sets it for every other statement

const isBusy = (err: unknown): boolean => {
  const e = err as { errcode?: number; message?: string };
  return (e?.errcode !== undefined && (e.errcode & 0xff) === 5) || /database is locked/i.test(e?.message ?? '');
};

export async function writeTransaction<T>(
  db: Kysely<DB>,
  dialect: Dialect,
  fn: (trx: Kysely<DB> | Transaction<DB>) => Promise<T>,
): Promise<T> {
  if (dialect !== 'sqlite') return db.transaction().execute(fn);
  return db.connection().execute(async (conn) => {
    await sql`pragma busy_timeout = 0`.execute(conn);
    try {
      // Another process's write transaction is short (a worker's statement: about 0.1 ms), so
      // the first attempts follow at the next turn of the event loop; only a lock held longer
      // than a millisecond is waited for with timers (1, 2, 2 … ms).
      const started = performance.now();
      for (let pause = 1; ;) {
        try {
          await sql`begin immediate`.execute(conn);
          break;
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
      await sql.raw(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`).execute(conn);
    }
    return commitOrRollBack(conn, fn);
  });
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
