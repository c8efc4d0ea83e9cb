// Checkpoints of a SQLite database file in WAL mode, run by a thread of their own. SQLite's
// automatic checkpoint runs inside the commit that crosses its threshold (1,000 pages): on the
// connection of whoever commits, copying the WAL's pages into the database file and syncing
// it — with node:sqlite's synchronous API, the committing process's event loop stands still
// meanwhile (commits of the webhook's group write took up to 90–160 ms where they otherwise take
// 0.1 ms; docs/benchmarks.md, webhook). The connections of the server turn the automatic
// checkpoint off (connection.ts) and this thread, with a connection of its own, runs a PASSIVE
// checkpoint every few hundred milliseconds: it copies what no reader still needs, never waits
// for a lock and never blocks a writer, and SQLite starts the WAL over once all of it is copied.
import { Worker } from 'node:worker_threads';

// CommonJS for `eval: true`: the thread needs nothing but node:sqlite.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path);
db.exec('PRAGMA busy_timeout = 1000');
const checkpoint = () => {
  try {
    db.exec('PRAGMA wal_checkpoint(PASSIVE)');
  } catch {
    // another checkpoint under way, or the file is being closed: the next round copies the rest
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export type Checkpointer = { stop(): Promise<void> };

/**
 * Starts the checkpoint thread of the database file at `path` (in WAL mode already). If the
 * thread fails, `onFailure` runs (the caller turns the automatic checkpoint back on).
 */
export function startCheckpointer(path: string, opts: { everyMs?: number; onFailure?: () => void } = {}): Checkpointer {
  const worker = new Worker(THREAD, { eval: true, workerData: { path, everyMs: opts.everyMs ?? 200 } });
  worker.unref(); // never what keeps a process alive
  let stopping = false;
  worker.on('error', () => {});
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      if (!stopping) opts.onFailure?.();
      resolve();
    }),
  );
  return {
    async stop() {
      stopping = true;
      worker.postMessage('stop');
      const timeout = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
