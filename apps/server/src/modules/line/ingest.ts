// The webhook's storage, with group commit: the events of every delivery that arrives while a
// write is under way are stored together in the next transaction — each event once (by clinic and
// webhookEventId), and its line.event job in the same transaction, so an event is never stored
// without the job that processes it. A user's message is written to the message log and the
// inbox's conversation in that transaction too: the inbox shows it the moment LINE has its
// answer, however far behind the worker is. A delivery is acknowledged after its transaction
// committed. One transaction per burst instead of writes per delivery: on SQLite the api then
// takes the write lock a few times a second instead of thousands of times while the worker also
// writes (docs/benchmarks.md, webhook).
import type { Insertable } from 'kysely';
import type { TInteger, TObject } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { sqliteStatements } from '../../db/connection.ts';
import { writeTransaction, writeTransactionSync } from '../../db/write-transaction.ts';
import type { Deps } from '../../platform/deps.ts';
import { enqueueJobs, enqueueJobsSync, wakeWorkers, type JobType } from '../../platform/jobs.ts';
import { ingestRepository, ingestRepositorySync, type InboxRows, type Inserted } from './ingest.repository.ts';

type EventRow = Insertable<DB['line_webhook_events']>;
/** An event to store, and the inbox rows of a user's message (written only if the event is new). */
export type Arrival = { event: EventRow; inbox: InboxRows | null };
/** The line.event job type (service.ts), passed in: this file sits below the service. */
export type EventJob = JobType<TObject<{ eventRowId: TInteger }>>;
type Waiting = { rows: Arrival[]; resolve(stored: number): void; reject(err: unknown): void };

const batchers = new WeakMap<object, (rows: Arrival[]) => Promise<number>>();

async function storeBatch(deps: Deps, job: EventJob, batch: Waiting[]): Promise<Map<Waiting, number>> {
  // The first delivery of an event id in the batch stores it; a repeat in the same burst is a duplicate.
  const byKey = new Map<string, { from: Waiting; arrival: Arrival }>();
  const rows: EventRow[] = [];
  for (const w of batch)
    for (const arrival of w.rows) {
      const key = `${arrival.event.clinic_id}\n${arrival.event.webhook_event_id}`;
      if (byKey.has(key)) continue;
      byKey.set(key, { from: w, arrival });
      rows.push(arrival.event);
    }
  const stored = new Map<Waiting, number>(batch.map((w) => [w, 0]));
  if (rows.length === 0) return stored;
  // The new events (a redelivery of a stored one is not among them), in the order they were stored.
  const newOnes = (inserted: Inserted[]) =>
    [...inserted]
      .sort((a, b) => a.id - b.id)
      .map((e) => ({ id: e.id, ...byKey.get(`${e.clinic_id}\n${e.webhook_event_id}`)! }));
  const jobsOf = (fresh: ReturnType<typeof newOnes>) =>
    fresh.map(({ id, arrival: { event } }) => ({
      payload: { eventRowId: id },
      opts: {
        clinicId: event.clinic_id,
        idempotencyKey: `line.event:${event.clinic_id}:${event.webhook_event_id}`,
        orderingKey: event.line_user_id ? `line-user:${event.clinic_id}:${event.line_user_id}` : undefined,
      },
    }));
  const inboxRowsOf = (fresh: ReturnType<typeof newOnes>) => fresh.flatMap((f) => f.arrival.inbox ?? []);
  const count = (fresh: ReturnType<typeof newOnes>) => {
    for (const { from } of fresh) stored.set(from, (stored.get(from) ?? 0) + 1);
  };
  // On SQLite the transaction runs prepared statements without building a query: building the
  // inserts cost more than running them (docs/benchmarks.md, webhook).
  const statements = deps.dialect === 'sqlite' ? sqliteStatements(deps.db) : null;
  if (statements)
    await writeTransactionSync(deps.db, statements, (s) => {
      const repo = ingestRepositorySync(s);
      const fresh = newOnes(repo.insertEventsOnce(rows));
      repo.insertInboxRows(inboxRowsOf(fresh));
      enqueueJobsSync(s, deps.clock, job, jobsOf(fresh));
      count(fresh);
    });
  else
    await writeTransaction(deps.db, deps.dialect, async (trx) => {
      const repo = ingestRepository(trx);
      const fresh = newOnes(await repo.insertEventsOnce(rows));
      await repo.insertInboxRows(inboxRowsOf(fresh), deps.dialect);
      await enqueueJobs(trx, deps.clock, job, jobsOf(fresh));
      count(fresh);
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
  return (rows: Arrival[]) =>
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
 * Stores a delivery's events (with their jobs, and a message's inbox rows) and resolves with how
 * many were new. Deliveries from the same process share transactions; a failed transaction
 * rejects every delivery in it (LINE redelivers them; the events already stored are skipped).
 */
export function storeEvents(deps: Deps, job: EventJob, rows: Arrival[]): Promise<number> {
  let store = batchers.get(deps.db);
  if (!store) {
    store = batcher(deps, job);
    batchers.set(deps.db, store);
  }
  return store(rows);
}
