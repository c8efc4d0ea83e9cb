// SQL on LINE friends and messages that the patient pages need. Every method takes the clinic id.
//
// Declared read join (docs/architecture.md): the page of friends not bound to any patient reads
// line_bindings in the same statement (an anti-join), so it can page in one query.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export function lineForPatientsRepository(db: Db) {
  return {
    friends: (clinicId: string, lineUserIds: string[]) =>
      db
        .selectFrom('line_friends')
        .select(['line_user_id', 'display_name', 'state'])
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', 'in', lineUserIds)
        .execute(),
    messagesOf: (clinicId: string, lineUserIds: string[], limit: number) =>
      db
        .selectFrom('line_messages')
        .select(['id', 'line_user_id', 'direction', 'kind', 'text', 'created_at'])
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', 'in', lineUserIds)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
    unboundFriends(clinicId: string, q: string | undefined, limit: number, offset: number) {
      let query = db
        .selectFrom('line_friends as f')
        .select(['f.line_user_id', 'f.display_name', 'f.state', 'f.followed_at', 'f.last_event_at'])
        .where('f.clinic_id', '=', clinicId)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('line_bindings as b')
                .select(sql`1`.as('x'))
                .whereRef('b.clinic_id', '=', 'f.clinic_id')
                .whereRef('b.line_user_id', '=', 'f.line_user_id'),
            ),
          ),
        );
      if (q?.trim()) query = query.where('f.display_name', 'like', `%${q.trim().replace(/[\\%_]/g, '')}%`);
      return query.orderBy('f.last_event_at', 'desc').limit(limit).offset(offset).execute();
    },
    /** Every user who follows the account now (the audience "all friends" of a broadcast). */
    followingIds: async (clinicId: string) =>
      (
        await db
          .selectFrom('line_friends')
          .select('line_user_id')
          .where('clinic_id', '=', clinicId)
          .where('state', '=', 'friend')
          .orderBy('line_user_id')
          .execute()
      ).map((r) => r.line_user_id),
    searchFriends(clinicId: string, q: string | undefined, limit: number) {
      let query = db
        .selectFrom('line_friends')
        .select(['line_user_id', 'display_name', 'state'])
        .where('clinic_id', '=', clinicId)
        .where('state', '=', 'friend');
      if (q?.trim()) query = query.where('display_name', 'like', `%${q.trim().replace(/[\\%_]/g, '')}%`);
      return query.orderBy('last_event_at', 'desc').limit(limit).execute();
    },
  };
}
