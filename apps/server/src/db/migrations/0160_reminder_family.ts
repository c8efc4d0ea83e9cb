import type { Kysely } from 'kysely';
import type { Migration } from '../migrate.ts';

// Reminders of several family members sent to one LINE user as one message. The rows of such
// a message share `family_group_id`, written on them before the first attempt: it is the push's
// X-Line-Retry-Key, so a retry after a lost answer sends the same request again instead of a
// second message. `family_size` is how many reminders the sent message carried (null: sent
// alone).
const m: Migration = {
  version: 160,
  name: 'reminder_family',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('reminder_deliveries').addColumn('family_group_id', 'text').execute();
    await db.schema.alterTable('reminder_deliveries').addColumn('family_size', 'integer').execute();
    await db.schema
      .createIndex('reminder_deliveries_family')
      .on('reminder_deliveries')
      .column('family_group_id')
      .execute();
  },
};
export default m;
