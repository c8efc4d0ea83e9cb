// The webhook's storage, with group commit: the events of every delivery that arrives while a
// write is under way are stored together in the next transaction — each event once (by clinic and
// webhookEventId), and its line.event job in the same transaction, so an event is never stored
// without the job that processes it. A delivery is acknowledged after its transaction committed.
// One transaction per burst instead of two writes per delivery: on SQLite the api then takes
// the write lock a few times a second instead of thousands of times while the worker also
// writes (docs/benchmarks.md, webhook).
import type { Insertable } from 'kysely';
import type { TInteger, TObject } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { sqliteStatements } from '../../db/connection.ts';
import { writeTransaction, writeTransactionSync } from '../../db/write-transaction.ts';
import type { Deps } from '../../platform/deps.ts';
import { enqueueJobs, enqueueJobsSync, wakeWorkers, type JobType } from '../../platform/jobs.ts';
import { ingestRepository, ingestRepositorySync, type Inserted } from './ingest.repository.ts';

type EventRow = Insertable<DB['line_webhook_events']>;
/** The line.event job type (service.ts), passed in: this file sits below the service. */
export type EventJob = JobType<TObject<{ eventRowId: TInteger }>>;
type Waiting = { rows: EventRow[]; resolve(stored: number): void; reject(err: unknown): void };

const batchers = new WeakMap<object, (rows: EventRow[]) => Promise<number>>();

async function storeBatch(deps: Deps, job: EventJob, batch: Waiting[]): Promise<Map<Waiting, number>> {
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
  const userOf = new Map(rows.map((r) => [`${r.clinic_id}\n${r.webhook_event_id}`, r.line_user_id]));
  // Each new event's job, in the order the events were stored.
  const jobsOf = (inserted: Inserted[]) =>
    [...inserted]
      .sort((a, b) => a.id - b.id)
      .map((e) => {
        const userId = userOf.get(`${e.clinic_id}\n${e.webhook_event_id}`);
        return {
          payload: { eventRowId: e.id },
          opts: {
            clinicId: e.clinic_id,
            idempotencyKey: `line.event:${e.clinic_id}:${e.webhook_event_id}`,
            orderingKey: userId ? `line-user:${e.clinic_id}:${userId}` : undefined,
          },
        };
      });
  const count = (inserted: Inserted[]) => {
    for (const e of inserted) {
      const w = owner.get(`${e.clinic_id}\n${e.webhook_event_id}`);
      if (w) stored.set(w, (stored.get(w) ?? 0) + 1);
    }
  };
  // On SQLite the transaction runs prepared statements without building a query: building the
  // two inserts cost more than running them (docs/benchmarks.md, webhook).
  const statements = deps.dialect === 'sqlite' ? sqliteStatements(deps.db) : null;
  if (statements)
    await writeTransactionSync(deps.db, statements, (s) => {
      const inserted = ingestRepositorySync(s).insertEventsOnce(rows);
      enqueueJobsSync(s, deps.clock, job, jobsOf(inserted));
      count(inserted);
    });
  else
    await writeTransaction(deps.db, deps.dialect, async (trx) => {
      const inserted = await ingestRepository(trx).insertEventsOnce(rows);
      await enqueueJobs(trx, deps.clock, job, jobsOf(inserted));
      count(inserted);
    });
  wakeWorkers();
  return stored;
}

function batcher(deps: Deps, job: EventJob) {
  let queue: Waiting[] = [];
  let writing = false;
  async function flush() {
    writing = true;
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        const stored = await storeBatch(deps, job, batch);
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
export function storeEvents(deps: Deps, job: EventJob, rows: EventRow[]): Promise<number> {
  let store = batchers.get(deps.db);
  if (!store) {
    store = batcher(deps, job);
    batchers.set(deps.db, store);
  }
  return store(rows);
}
