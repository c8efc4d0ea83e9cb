// SQL on the LINE messages that the appointments module needs: the latest with some LINE users.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export function appointmentLineRepository(db: Db) {
  return {
    latestWith: (clinicId: string, lineUserIds: string[], limit: number) =>
      db
        .selectFrom('line_messages')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', 'in', lineUserIds)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
  };
}
