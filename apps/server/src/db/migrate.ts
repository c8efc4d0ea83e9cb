// Helpers for writing migrations (the runner is in migrator.ts).
import { sql, type Kysely, type CreateTableBuilder } from 'kysely';
import type { Dialect } from './connection.ts';

export type Migration = {
  version: number;
  name: string;
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
};

/** An auto-increment integer primary key named `id` on either dialect. */
export function serialId<T extends string>(
  tb: CreateTableBuilder<T, never>,
  dialect: Dialect,
): CreateTableBuilder<T, 'id'> {
  return dialect === 'sqlite'
    ? tb.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    : tb.addColumn('id', 'bigserial', (c) => c.primaryKey());
}

/** Makes a table append-only at the database level (UPDATE and DELETE raise an error). */
export async function appendOnly(db: Kysely<any>, dialect: Dialect, table: string): Promise<void> {
  if (dialect === 'sqlite') {
    await sql
      .raw(
        `CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} ` +
          `BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
      )
      .execute(db);
    await sql
      .raw(
        `CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} ` +
          `BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
      )
      .execute(db);
  } else {
    await sql
      .raw(
        'CREATE OR REPLACE FUNCTION careline_append_only() RETURNS trigger LANGUAGE plpgsql AS ' +
          "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$",
      )
      .execute(db);
    await sql
      .raw(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} ` +
          'FOR EACH ROW EXECUTE FUNCTION careline_append_only()',
      )
      .execute(db);
  }
}
