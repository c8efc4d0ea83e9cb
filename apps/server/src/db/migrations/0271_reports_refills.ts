import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// Reports: the waitlist's refills per day (slots freed, slots filled from the waitlist) in the
// clinic roll-up. The roll-up's version goes up with this, so every clinic's history is re-counted.
const m: Migration = {
  version: 271,
  name: 'reports_refills',
  async up(db: Kysely<any>, _dialect: Dialect) {
    for (const col of ['slots_freed', 'slots_filled'])
      await db.schema
        .alterTable('report_clinic_daily')
        .addColumn(col, 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
  },
};
export default m;
