// A write transaction that never blocks the event loop waiting for SQLite's write lock. SQLite
// has one writer at a time across processes, and its busy handler waits for the lock by
// sleeping the thread (1, 2, 5 … 100 ms steps): while the worker process writes, a request of
// the api that writes would stall every other request of that process. Here the lock is taken
// up front (BEGIN IMMEDIATE) without the busy handler, and when another process holds it the
// attempt is repeated at the next turns of the event loop, after a millisecond with pauses of
// 1–2 ms, the event loop free meanwhile.
// Once the lock is held, the transaction's statements and its commit do not wait (WAL mode).
// On PostgreSQL (row locks, a pool of connections) it is an ordinary transaction.
import { sql, type Compilable, type CompiledQuery, type Kysely, type Transaction } from 'kysely';
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
 * order; resolves with how many rows each returned (its RETURNING clause). For a transaction
 * whose statements need no answer of an earlier one; on PostgreSQL an ordinary transaction.
 *
 * On SQLite (one writer at a time across processes) two things keep the write lock short:
 * - the statements are compiled before the lock is taken and run in one turn of the event loop
 *   while it is held, so nothing else of the process runs in between. An async body
 *   (writeTransaction) holds the lock across its awaits while the process's other work runs: a
 *   worker running twenty jobs side by side held it 0.3 ms per transaction, up to 50 ms.
 * - group commit: the calls made while a write is under way are written together in the next
 *   transaction, each call's statements in order, so a worker's side-by-side jobs commit once
 *   instead of once each. If the group fails, each call runs again in a transaction of its own:
 *   one call's failure (a constraint) never fails another's.
 * (docs/benchmarks.md, webhook: the api's webhook writes wait for the worker's lock.)
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
  let group = groups.get(db);
  if (!group) {
    group = statementGroup(db, statements);
    groups.set(db, group);
  }
  return group(compiled);
}

type Pending = { compiled: CompiledQuery[]; resolve(returned: number[]): void; reject(err: unknown): void };
const groups = new WeakMap<Kysely<DB>, (compiled: CompiledQuery[]) => Promise<number[]>>();

function statementGroup(db: Kysely<DB>, statements: SyncStatements) {
  let queue: Pending[] = [];
  let writing = false;
  const runAll = (s: SyncStatements, p: Pending) => p.compiled.map((c) => s.rows(c.sql, c.parameters).length);
  async function flush() {
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        const results = await writeTransactionSync(db, statements, (s) => batch.map((p) => runAll(s, p)));
        batch.forEach((p, i) => p.resolve(results[i]));
      } catch {
        for (const p of batch)
          await writeTransactionSync(db, statements, (s) => runAll(s, p)).then(p.resolve, p.reject);
      }
    }
    writing = false;
  }
  return (compiled: CompiledQuery[]) =>
    new Promise<number[]>((resolve, reject) => {
      queue.push({ compiled, resolve, reject });
      // the first call starts the write on the next turn: the calls made meanwhile join it
      if (!writing) {
        writing = true;
        setImmediate(() => void flush());
      }
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
