import type { Kysely } from 'kysely';
import type { Migration } from '../migrate.ts';

// A LINE user's free text is matched to the reminders that user was sent for visits to come
// (modules/reminders/sent-to.repository.ts). Without this index that lookup walked every future
// delivery of the clinic — thousands of rows per message in a busy clinic; now it reads the user's.
const m: Migration = {
  version: 341,
  name: 'reminder_deliveries_by_user',
  async up(db: Kysely<any>) {
    await db.schema
      .createIndex('reminder_deliveries_user_visit')
      .on('reminder_deliveries')
      .columns(['clinic_id', 'line_user_id', 'visit_starts_at'])
      .execute();
  },
};
export default m;
