// SQL on SMS messages that the reminders module needs to show how a reminder sent by SMS fared.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export function smsStatusRepository(db: Db) {
  return {
    byIds: (clinicId: string, ids: string[]) =>
      db
        .selectFrom('sms_messages')
        .select(['id', 'status', 'to_masked', 'segments', 'cost', 'delivered_at', 'error'])
        .where('clinic_id', '=', clinicId)
        .where('id', 'in', ids)
        .execute(),
  };
}
