// The demo's synthetic Careline history (npm run demo): past reminder deliveries, in batches.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ReminderDeliveriesTable } from './tables.ts';

export function reminderDemoRepository(db: Kysely<DB>) {
  return {
    async insert(rows: ReminderDeliveriesTable[]) {
      for (let i = 0; i < rows.length; i += 100)
        await db
          .insertInto('reminder_deliveries')
          .values(rows.slice(i, i + 100))
          .onConflict((oc) => oc.doNothing())
          .execute();
    },
  };
}
