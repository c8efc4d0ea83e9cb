// writeTransaction on SQLite: while another process (here: another connection to the same file)
// holds the write lock, the transaction waits without blocking the event loop, then commits; a
// failing body rolls back. The same calls run as an ordinary transaction on PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, openSqlite, sqliteStatements } from './connection.ts';
import { writeStatements, writeTransaction, writeTransactionSync } from './write-transaction.ts';

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

  it('runs synchronous statements the same way: waits with the event loop free, rolls back on a throw', async () => {
    const { db } = database;
    const statements = sqliteStatements(db)!;
    expect(statements).not.toBeNull();
    await sql`create table s (v integer primary key, note text)`.execute(db);
    const other = openSqlite(file);
    other.exec('begin immediate');
    other.exec("insert into s values (1, 'other')");

    let ticks = 0;
    const ticker = setInterval(() => ticks++, 2);
    const pending = writeTransactionSync(db, statements, (s) => {
      s.run('insert into s (v, note) values (?, ?)', [2, null]);
      return s.rows('select v, note from s order by v', []);
    });
    // a Kysely query on the same handle waits for the transaction, never runs inside it
    const outside = sql<{ n: number }>`select count(*) as n from s`.execute(db);
    await new Promise((r) => setTimeout(r, 60));
    expect(ticks).toBeGreaterThan(3);
    other.exec('commit');
    // what is sent is what is stored: the null stays null
    expect(await pending).toEqual([
      [1, 'other'],
      [2, null],
    ]);
    expect((await outside).rows[0].n).toBe(2);
    clearInterval(ticker);

    await expect(
      writeTransactionSync(db, statements, (s) => {
        s.run('insert into s (v, note) values (?, ?)', [3, 'x']);
        s.run('insert into s (v, note) values (?, ?)', [2, 'a repeat of the primary key']);
      }),
    ).rejects.toThrow(/UNIQUE/);
    const rows = await sql<{ v: number }>`select v from s order by v`.execute(db);
    expect(rows.rows.map((r) => r.v)).toEqual([1, 2]);
    expect((await sql<{ timeout: number }>`pragma busy_timeout`.execute(db)).rows[0]).toEqual({ timeout: 5000 });
    other.close();
  });
});

describe('writeStatements (prebuilt statements, one transaction)', () => {
  it('holds the write lock only while its statements run: nothing else of the process runs meanwhile', async () => {
    const { db } = database;
    await sql`create table w (v integer primary key, note text)`.execute(db);
    const insert = (v: number, note: string | null) =>
      db
        .insertInto('w' as never)
        .values({ v, note } as never)
        .onConflict((oc) => oc.doNothing())
        .returning('v' as never);
    // Other work of the process, turn after turn: another connection asks for the write lock.
    const other = openSqlite(file);
    other.exec('pragma busy_timeout = 0');
    let probes = 0;
    let busy = 0;
    let stop = false;
    const probe = (async () => {
      while (!stop) {
        try {
          other.exec('begin immediate');
          other.exec('rollback');
        } catch {
          busy++;
        }
        probes++;
        // turn after turn: microtasks, and every tenth time the next turn of the event loop
        await (probes % 10 ? Promise.resolve() : new Promise((r) => setImmediate(r)));
      }
    })();
    // two calls in the same turn: written together (group commit), each its own answer
    const [returned, second] = await Promise.all([
      writeStatements(db, 'sqlite', [insert(1, null), insert(2, 'b'), insert(1, 'again')]),
      writeStatements(db, 'sqlite', [insert(4, 'd')]),
    ]);
    stop = true;
    await probe;
    expect(returned).toEqual([1, 1, 0]);
    expect(second).toEqual([1]);
    expect(probes).toBeGreaterThan(3);
    expect(busy).toBe(0);
    // what is sent is what is stored: the null stays null; the repeat changed nothing
    expect((await sql<{ v: number; note: string | null }>`select v, note from w order by v`.execute(db)).rows).toEqual([
      { v: 1, note: null },
      { v: 2, note: 'b' },
      { v: 4, note: 'd' },
    ]);
    // a failing statement rolls back the ones before it in its call, and fails no other call of its group
    const [failed, fine] = await Promise.allSettled([
      writeStatements(db, 'sqlite', [insert(3, 'c'), db.insertInto('w' as never).values({ v: 2 } as never)]),
      writeStatements(db, 'sqlite', [insert(5, 'e')]),
    ]);
    expect(failed).toMatchObject({
      status: 'rejected',
      reason: expect.objectContaining({ message: expect.stringMatching(/UNIQUE/) }),
    });
    expect(fine).toEqual({ status: 'fulfilled', value: [1] });
    expect((await sql<{ v: number }>`select v from w order by v`.execute(db)).rows.map((r) => r.v)).toEqual([
      1, 2, 4, 5,
    ]);
    other.close();
  });
});
