// SQL of the export module: its own table (data_exports), the database's catalog (tables,
// columns, primary keys) and the generic reader and writer of the registry's tables. The
// reader pages by primary key (keyset: `(k1, k2) > (…)`), so memory stays flat however large
// a table is, and each page is one indexed range on both databases.
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Dialect } from '../../db/connection.ts';
import type { DB } from '../../db/schema.ts';
import type { ExportTable } from './registry.ts';
import type { DataExportsTable } from './tables.ts';

export type ExportRow = Selectable<DataExportsTable>;

export type Column = { name: string; binary: boolean };
/** `serial`: the auto-numbered id column, if the table has one. */
export type TableShape = { table: string; columns: Column[]; key: string[]; serial: string | null };

export function exportRepository(db: Kysely<DB>, dialect: Dialect) {
  return {
    insert: (row: DataExportsTable) => db.insertInto('data_exports').values(row).execute(),

    get: (clinicId: string, id: string) =>
      db
        .selectFrom('data_exports')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),

    list: (clinicId: string, limit: number) =>
      db
        .selectFrom('data_exports')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),

    /** Whether the clinic has an export queued or running (one at a time per clinic). */
    async active(clinicId: string): Promise<ExportRow | undefined> {
      return db
        .selectFrom('data_exports')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
    },

    update: (clinicId: string, id: string, patch: Updateable<DataExportsTable>) =>
      db.updateTable('data_exports').set(patch).where('clinic_id', '=', clinicId).where('id', '=', id).execute(),

    /** Every base table of the database (without SQLite's own). */
    async tableNames(): Promise<string[]> {
      const rows =
        dialect === 'sqlite'
          ? await sql<{ name: string }>`select name from sqlite_master
              where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)
          : await sql<{ name: string }>`select table_name as name from information_schema.tables
              where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(db);
      return rows.rows.map((r) => r.name);
    },

    /** A table's columns (in their order) and primary key. */
    async shape(table: string): Promise<TableShape> {
      if (dialect === 'sqlite') {
        const r = await sql<{ name: string; type: string; pk: number }>`select name, type, pk
          from pragma_table_info(${table}) order by cid`.execute(db);
        const key = r.rows
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name);
        const serial = key.length === 1 && /^int/i.test(r.rows.find((c) => c.name === key[0])!.type) ? key[0] : null;
        return { table, columns: r.rows.map((c) => ({ name: c.name, binary: /blob/i.test(c.type) })), key, serial };
      }
      const cols = await sql<{ name: string; type: string; def: string | null }>`select column_name as name,
          data_type as type, column_default as def
        from information_schema.columns where table_schema = current_schema() and table_name = ${table}
        order by ordinal_position`.execute(db);
      const key = await sql<{ name: string }>`select kcu.column_name as name
        from information_schema.table_constraints tc
        join information_schema.key_column_usage kcu
          on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
        where tc.table_schema = current_schema() and tc.table_name = ${table} and tc.constraint_type = 'PRIMARY KEY'
        order by kcu.ordinal_position`.execute(db);
      return {
        table,
        columns: cols.rows.map((c) => ({ name: c.name, binary: c.type === 'bytea' })),
        key: key.rows.map((k) => k.name),
        serial: cols.rows.find((c) => c.def?.startsWith('nextval('))?.name ?? null,
      };
    },

    /** After rows came in with their ids: the next auto-numbered id follows the largest (PostgreSQL). */
    async bumpSerial(trx: Kysely<DB>, table: string, column: string): Promise<void> {
      if (dialect !== 'postgres') return; // SQLite's AUTOINCREMENT follows explicit ids by itself
      await sql`select setval(pg_get_serial_sequence(${table}, ${column}),
        (select coalesce(max(${sql.ref(column)}), 0) + 1 from ${sql.table(table)}), false)`.execute(trx);
    },

    /**
     * The clinic's rows of a registered table (objects by column name, as the driver gives them),
     * `size` at a time in primary-key order: each page starts after the last key of the one before.
     */
    async *pages(
      t: ExportTable,
      shape: TableShape,
      clinicId: string,
      size: number,
    ): AsyncGenerator<Record<string, unknown>[]> {
      const cols = sql.join(shape.columns.map((c) => sql.ref(`t.${c.name}`)));
      const keys = shape.key.map((k) => sql.ref(`t.${k}`));
      const owner = t.via
        ? sql`${sql.ref(`t.${t.via.column}`)} in (select ${sql.ref(t.via.key)} from ${sql.table(t.via.table)}
            where ${sql.ref(t.clinic)} = ${clinicId})`
        : // `|| ''` keeps the planners off the clinic index: walking the primary key in order
          // (filtering the clinic) makes each page a range read; with the clinic index every page
          // sorted all the clinic's rows again (a million appointments: hundreds of full sorts).
          sql`(${sql.ref(`t.${t.clinic}`)} || '') = ${clinicId}`;
      let after: unknown[] | null = null;
      for (;;) {
        const from: ReturnType<typeof sql> =
          after === null
            ? sql``
            : keys.length === 1
              ? sql`and ${keys[0]} > ${after[0]}`
              : sql`and (${sql.join(keys)}) > (${sql.join(after)})`;
        const q = sql<Record<string, unknown>>`select ${cols} from ${sql.table(t.table)} as t
          where ${owner} ${from} order by ${sql.join(keys)} limit ${size}`;
        const rows = (await q.execute(db)).rows;
        if (rows.length) yield rows;
        if (rows.length < size) return;
        const last = rows[rows.length - 1];
        after = shape.key.map((k) => last[k]);
      }
    },

    /** Inserts rows (objects by column name) into a registered table. */
    async insertRows(trx: Kysely<DB>, table: string, rows: Record<string, unknown>[]): Promise<void> {
      if (!rows.length) return;
      const names = Object.keys(rows[0]);
      const values = rows.map((r) => sql`(${sql.join(names.map((n) => r[n]))})`);
      await sql`insert into ${sql.table(table)} (${sql.join(names.map((n) => sql.ref(n)))})
        values ${sql.join(values)}`.execute(trx);
    },
  };
}
