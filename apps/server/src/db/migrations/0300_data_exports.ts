import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// The clinic's full data export: one row per export (status, the step running, counts for the
// progress bar, the file's name and size, when the file goes), listed newest first per clinic.
const m: Migration = {
  version: 300,
  name: 'data_exports',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createTable('data_exports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('phase', 'text')
      .addColumn('tables_total', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('tables_done', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('rows_written', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('fhir_written', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('current', 'text')
      .addColumn('file_name', 'text')
      .addColumn('size_bytes', 'bigint')
      .addColumn('error', 'text')
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('requested_by_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('expires_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('data_exports_clinic')
      .on('data_exports')
      .columns(['clinic_id', 'created_at'])
      .execute();
  },
};
export default m;
