// Forward-only numbered migrations, each in its own transaction, recorded in
// schema_migrations. PostgreSQL takes an advisory lock so many processes can start at once.
import { sql, type Kysely } from 'kysely';
import type { Database } from './connection.ts';
import type { DB } from './schema.ts';
import { migrations } from './migrations/index.ts';

/**
 * Applies every pending migration (or those up to `until`: tests of a data-moving migration
 * start from the version before it).
 */
export async function migrate(
  database: Database,
  log: (line: string) => void = () => {},
  until = Infinity,
): Promise<number[]> {
  const { db, dialect } = database;
  await db.schema
    .createTable('schema_migrations')
    .ifNotExists()
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'text', (c) => c.notNull())
    .execute();
  const applied: number[] = [];
  for (const m of [...migrations].filter((x) => x.version <= until).sort((a, b) => a.version - b.version)) {
    const done = await db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(724001)`.execute(trx);
      const row = await trx
        .selectFrom('schema_migrations')
        .select('version')
        .where('version', '=', m.version)
        .executeTakeFirst();
      if (row) return false;
      await m.up(trx, dialect);
      await trx
        .insertInto('schema_migrations')
        .values({ version: m.version, name: m.name, applied_at: new Date().toISOString() })
        .execute();
      return true;
    });
    if (done) {
      applied.push(m.version);
      log(`migrated ${String(m.version).padStart(4, '0')}_${m.name}`);
    }
  }
  return applied;
}

/** Readiness: the database answers a read of schema_migrations (false when it cannot be reached). */
export async function databaseAnswers(db: Kysely<DB>): Promise<boolean> {
  try {
    await db.selectFrom('schema_migrations').select('version').limit(1).execute();
    return true;
  } catch {
    return false;
  }
}
