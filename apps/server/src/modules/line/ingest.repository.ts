// SQL of the webhook's storage (ingest.ts): many events in one statement, each stored once.
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { SyncStatements } from '../../db/connection.ts';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;
type EventRow = Insertable<DB['line_webhook_events']>;
export type Inserted = { id: number; clinic_id: string; webhook_event_id: string };

const EVENT_COLUMNS = [
  'clinic_id',
  'webhook_event_id',
  'type',
  'line_user_id',
  'event_time',
  'is_redelivery',
  'payload',
  'received_at',
  'processed_at',
  'outcome',
] as const satisfies readonly (keyof EventRow)[];
const INSERT_EVENT_ONCE = `insert into line_webhook_events (${EVENT_COLUMNS.join(', ')})
  values (${EVENT_COLUMNS.map(() => '?').join(', ')})
  on conflict (clinic_id, webhook_event_id) do nothing returning id`;

/** The same storage with SQLite's synchronous statements (inside writeTransactionSync). */
export function ingestRepositorySync(s: SyncStatements) {
  return {
    insertEventsOnce: (rows: EventRow[]): Inserted[] => {
      const out: Inserted[] = [];
      for (const r of rows) {
        const [row] = s.rows(
          INSERT_EVENT_ONCE,
          EVENT_COLUMNS.map((c) => r[c] ?? null),
        );
        if (row) out.push({ id: Number(row[0]), clinic_id: r.clinic_id, webhook_event_id: r.webhook_event_id });
      }
      return out;
    },
  };
}

export function ingestRepository(db: Db) {
  return {
    /** Stores the events not stored before (by clinic and webhookEventId); returns the new rows' ids. */
    insertEventsOnce: async (rows: EventRow[]) => {
      const out: Inserted[] = [];
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
