// Checkpoints of a SQLite database file in WAL mode, run by a thread of their own. SQLite's
// automatic checkpoint runs inside the commit that crosses its threshold (1,000 pages): on the
// connection of whoever commits, copying the WAL's pages into the database file and syncing
// it — with node:sqlite's synchronous API, the committing process's event loop stands still
// meanwhile (commits of the webhook's group write took up to 90–160 ms where they otherwise take
// 0.1 ms; docs/benchmarks.md, webhook). The connections of the server turn the automatic
// checkpoint off (connection.ts) and this thread, with a connection of its own, runs a PASSIVE
// checkpoint every few hundred milliseconds: it copies what no reader still needs, never waits
// for a lock and never blocks a writer, and SQLite starts the WAL over once all of it is copied.
// Writers that never pause (a burst of LINE webhooks: ~700 commits a second) keep a passive
// checkpoint from ever reaching the WAL's end — it copies up to where the WAL ended when it
// began — so the WAL never started over: 1.9 GB after a 30 s burst, and every commit that
// extended the file cost three times as much (0.41 against 0.12 ms). Past a limit the thread
// therefore ends with a RESTART checkpoint, and the next writer starts the WAL over: it holds the
// write lock while it copies what was written since a second passive pass and syncs (writers
// held up 2–17 ms in that burst, once every few seconds). A long read that keeps it from
// finishing holds writers up 50 ms at most; the thread then leaves the WAL alone for 5 s.
import { Worker } from 'node:worker_threads';

// CommonJS for `eval: true`: the thread needs nothing but node:sqlite.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path);
db.exec('PRAGMA busy_timeout = 1000');
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const restart = db.prepare('PRAGMA wal_checkpoint(RESTART)');
let restarted = -1; // the WAL's length when it was last restarted: no write since, nothing to do
let restartAfter = 0;
const checkpoint = () => {
  try {
    const { log } = passive.get();
    if (log <= workerData.restartFrames || log === restarted || Date.now() < restartAfter) return;
    passive.get(); // what was written during the first pass: the restart then copies the least
    db.exec('PRAGMA busy_timeout = ' + workerData.restartWaitMs);
    try {
      const { busy } = restart.get();
      restarted = log;
      // a long read kept it from finishing: writers are not held up again for a while
      if (busy) restartAfter = Date.now() + workerData.restartBackoffMs;
    } finally {
      db.exec('PRAGMA busy_timeout = 1000');
    }
  } catch {
    // another checkpoint under way, or the file is being closed: the next round copies the rest
    restartAfter = Date.now() + workerData.restartBackoffMs;
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

export type CheckpointerOptions = {
  /** How often the thread checkpoints (200 ms). */
  everyMs?: number;
  /**
   * The WAL's length in frames (pages) past which a checkpoint that could not reach the WAL's
   * end finishes holding the write lock, so that the WAL starts over: 65,536 frames, 256 MB with
   * 4 KB pages (docs/benchmarks.md, webhook).
   */
  restartFrames?: number;
  /** If the thread fails, this runs (the caller turns the automatic checkpoint back on). */
  onFailure?: () => void;
};

/** Starts the checkpoint thread of the database file at `path` (in WAL mode already). */
export function startCheckpointer(path: string, opts: CheckpointerOptions = {}): Checkpointer {
  const worker = new Worker(THREAD, {
    eval: true,
    workerData: {
      path,
      everyMs: opts.everyMs ?? 200,
      restartFrames: opts.restartFrames ?? 65_536,
      // how long writers are held up at most while readers of the old WAL finish
      restartWaitMs: 50,
      restartBackoffMs: 5_000,
    },
  });
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
