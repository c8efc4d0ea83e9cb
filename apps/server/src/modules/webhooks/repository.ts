// SQL of the outbound HIS webhooks: the clinic's endpoint, the events and every delivery
// attempt. Every method takes the clinic id.
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { WebhookDeliveriesTable, WebhookEndpointsTable, WebhookEventsTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;

export function webhookRepository(db: Db) {
  return {
    endpoint: (clinicId: string) =>
      db.selectFrom('webhook_endpoints').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    saveEndpoint: (row: WebhookEndpointsTable) =>
      db
        .insertInto('webhook_endpoints')
        .values(row)
        .onConflict((oc) =>
          oc.column('clinic_id').doUpdateSet({ url: row.url, secret_enc: row.secret_enc, updated_at: row.updated_at }),
        )
        .execute(),
    async insertEvents(rows: Insertable<WebhookEventsTable>[]) {
      for (let i = 0; i < rows.length; i += 200)
        await db
          .insertInto('webhook_events')
          .values(rows.slice(i, i + 200))
          .execute();
    },
    event: (clinicId: string, id: string) =>
      db
        .selectFrom('webhook_events')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    setEventStatus: (clinicId: string, id: string, status: string) =>
      db.updateTable('webhook_events').set({ status }).where('clinic_id', '=', clinicId).where('id', '=', id).execute(),
    /** One more attempt of the event, with its outcome. */
    attempted: (clinicId: string, id: string, status: string, deliveredAt: string | null) =>
      db
        .updateTable('webhook_events')
        .set((eb) => ({ attempts: eb('attempts', '+', 1), status, delivered_at: deliveredAt }))
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .execute(),
    insertDelivery: (row: Insertable<WebhookDeliveriesTable>) =>
      db.insertInto('webhook_deliveries').values(row).execute(),
    delivery: (clinicId: string, id: number) =>
      db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    /** Newest first, `limit` + 1 rows (the caller learns whether there are more). */
    deliveries: (clinicId: string, q: { failed?: boolean; before?: number; limit: number }) => {
      let query = db.selectFrom('webhook_deliveries').selectAll().where('clinic_id', '=', clinicId);
      if (q.failed) query = query.where('ok', '=', 0);
      if (q.before) query = query.where('id', '<', q.before);
      return query
        .orderBy('id', 'desc')
        .limit(q.limit + 1)
        .execute();
    },
  };
}
