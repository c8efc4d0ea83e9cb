// SQL of reminders sent as LINE notification messages: the delivery completion event marks its
// delivery row delivered, once; one LINE never reported delivered moves over to SMS.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

export function reminderPnpRepository(db: Kysely<DB> | Transaction<DB>) {
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
    /**
     * Moves a LINE notification message that LINE never reported delivered over to SMS: only
     * while it is still sent, by pnp and undelivered (the delivery event may arrive meanwhile).
     * Returns whether the row moved; the caller queues the SMS in the same transaction.
     */
    moveToSms: async (clinicId: string, id: string, reason: string, at: string): Promise<boolean> =>
      Number(
        (
          await db
            .updateTable('reminder_deliveries')
            .set({ channel: 'sms', channel_reason: reason, updated_at: at })
            .where('clinic_id', '=', clinicId)
            .where('id', '=', id)
            .where('state', '=', 'sent')
            .where('channel', '=', 'pnp')
            .where('delivered_at', 'is', null)
            .executeTakeFirst()
        ).numUpdatedRows,
      ) > 0,
    setSmsMessage: (clinicId: string, id: string, smsMessageId: string) =>
      db
        .updateTable('reminder_deliveries')
        .set({ sms_message_id: smsMessageId })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .execute(),
    setReason: (clinicId: string, id: string, reason: string, at: string) =>
      db
        .updateTable('reminder_deliveries')
        .set({ channel_reason: reason, updated_at: at })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .where('delivered_at', 'is', null)
        .execute(),
  };
}
