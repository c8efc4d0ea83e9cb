// The webhook's storage, with group commit: the events of every delivery that arrives while a
// write is under way are stored together in the next transaction — each event once (by clinic and
// webhookEventId), and its line.event job in the same transaction, so an event is never stored
// without the job that processes it. A delivery is acknowledged after its transaction committed.
// One transaction per burst instead of two writes per delivery: on SQLite the api then takes
// the write lock a few times a second instead of thousands of times while the worker also
// writes (docs/benchmarks.md, webhook).
import type { Kysely, Transaction } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Deps } from '../../platform/deps.ts';
import { enqueueJobs, jobType, wakeWorkers } from '../../platform/jobs.ts';
import { ingestRepository, type EventRow, type StoredEvent } from './ingest.repository.ts';

/** Processing of one stored webhook event; the handler (with other modules' hooks) is registered in src/jobs.ts. */
export const LINE_EVENT_JOB = jobType({
  type: 'line.event',
  payload: Type.Object({ eventRowId: Type.Integer() }),
  defaults: { priority: 'interactive', maxAttempts: 8 },
});

type Waiting = { rows: EventRow[]; resolve(stored: number): void; reject(err: unknown): void };

const batchers = new WeakMap<object, (rows: EventRow[]) => Promise<number>>();

/**
 * Stores the events not stored before and a line.event job for each (ordered per LINE user), in
 * one transaction; returns the events it stored.
 */
export function writeEvents(
  transaction: <T>(fn: (trx: Kysely<DB> | Transaction<DB>) => Promise<T>) => Promise<T>,
  clock: Clock,
  rows: EventRow[],
): Promise<StoredEvent[]> {
  return transaction(async (trx) => {
    const inserted = await ingestRepository(trx).insertEventsOnce(rows);
    const userOf = new Map(rows.map((r) => [`${r.clinic_id}\n${r.webhook_event_id}`, r.line_user_id]));
    const ordered = [...inserted].sort((a, b) => a.id - b.id);
    await enqueueJobs(
      trx,
      clock,
      LINE_EVENT_JOB,
      ordered.map((e) => {
        const userId = userOf.get(`${e.clinic_id}\n${e.webhook_event_id}`);
        return {
          payload: { eventRowId: e.id },
          opts: {
            clinicId: e.clinic_id,
            idempotencyKey: `line.event:${e.clinic_id}:${e.webhook_event_id}`,
            orderingKey: userId ? `line-user:${e.clinic_id}:${userId}` : undefined,
          },
        };
      }),
    );
    return inserted;
  });
}

async function storeBatch(
  write: (rows: EventRow[]) => Promise<StoredEvent[]>,
  batch: Waiting[],
): Promise<Map<Waiting, number>> {
  // The first delivery of an event id in the batch stores it; a repeat in the same burst is a duplicate.
  const seen = new Set<string>();
  const owner = new Map<string, Waiting>();
  const rows: EventRow[] = [];
  for (const w of batch)
    for (const r of w.rows) {
      const key = `${r.clinic_id}\n${r.webhook_event_id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      owner.set(key, w);
      rows.push(r);
    }
  const stored = new Map<Waiting, number>(batch.map((w) => [w, 0]));
  if (rows.length === 0) return stored;
  for (const e of await write(rows)) {
    const w = owner.get(`${e.clinic_id}\n${e.webhook_event_id}`);
    if (w) stored.set(w, (stored.get(w) ?? 0) + 1);
  }
  wakeWorkers();
  return stored;
}

function batcher(deps: Deps) {
  const write = (rows: EventRow[]) =>
    writeEvents((fn) => writeTransaction(deps.db, deps.dialect, fn), deps.clock, rows);
  let queue: Waiting[] = [];
  let writing = false;
  async function flush() {
    writing = true;
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        const stored = await storeBatch(write, batch);
        for (const w of batch) w.resolve(stored.get(w) ?? 0);
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    writing = false;
  }
  return (rows: EventRow[]) =>
    new Promise<number>((resolve, reject) => {
      queue.push({ rows, resolve, reject });
      // The first delivery of a burst starts the write on the next turn of the event loop, so
      // the deliveries already read from the sockets join it; later ones wait for the next.
      if (!writing) {
        writing = true;
        setImmediate(() => void flush());
      }
    });
}

/**
 * Stores a delivery's events (and their jobs) and resolves with how many were new. Deliveries
 * from the same process share transactions; a failed transaction rejects every delivery in it
 * (LINE redelivers them; the events already stored are skipped).
 */
export function storeEvents(deps: Deps, rows: EventRow[]): Promise<number> {
  let store = batchers.get(deps.db);
  if (!store) {
    store = batcher(deps);
    batchers.set(deps.db, store);
  }
  return store(rows);
}
