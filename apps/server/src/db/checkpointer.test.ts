// Checkpoints of a SQLite file run in their own thread (checkpointer.ts): the server's connection
// never checkpoints inside a commit, and the WAL is still copied into the database file and
// started over while the server writes.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { startCheckpointer } from './checkpointer.ts';
import { createDatabase, openSqlite } from './connection.ts';

const dir = mkdtempSync(join(tmpdir(), 'careline-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a file database checkpoints in its own thread, not in its commits; the WAL stays small', async () => {
  const file = join(dir, 'db.sqlite');
  const database = createDatabase(`sqlite:${file}`);
  const { db } = database;
  const auto = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
  expect(auto.rows[0].wal_autocheckpoint).toBe(0);
  await sql`create table t (v text)`.execute(db);
  const row = 'x'.repeat(3000);
  // 20 rounds of 100 one-row transactions (about 800 kB of WAL frames each round) with pauses
  // in which the thread checkpoints.
  let largest = 0;
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 100; i++) await sql`insert into t values (${row})`.execute(db);
    largest = Math.max(largest, statSync(`${file}-wal`).size);
    await new Promise((r) => setTimeout(r, 250));
  }
  // Without checkpoints the WAL would hold all 2,000 transactions (8 MB or more).
  expect(largest).toBeLessThan(6 * 1024 * 1024);
  const n = await sql<{ n: number }>`select count(*) as n from t`.execute(db);
  expect(Number(n.rows[0].n)).toBe(2000);
  await database.close();
  // Closed cleanly: the thread has ended and a new connection sees every row.
  const again = createDatabase(`sqlite:${file}`);
  expect(Number((await sql<{ n: number }>`select count(*) as n from t`.execute(again.db)).rows[0].n)).toBe(2000);
  await again.close();
});

// A burst of writes that never pauses long enough for a passive checkpoint to reach the WAL's end.
async function burst(file: string, restartFrames: number, pauseMs: number): Promise<{ largest: number; rows: number }> {
  const raw = openSqlite(file);
  raw.exec('PRAGMA wal_autocheckpoint = 0');
  raw.exec('create table if not exists t (v text)');
  const checkpointer = startCheckpointer(file, { everyMs: 50, restartFrames });
  const insert = raw.prepare('insert into t values (?)');
  const row = 'x'.repeat(3000);
  let largest = 0;
  let rows = 0;
  const until = performance.now() + 2000;
  while (performance.now() < until) {
    for (let i = 0; i < 5; i++, rows++) insert.run(row);
    largest = Math.max(largest, statSync(`${file}-wal`).size);
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  }
  await checkpointer.stop();
  raw.close();
  return { largest, rows };
}

it('writes that never pause still let the WAL start over once it is past the limit', async () => {
  const limited = await burst(join(dir, 'burst.sqlite'), 500, 1);
  // about 2 MB of frames per restart; without it the WAL holds every row written (next test)
  expect(limited.largest).toBeLessThan(limited.rows * 4096 * 0.5);
  expect(limited.largest).toBeLessThan(12 * 1024 * 1024);
  const check = openSqlite(join(dir, 'burst.sqlite'));
  expect(Number((check.prepare('select count(*) as n from t').get() as { n: number }).n)).toBe(limited.rows);
  check.close();
});

it('(the same burst with no limit: the passive checkpoints alone never start the WAL over)', async () => {
  const unlimited = await burst(join(dir, 'burst-unlimited.sqlite'), Number.MAX_SAFE_INTEGER, 0);
  expect(unlimited.largest).toBeGreaterThan(unlimited.rows * 4096 * 0.9);
});
