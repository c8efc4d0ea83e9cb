// SQL on reminder deliveries that free-text answers need: the reminders a LINE user was sent
// recently for visits still to come. Every method takes the clinic id.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export function sentToRepository(db: Db) {
  return {
    sentTo: (clinicId: string, lineUserId: string, sentSince: string, visitsAfter: string) =>
      db
        .selectFrom('reminder_deliveries')
        .select(['appointment_id', 'sent_at', 'visit_starts_at'])
        .where('clinic_id', '=', clinicId)
        .where('sent_at', '>=', sentSince)
        .where('line_user_id', '=', lineUserId)
        .where('state', '=', 'sent')
        .where('visit_starts_at', '>', visitsAfter)
        .orderBy('visit_starts_at')
        .limit(20)
        .execute(),
  };
}
