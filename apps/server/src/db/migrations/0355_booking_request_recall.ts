import type { Kysely } from 'kysely';
import type { Migration } from '../migrate.ts';

// A booking request made from a recall message's 「線上預約」 remembers the recall, so that the
// recall list shows 已預約 once the request becomes an appointment.
const m: Migration = {
  version: 355,
  name: 'booking_request_recall',
  async up(db: Kysely<any>) {
    await db.schema.alterTable('booking_requests').addColumn('recall_id', 'text').execute();
  },
};
export default m;
