import type { Kysely } from 'kysely';
import type { Migration } from '../migrate.ts';

// A reminder resent by the front desk is a delivery row of its own (a second message with its
// own retry key and outcome); `requested_by` names who asked for it and tells it apart from
// the rows planning owns, so the row it repeats keeps its own history.
const m: Migration = {
  version: 70,
  name: 'reminder_resends',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('reminder_deliveries').addColumn('requested_by', 'text').execute();
  },
};
export default m;
