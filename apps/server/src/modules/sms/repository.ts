// SQL of the SMS module: the clinic's provider settings and the send log. Every method takes the
// clinic id, except the delivery report's update: the provider calls back with the row id alone,
// in a URL signed with our key (routes.ts checks the signature before it reaches this).
import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { SmsMessagesTable, SmsSettingsTable } from './tables.ts';

export type SettingsRow = Selectable<SmsSettingsTable>;
export type MessageRow = Selectable<SmsMessagesTable>;

export function smsRepository(db: Kysely<DB>) {
  return {
    settings: (clinicId: string) =>
      db.selectFrom('sms_settings').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    insertSettings: (row: SmsSettingsTable) => db.insertInto('sms_settings').values(row).execute(),
    updateSettings: (clinicId: string, patch: Partial<SmsSettingsTable>) =>
      db.updateTable('sms_settings').set(patch).where('clinic_id', '=', clinicId).execute(),

    insertMessage: (row: SmsMessagesTable) => db.insertInto('sms_messages').values(row).execute(),
    message: (clinicId: string, id: string) =>
      db
        .selectFrom('sms_messages')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    updateMessage: (clinicId: string, id: string, patch: Partial<SmsMessagesTable>) =>
      db.updateTable('sms_messages').set(patch).where('clinic_id', '=', clinicId).where('id', '=', id).execute(),
    /** The delivery report of a signed callback URL (see the file comment). */
    applyReport: (id: string, providerMessageId: string, patch: Partial<SmsMessagesTable>) =>
      db
        .updateTable('sms_messages')
        .set(patch)
        .where('id', '=', id)
        .where('provider_message_id', '=', providerMessageId)
        .execute(),
    latest: (clinicId: string, limit: number) =>
      db
        .selectFrom('sms_messages')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute(),
    /** Messages by id, or about these related entities (a reminder delivery, a LINE user …). */
    find: (clinicId: string, by: { ids?: string[]; relatedType?: string; relatedIds?: string[] }) => {
      let q = db.selectFrom('sms_messages').selectAll().where('clinic_id', '=', clinicId);
      if (by.ids) q = q.where('id', 'in', by.ids.length ? by.ids : ['-']);
      if (by.relatedType) q = q.where('related_type', '=', by.relatedType);
      if (by.relatedIds) q = q.where('related_id', 'in', by.relatedIds.length ? by.relatedIds : ['-']);
      return q.orderBy('created_at').execute();
    },
    /** How many messages of a purpose since an instant, with their parts and cost. */
    usage: async (clinicId: string, purpose: string, since: string) => {
      const r = await db
        .selectFrom('sms_messages')
        .select([
          (eb) => eb.fn.countAll<number>().as('n'),
          (eb) => eb.fn.sum<number>('segments').as('segments'),
          (eb) => eb.fn.sum<number>('cost').as('cost'),
        ])
        .where('clinic_id', '=', clinicId)
        .where('purpose', '=', purpose)
        .where('created_at', '>=', since)
        .executeTakeFirst();
      return { messages: Number(r?.n ?? 0), segments: Number(r?.segments ?? 0), cost: Number(r?.cost ?? 0) };
    },
  };
}
