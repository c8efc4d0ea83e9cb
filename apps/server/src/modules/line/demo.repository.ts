// The demo's synthetic Careline history (npm run demo): the LINE friends of the past, in batches
// (their messages go through the message log: repository.ts logMessages).
import type { Insertable, Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export function lineDemoRepository(db: Kysely<DB>) {
  return {
    async insertFriends(rows: Insertable<DB['line_friends']>[]) {
      for (let i = 0; i < rows.length; i += 200)
        await db
          .insertInto('line_friends')
          .values(rows.slice(i, i + 200))
          .onConflict((oc) => oc.columns(['clinic_id', 'line_user_id']).doNothing())
          .execute();
    },
  };
}
