// Forward-only numbered migrations, each in its own transaction, recorded in
// schema_migrations. PostgreSQL takes an advisory lock so many processes can start at once.
import { sql, type Kysely, type CreateTableBuilder } from 'kysely';
import type { Database, Dialect } from './connection.ts';
import { migrations } from './migrations/index.ts';

export type Migration = {
  version: number;
  name: string;
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
};

/** An auto-increment integer primary key named `id` on either dialect. */
export function serialId<T extends string>(tb: CreateTableBuilder<T, never>, dialect: Dialect): CreateTableBuilder<T, 'id'> {
  return dialect === 'sqlite'
    ? tb.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    : tb.addColumn('id', 'bigserial', (c) => c.primaryKey());
}

/** Makes a table append-only at the database level (UPDATE and DELETE raise an error). */
export async function appendOnly(db: Kysely<any>, dialect: Dialect, table: string): Promise<void> {
  if (dialect === 'sqlite') {
    await sql.raw(`CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`).execute(db);
    await sql.raw(`CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`).execute(db);
  } else {
    await sql.raw(`CREATE OR REPLACE FUNCTION careline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`).execute(db);
    await sql.raw(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION careline_append_only()`).execute(db);
  }
}

export async function migrate(database: Database, log: (line: string) => void = () => {}): Promise<number[]> {
  const { db, dialect } = database;
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute();
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    const done = await db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(724001)`.execute(trx);
      const row = await trx.selectFrom('schema_migrations').select('version').where('version', '=', m.version).executeTakeFirst();
      if (row) return false;
      await m.up(trx, dialect);
      await trx.insertInto('schema_migrations').values({ version: m.version, name: m.name, applied_at: new Date().toISOString() }).execute();
      return true;
    });
    if (done) {
      applied.push(m.version);
      log(`migrated ${String(m.version).padStart(4, '0')}_${m.name}`);
    }
  }
  return applied;
}
