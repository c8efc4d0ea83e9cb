import type { Kysely } from 'kysely';
import type { Migration } from '../migrate.ts';

// The clinic's unit prices for what its messages cost outside the LINE plan: NT$ per SMS point
// (the contract with the SMS provider) and NT$ per LINE notification message (the contract with
// LINE). Stored in thousandths of a NT$ (LINE's extra messages go down to NT$0.011), null when
// the clinic has not entered one. The delivery log filters by visit day: an index for it.
const m: Migration = {
  version: 150,
  name: 'reminder_log_prices',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('reminder_prices')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey())
      .addColumn('sms_point_milli', 'integer')
      .addColumn('pnp_message_milli', 'integer')
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('reminder_deliveries_clinic_visit')
      .on('reminder_deliveries')
      .columns(['clinic_id', 'visit_starts_at'])
      .execute();
  },
};
export default m;
