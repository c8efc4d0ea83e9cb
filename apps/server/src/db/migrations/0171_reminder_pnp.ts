import type { Kysely } from 'kysely';
import type { Migration } from '../migrate.ts';

// A reminder sent as a LINE notification message is delivered when LINE's delivery completion
// event arrives (delivered_at); channel_reason says why a reminder took the channel it took
// (a LINE notification message for a patient without LINE binding, SMS when LINE found no
// account for the number).
const m: Migration = {
  version: 171,
  name: 'reminder_pnp',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('reminder_deliveries').addColumn('delivered_at', 'text').execute();
    await db.schema.alterTable('reminder_deliveries').addColumn('channel_reason', 'text').execute();
  },
};
export default m;
