// The webhook's group writes on a thread of their own, for a SQLite file (ingest.ts). node:sqlite
// runs each statement synchronously on the calling thread: building and running the events'
// transaction took about 0.4 ms of the api's event loop per delivery (0.26 ms everything else),
// and every other delivery and request waited meanwhile — at 1,000 deliveries a second the
// acknowledgements' p99 was 9–16 ms against 2–3 ms of an app that stores nothing
// (docs/benchmarks.md, webhook). The thread has its own connection to the file (SQLite's file
// locks order it with the api's and the worker's writes) and answers each write with the events
// it stored; a delivery is still acknowledged only after its transaction committed.
// PostgreSQL's driver does not block the event loop, and an in-memory database cannot be opened
// twice: both write in the api's thread. The thread ends after a few idle seconds and starts
// again with the next write. If it fails, the write runs in the api's thread instead (storing is
// idempotent: an event the thread stored before failing is not stored twice).
import { sql, type Kysely } from 'kysely';
import { Worker } from 'node:worker_threads';
import type { Dialect } from '../../db/connection.ts';
import type { DB } from '../../db/schema.ts';
import type { EventRow, StoredEvent } from './ingest.repository.ts';

export type IngestWriter = {
  /** Stores the rows (as ingest.ts writeEvents) with `at` as the clock; null when the thread failed. */
  write(rows: EventRow[], at: string): Promise<StoredEvent[] | null>;
};

const THREAD = new URL('./ingest-writer-thread.ts', import.meta.url);
const IDLE_MS = 5_000;

/** The writer thread for the database behind `db`, or null where the api's thread writes itself. */
export async function ingestWriterFor(db: Kysely<DB>, dialect: Dialect): Promise<IngestWriter | null> {
  if (dialect !== 'sqlite') return null;
  const { rows } = await sql<{ name: string; file: string }>`PRAGMA database_list`.execute(db);
  const file = rows.find((r) => r.name === 'main')?.file ?? '';
  return file ? ingestWriter(file) : null;
}

type Pending = { resolve(stored: StoredEvent[] | null): void; reject(err: Error): void };
type Thread = { worker: Worker; pending: Map<number, Pending>; answered: boolean };

export function ingestWriter(file: string): IngestWriter {
  let current: Thread | null = null;
  let idle: NodeJS.Timeout | null = null;
  let next = 0;
  let broken = false; // a thread failed before its first answer: the api's thread writes from then on

  const start = (): Thread => {
    const t: Thread = { worker: new Worker(THREAD, { workerData: { file } }), pending: new Map(), answered: false };
    t.worker.unref(); // never what keeps a process alive
    t.worker.on('message', (m: { id: number; stored?: StoredEvent[]; error?: string }) => {
      t.answered = true;
      const p = t.pending.get(m.id);
      if (!p) return;
      t.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.stored ?? []);
      if (current === t && t.pending.size === 0) {
        idle = setTimeout(() => {
          if (current !== t || t.pending.size) return;
          current = null;
          t.worker.postMessage('stop');
        }, IDLE_MS);
        idle.unref();
      }
    });
    // A thread that failed answers null to what it had not answered: that write runs again here.
    const failed = () => {
      if (current === t) current = null;
      if (!t.answered && t.pending.size) broken = true;
      for (const p of t.pending.values()) p.resolve(null);
      t.pending.clear();
    };
    t.worker.on('error', failed);
    t.worker.on('exit', failed);
    return t;
  };

  return {
    write(rows, at) {
      if (broken) return Promise.resolve(null);
      if (idle) clearTimeout(idle);
      idle = null;
      const t = (current ??= start());
      const id = next++;
      return new Promise((resolve, reject) => {
        t.pending.set(id, { resolve, reject });
        t.worker.postMessage({ id, rows, at });
      });
    },
  };
}
