// SQL of reminders sent as LINE notification messages: the delivery completion event marks its
// delivery row delivered, once.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export function reminderPnpRepository(db: Kysely<DB>) {
  return {
    /**
     * Sets delivered_at on the clinic's row unless already set; returns whether it did. The row
     * may still be in flight (LINE's event can overtake the dispatcher's write of the outcome):
     * the time is kept, and a retry of that row then knows the message arrived.
     */
    markDelivered: async (clinicId: string, id: string, at: string): Promise<boolean> =>
      Number(
        (
          await db
            .updateTable('reminder_deliveries')
            .set({ delivered_at: at, updated_at: at })
            .where('clinic_id', '=', clinicId)
            .where('id', '=', id)
            .where('delivered_at', 'is', null)
            .executeTakeFirst()
        ).numUpdatedRows,
      ) > 0,
  };
}
