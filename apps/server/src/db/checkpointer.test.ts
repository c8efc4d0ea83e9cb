// Checkpoints of a SQLite file run in their own thread (checkpointer.ts): the server's connection
// never checkpoints inside a commit, and the WAL is still copied into the database file and
// started over while the server writes.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { createDatabase } from './connection.ts';

const dir = mkdtempSync(join(tmpdir(), 'careline-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a file database checkpoints in its own thread, not in its commits; the WAL stays small', async () => {
  const file = join(dir, 'db.sqlite');
  const database = createDatabase(`sqlite:${file}`);
  const { db } = database;
  const auto = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
  expect(auto.rows[0].wal_autocheckpoint).toBe(0);
  // a WAL grown by a long burst of writes is cut back to 64 MB when it starts over
  const limit = await sql<{ journal_size_limit: number }>`pragma journal_size_limit`.execute(db);
  expect(limit.rows[0].journal_size_limit).toBe(64 * 1024 * 1024);
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
