// SQL of the webhook's storage (ingest.ts): many events in one statement, each stored once.
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export function ingestRepository(db: Db) {
  return {
    /** Stores the events not stored before (by clinic and webhookEventId); returns the new rows' ids. */
    insertEventsOnce: async (rows: Insertable<DB['line_webhook_events']>[]) => {
      const out: { id: number; clinic_id: string; webhook_event_id: string }[] = [];
      for (let i = 0; i < rows.length; i += 200)
        out.push(
          ...(await db
            .insertInto('line_webhook_events')
            .values(rows.slice(i, i + 200))
            .onConflict((oc) => oc.columns(['clinic_id', 'webhook_event_id']).doNothing())
            .returning(['id', 'clinic_id', 'webhook_event_id'])
            .execute()),
        );
      return out;
    },
  };
}
