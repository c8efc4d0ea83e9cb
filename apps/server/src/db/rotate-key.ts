// `npm run rotate-key`: rewrites every ciphertext in the database under the current
// ENCRYPTION_KEY. Run after moving the old key to ENCRYPTION_KEYS_OLD (docs/operations.md
// "Rotating the encryption key"); safe while the service runs, since the service reads both
// keys meanwhile. Like a migration it works across every module's tables: it finds the
// encrypted columns by their name (`…_enc`, the convention of every table that keeps a secret
// or personal data encrypted), so a new one is covered without a list to keep up to date, and
// rewrites each value where it still equals what was read (a concurrent change wins).
import { sql, type Kysely } from 'kysely';
import type { Database } from './connection.ts';
import type { Crypto } from '../platform/crypto.ts';

export type RotationReport = {
  columns: string[];
  /** values rewritten under the current key */
  rewritten: number;
  /** values already under the current key */
  current: number;
  /** values no configured key opens (reported, left as they are) */
  unreadable: { column: string; count: number }[];
};

/** Every `<table>.<column>` whose column name ends in `_enc`. */
export async function encryptedColumns(
  database: Pick<Database, 'db' | 'dialect'>,
): Promise<{ table: string; column: string }[]> {
  const db = database.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  if (database.dialect === 'postgres') {
    const r = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema() and column_name like '%\\_enc' escape '\\'
      order by table_name, column_name`.execute(db);
    return r.rows.map((x) => ({ table: x.table_name, column: x.column_name }));
  }
  const tables = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  const out: { table: string; column: string }[] = [];
  for (const { name } of tables.rows) {
    const cols = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(db);
    for (const c of cols.rows) if (c.name.endsWith('_enc')) out.push({ table: name, column: c.name });
  }
  return out;
}

export async function rotateEncryptionKey(
  database: Pick<Database, 'db' | 'dialect'>,
  crypto: Crypto,
  opts: { batch?: number } = {},
): Promise<RotationReport> {
  const db = database.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const batch = opts.batch ?? 500;
  const report: RotationReport = { columns: [], rewritten: 0, current: 0, unreadable: [] };
  for (const { table, column } of await encryptedColumns(database)) {
    report.columns.push(`${table}.${column}`);
    let unreadable = 0;
    const written = new Set<string>();
    // keyset over the ciphertext itself: every value is unique (random IV) and the rewritten
    // ones sort anywhere, so walk what was there at the start, in order, once
    let after = '';
    for (;;) {
      const rows = await db
        .selectFrom(table)
        .select(sql.ref(column).as('v'))
        .where(sql.ref(column), 'is not', null)
        .where(sql.ref(column), '>', after)
        .orderBy(sql.ref(column))
        .limit(batch)
        .execute();
      if (rows.length === 0) break;
      after = String(rows.at(-1)!.v);
      for (const { v } of rows) {
        const sealed = String(v);
        if (written.has(sealed)) continue;
        if (crypto.isCurrent(sealed)) {
          report.current++;
          continue;
        }
        let plain: string;
        try {
          plain = crypto.decrypt(sealed);
        } catch {
          unreadable++;
          continue;
        }
        const fresh = crypto.encrypt(plain);
        written.add(fresh);
        const r = await db
          .updateTable(table)
          .set({ [column]: fresh })
          .where(sql.ref(column), '=', sealed)
          .executeTakeFirst();
        report.rewritten += Number(r.numUpdatedRows);
      }
    }
    if (unreadable) report.unreadable.push({ column: `${table}.${column}`, count: unreadable });
  }
  return report;
}
