// writeTransaction on SQLite: while another process (here: another connection to the same file)
// holds the write lock, the transaction waits without blocking the event loop, then commits; a
// failing body rolls back. The same calls run as an ordinary transaction on PostgreSQL.
// blockingWriteTransaction (for a connection with a thread of its own) sleeps between attempts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { createDatabase, openSqlite, openSqliteConnection } from './connection.ts';
import { blockingWriteTransaction, writeTransaction } from './write-transaction.ts';

const dir = mkdtempSync(join(tmpdir(), 'careline-wtx-'));
const file = join(dir, 'db.sqlite');
const database = createDatabase(`sqlite:${file}`);
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('writeTransaction on SQLite', () => {
  it('waits for another writer with the event loop free, then commits; a failing body rolls back', async () => {
    const { db } = database;
    await sql`create table t (v integer)`.execute(db);
    const other = openSqlite(file);
    other.exec('begin immediate');
    other.exec('insert into t values (1)');

    let ticks = 0;
    const ticker = setInterval(() => ticks++, 2);
    const pending = writeTransaction(db, 'sqlite', async (trx) => {
      await sql`insert into t values (2)`.execute(trx);
      return 'done';
    });
    await new Promise((r) => setTimeout(r, 60));
    // still waiting for the lock, and timers kept running meanwhile
    expect(ticks).toBeGreaterThan(3);
    other.exec('commit');
    expect(await pending).toBe('done');
    clearInterval(ticker);

    await expect(
      writeTransaction(db, 'sqlite', async (trx) => {
        await sql`insert into t values (3)`.execute(trx);
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    const rows = await sql<{ v: number }>`select v from t order by v`.execute(db);
    expect(rows.rows.map((r) => r.v)).toEqual([1, 2]);
    // the busy timeout of every other statement is back
    expect((await sql<{ timeout: number }>`pragma busy_timeout`.execute(db)).rows[0]).toEqual({ timeout: 5000 });
    other.close();
  });
});

describe('blockingWriteTransaction', () => {
  it('sleeps while another thread holds the write lock, then commits; a failing body rolls back', async () => {
    await sql`create table b (v integer)`.execute(database.db);
    // Another thread takes the write lock, says so, and commits 150 ms later.
    const holder = new Worker(
      `const { DatabaseSync } = require('node:sqlite');
       const { parentPort, workerData } = require('node:worker_threads');
       const db = new DatabaseSync(workerData.file);
       db.exec('begin immediate'); db.exec('insert into b values (1)');
       parentPort.postMessage('held');
       setTimeout(() => { db.exec('commit'); db.close(); }, 150);`,
      { eval: true, workerData: { file } },
    );
    await new Promise((r) => holder.once('message', r));
    const conn = openSqliteConnection(file, { busyTimeoutMs: 0 });
    const started = performance.now();
    const got = await blockingWriteTransaction(conn.db, async (trx) => {
      await sql`insert into b values (2)`.execute(trx);
      return 'done';
    });
    expect(got).toBe('done');
    expect(performance.now() - started).toBeGreaterThan(100); // it waited for the other thread's commit
    await expect(
      blockingWriteTransaction(conn.db, async (trx) => {
        await sql`insert into b values (3)`.execute(trx);
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    const rows = await sql<{ v: number }>`select v from b order by v`.execute(database.db);
    expect(rows.rows.map((r) => r.v)).toEqual([1, 2]);
    conn.close();
    await holder.terminate();
  });
});
