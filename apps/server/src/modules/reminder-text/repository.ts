// SQL on reminder_text_replies (owned by this module). Every method takes the clinic id.
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ReminderTextRepliesTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type ReminderTextRow = Selectable<ReminderTextRepliesTable>;

export function reminderTextRepository(db: Db) {
  return {
    /** Stores the row once per LINE event; false when this event already has one (a retried job). */
    insertOnce: async (row: Insertable<ReminderTextRepliesTable>) => {
      const r = await db
        .insertInto('reminder_text_replies')
        .values(row)
        .onConflict((oc) => oc.columns(['clinic_id', 'event_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return r !== undefined;
    },
    byId: (clinicId: string, id: string) =>
      db
        .selectFrom('reminder_text_replies')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    /** Moves a row on from `from`; false when it was no longer there (a second tap). */
    settle: async (clinicId: string, id: string, from: string, to: string, at: string) => {
      const r = await db
        .updateTable('reminder_text_replies')
        .set({ status: to, answered_at: at })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    /** Counts by intent and status of rows created in [from, to) (the 客服成效 page). */
    countsBetween: (clinicId: string, from: string, to: string) =>
      db
        .selectFrom('reminder_text_replies')
        .select((eb) => ['intent', 'status', eb.fn.countAll<number>().as('n')])
        .where('clinic_id', '=', clinicId)
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .groupBy(['intent', 'status'])
        .execute(),
  };
}
