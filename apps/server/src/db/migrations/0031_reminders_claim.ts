import type { Kysely } from 'kysely';
import type { Migration } from '../migrate.ts';

// Reminder claim query: rows whose lock expired are found by (state, locked_until).
const m: Migration = {
  version: 31,
  name: 'reminders_claim',
  async up(db: Kysely<any>) {
    await db.schema
      .createIndex('reminder_deliveries_lock')
      .on('reminder_deliveries')
      .columns(['state', 'locked_until'])
      .execute();
  },
};
export default m;
