// The thread of ingest-writer.ts: its own connection to the SQLite file (waiting for the write
// lock by sleeping: db/write-transaction.ts blockingWriteTransaction), one message per group
// write ({ id, rows, at }: `at` is the api's clock at the write), answered with the events
// stored or the error's message; 'stop' closes the connection and ends the thread.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteConnection } from '../../db/connection.ts';
import { blockingWriteTransaction } from '../../db/write-transaction.ts';
import type { EventRow } from './ingest.repository.ts';
import { writeEvents } from './ingest.ts';

const port = parentPort!;
const conn = openSqliteConnection((workerData as { file: string }).file, { busyTimeoutMs: 0 });
port.on('message', async (m: { id: number; rows: EventRow[]; at: string } | 'stop') => {
  if (m === 'stop') {
    conn.close();
    port.close();
    return;
  }
  try {
    const stored = await writeEvents(
      (fn) => blockingWriteTransaction(conn.db, fn),
      { now: () => new Date(m.at) },
      m.rows,
    );
    port.postMessage({ id: m.id, stored });
  } catch (err) {
    port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
  }
});
