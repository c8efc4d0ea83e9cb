import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// A patient added after a LINE user bound with the same verified phone is offered to that user
// once (加入 / 不用): one row per (patient, LINE user), so the offer is never sent twice.
const m: Migration = {
  version: 81,
  name: 'family_offers',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createTable('family_offers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('line_user_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('offered_at', 'text', (c) => c.notNull())
      .addColumn('answered_at', 'text')
      .addUniqueConstraint('family_offers_once', ['clinic_id', 'patient_id', 'line_user_id'])
      .execute();
  },
};
export default m;
