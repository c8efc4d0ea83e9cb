// The demo's synthetic Careline history (npm run demo): past SMS, inserted in batches.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { SmsMessagesTable } from './tables.ts';

export function smsDemoRepository(db: Kysely<DB>) {
  return {
    async insert(rows: SmsMessagesTable[]) {
      for (let i = 0; i < rows.length; i += 100)
        await db
          .insertInto('sms_messages')
          .values(rows.slice(i, i + 100))
          .execute();
    },
  };
}
