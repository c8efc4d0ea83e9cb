// Jobs are rows: every side effect is written as a job first, then workers claim and do it.
// Claiming is safe with many workers: FOR UPDATE SKIP LOCKED on PostgreSQL; on SQLite a
// single conditional UPDATE … RETURNING (SQLite serialises writers). A job with an
// ordering_key waits until every earlier job with the same key has finished or died.
//
// Each job type is declared once with a TypeBox schema of its payload (`jobType` / `defineJob`),
// enqueued through that declaration (the payload is type-checked) and validated when a worker
// claims it: a row whose payload does not match (written by an older version, or by hand) ends
// `dead` with the schema's complaint instead of reaching the handler.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { Dialect, SyncStatements } from '../db/connection.ts';
import type { DB } from '../db/schema.ts';
import type { JobsTable } from '../db/tables.ts';
import type { Clock } from './clock.ts';
import type { Deps } from './deps.ts';
import { errors } from './errors.ts';

export type JobStatus = 'pending' | 'running' | 'done' | 'dead';

export type Job<P = unknown> = {
  id: number;
  clinicId: string | null;
  type: string;
  payload: P;
  attempts: number;
  maxAttempts: number;
  runAt: string;
};

/**
 * How urgent a job type is. Workers claim interactive jobs first (somebody waits for them: a
 * reply to a LINE message, a push, an OTP text, a rich menu switch), then normal ones, then
 * bulk work that may take minutes as a whole (planning reminders for a first HIS sync,
 * recomputing tags, imports and exports).
 */
export type JobPriority = 'interactive' | 'normal' | 'bulk';
const PRIORITY_RANK: Record<JobPriority, number> = { interactive: 0, normal: 1, bulk: 2 };

/** What a job type fixes for every job of it; each enqueue may override the attempts. */
export type JobDefaults = { maxAttempts?: number; priority?: JobPriority };

/** A job type: its name (stored in jobs.type, so never renamed) and the schema of its payload. */
export type JobType<S extends TSchema = TSchema> = {
  readonly type: string;
  readonly payload: S;
  readonly defaults?: JobDefaults;
};

/** A job type with the handler that runs it (what the worker's registry holds). */
export interface JobDefinition<S extends TSchema = TSchema> extends JobType<S> {
  // Method syntax on purpose: a list of definitions with different payloads is a JobDefinition[].
  handler(job: Job<Static<S>>, deps: Deps): Promise<void>;
}

/**
 * Declares a job type without its handler, for a type enqueued by a module that cannot import
 * the handler's module; the handler's module then registers `defineJob({ ...type, handler })`.
 */
export function jobType<S extends TSchema>(t: { type: string; payload: S; defaults?: JobDefaults }): JobType<S> {
  return t;
}

export function defineJob<S extends TSchema>(d: {
  type: string;
  payload: S;
  defaults?: JobDefaults;
  handler: (job: Job<Static<S>>, deps: Deps) => Promise<void>;
}): JobDefinition<S> {
  return d;
}

export type EnqueueOptions = {
  clinicId: string | null;
  runAt?: Date;
  idempotencyKey?: string;
  orderingKey?: string;
  maxAttempts?: number;
};

type Db = Kysely<DB> | Transaction<DB>;

const DEFAULT_MAX_ATTEMPTS = 10;

function jobRow<S extends TSchema>(def: JobType<S>, payload: Static<S>, opts: EnqueueOptions, clock: Clock) {
  const now = clock.now().toISOString();
  return {
    clinic_id: opts.clinicId,
    type: def.type,
    payload: JSON.stringify(payload ?? {}),
    status: 'pending',
    run_at: (opts.runAt ?? clock.now()).toISOString(),
    max_attempts: opts.maxAttempts ?? def.defaults?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    priority: PRIORITY_RANK[def.defaults?.priority ?? 'normal'],
    idempotency_key: opts.idempotencyKey ?? null,
    ordering_key: opts.orderingKey ?? null,
    created_at: now,
    updated_at: now,
  } as const;
}

/** The polling workers of this process (a worker started with autoStart: false polls only when asked). */
const localWorkers = new Set<Worker>();

/**
 * Wakes this process's workers now instead of at their next poll: a job a person is waiting for
 * (a rich menu switch after binding, a reply) then starts at once when the API and the worker
 * share a process. An enqueue outside a transaction wakes them itself; a caller that enqueued
 * in a transaction calls this after the commit (before it, a worker would not see the job).
 */
export function wakeWorkers(): void {
  for (const w of localWorkers) w.wake();
}

/**
 * Inserts a job of `def` (in the caller's transaction when `db` is one); with an idempotency
 * key a repeat is ignored and the existing job id returned.
 */
export async function enqueueJob<S extends TSchema>(
  db: Db,
  clock: Clock,
  def: JobType<S>,
  payload: Static<S>,
  opts: EnqueueOptions,
): Promise<number> {
  const row = await db
    .insertInto('jobs')
    .values(jobRow(def, payload, opts, clock))
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row) {
    if (!db.isTransaction) wakeWorkers();
    return row.id;
  }
  const existing = await db
    .selectFrom('jobs')
    .select('id')
    .where('idempotency_key', '=', opts.idempotencyKey ?? '')
    .executeTakeFirstOrThrow();
  return existing.id;
}

/** Inserts many jobs of `def` in statements of 200 rows; repeats of an idempotency key are skipped. */
export async function enqueueJobs<S extends TSchema>(
  db: Db,
  clock: Clock,
  def: JobType<S>,
  items: { payload: Static<S>; opts: EnqueueOptions }[],
): Promise<void> {
  for (let i = 0; i < items.length; i += 200) {
    await db
      .insertInto('jobs')
      .values(items.slice(i, i + 200).map((it) => jobRow(def, it.payload, it.opts, clock)))
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
  }
  if (items.length && !db.isTransaction) wakeWorkers();
}

const JOB_COLUMNS = [
  'clinic_id',
  'type',
  'payload',
  'status',
  'run_at',
  'max_attempts',
  'priority',
  'idempotency_key',
  'ordering_key',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof ReturnType<typeof jobRow>)[];
const INSERT_JOB_ONCE = `insert into jobs (${JOB_COLUMNS.join(', ')}) values (${JOB_COLUMNS.map(() => '?').join(', ')})
  on conflict (idempotency_key) do nothing`;

/**
 * enqueueJobs with synchronous statements inside writeTransactionSync (SQLite's hottest write
 * path, db/write-transaction.ts): one prepared insert per job, repeats of an idempotency key
 * skipped. The caller wakes the workers after the commit.
 */
export function enqueueJobsSync<S extends TSchema>(
  s: SyncStatements,
  clock: Clock,
  def: JobType<S>,
  items: { payload: Static<S>; opts: EnqueueOptions }[],
): void {
  for (const it of items) {
    const row = jobRow(def, it.payload, it.opts, clock);
    s.run(
      INSERT_JOB_ONCE,
      JOB_COLUMNS.map((c) => row[c]),
    );
  }
}

/** A payload column that is not JSON at all (the worker kills such a job). */
class UnreadablePayload {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** Thrown by a handler to end a job without more retries. */
export class PermanentJobError extends Error {}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return new UnreadablePayload(text);
  }
}

function toJob(
  r: Pick<JobsTable, 'clinic_id' | 'type' | 'payload' | 'max_attempts' | 'run_at'> & { id: number; attempts: number },
): Job {
  return {
    id: r.id,
    clinicId: r.clinic_id,
    type: r.type,
    payload: parsePayload(r.payload),
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAt: r.run_at,
  };
}

/** The priorities in PRIORITY_RANK, each claimed by its own index range (see claimJobs). */
const PRIORITY_VALUES = [...new Set(Object.values(PRIORITY_RANK))].sort((a, b) => a - b);

/**
 * Claims up to `limit` due jobs, most urgent first (priority, then due time, then id), skipping
 * a job while an earlier one with its ordering key is pending or running. Each priority's
 * pending jobs are read by their own range of `jobs (status, priority, run_at)` in due order,
 * stopping after `limit` claimable ones, and the jobs whose worker's lock expired by another
 * branch: a backlog of tens of thousands of due jobs costs a claim no more than a few (one
 * query over every due row, sorted before the limit, took 144 ms per claim on SQLite with
 * 19,000 due jobs and made a worker that fell behind fall further behind).
 */
export async function claimJobs(
  db: Kysely<DB>,
  dialect: Dialect,
  opts: { workerId: string; now: Date; limit: number; lockMs: number; types?: string[] },
): Promise<Job[]> {
  const now = opts.now.toISOString();
  const lockedUntil = new Date(opts.now.getTime() + opts.lockMs).toISOString();
  const typeFilter = opts.types?.length ? sql`AND j.type IN (${sql.join(opts.types)})` : sql``;
  const lock = dialect === 'postgres' ? sql`FOR UPDATE SKIP LOCKED` : sql``;
  const claimable = sql`${typeFilter}
    AND (j.ordering_key IS NULL OR NOT EXISTS (
      SELECT 1 FROM jobs e WHERE e.ordering_key = j.ordering_key AND e.id < j.id
        AND e.status IN ('pending', 'running')))`;
  const chosen = (limit: number) => {
    const branch = (where: ReturnType<typeof sql>, order: ReturnType<typeof sql>) =>
      sql`(SELECT j.id, j.priority, j.run_at FROM jobs j WHERE ${where} ${claimable}
        ORDER BY ${order} LIMIT ${limit} ${lock})`;
    const branches = [
      ...PRIORITY_VALUES.map((p) =>
        branch(sql`j.status = 'pending' AND j.priority = ${p} AND j.run_at <= ${now}`, sql`j.run_at, j.id`),
      ),
      branch(sql`j.status = 'running' AND j.locked_until < ${now}`, sql`j.priority, j.run_at, j.id`),
    ];
    // Each limited (and on PostgreSQL locking) branch is a subquery of its own inside the union.
    const arms = branches.map((b, i) => sql`SELECT * FROM ${b} AS ${sql.raw(`b${i}`)}`);
    return sql`SELECT c.id FROM (${sql.join(arms, sql` UNION ALL `)}) AS c
      ORDER BY c.priority, c.run_at, c.id
      LIMIT ${limit}`;
  };
  const claim = (ids: ReturnType<typeof sql>, still: ReturnType<typeof sql>) =>
    sql<JobsTable & { id: number; attempts: number }>`
      UPDATE jobs SET status = 'running', locked_by = ${opts.workerId}, locked_until = ${lockedUntil},
        attempts = attempts + 1, updated_at = ${now}
      WHERE id IN (${ids}) ${still}
      RETURNING *`;
  const byId = (a: Job, b: Job) => a.id - b.id;
  if (dialect !== 'sqlite') return (await claim(chosen(opts.limit), sql``).execute(db)).rows.map(toJob).sort(byId);
  // SQLite takes the database's write lock when a writing statement starts, so here the choice
  // runs as a read first (WAL: it waits for no writer and holds no lock) and the update claims
  // the chosen jobs still claimable: in one statement a claim over a backlog held the lock about
  // a millisecond, the API's webhook writes waiting behind it (docs/benchmarks.md, webhook). A
  // job chosen from this snapshot cannot jump its queue: ids grow, and an earlier job once done
  // stays done (a dead job that staff retry runs after later ones anyway). Jobs another worker
  // claimed in between are chosen again from the rest, at most three rounds.
  // (The unary + keeps SQLite's planner on the primary key: offered the status conditions, it
  // chose to scan every pending job by status.)
  const still = sql`AND ((+status = 'pending' AND +run_at <= ${now})
    OR (+status = 'running' AND +locked_until < ${now}))`;
  const out: Job[] = [];
  for (let round = 0; round < 3 && out.length < opts.limit; round++) {
    const ids = (await chosen(opts.limit - out.length).execute(db)).rows.map((r) => (r as { id: number }).id);
    if (ids.length === 0) break;
    const rows = (await claim(sql.join(ids), still).execute(db)).rows;
    out.push(...rows.map(toJob));
    if (rows.length === ids.length) break;
  }
  return out.sort(byId);
}

export async function completeJob(db: Kysely<DB>, clock: Clock, id: number, workerId: string): Promise<void> {
  await completeJobs(db, clock, [id], workerId);
}

/** Marks jobs this worker holds done, in one statement. */
export async function completeJobs(db: Kysely<DB>, clock: Clock, ids: number[], workerId: string): Promise<void> {
  if (ids.length === 0) return;
  const now = clock.now().toISOString();
  await db
    .updateTable('jobs')
    .set({ status: 'done', finished_at: now, updated_at: now, locked_by: null, locked_until: null, last_error: null })
    .where('id', 'in', ids)
    .where('locked_by', '=', workerId)
    .execute();
}

/** Exponential backoff with jitter: 5 s, 10 s, 20 s … capped at 1 h. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

export async function failJob(
  db: Kysely<DB>,
  clock: Clock,
  job: Job,
  workerId: string,
  error: unknown,
  permanent = false,
): Promise<JobStatus> {
  const now = clock.now();
  const message = error instanceof Error ? error.message : String(error);
  const dead = permanent || job.attempts >= job.maxAttempts;
  await db
    .updateTable('jobs')
    .set({
      status: dead ? 'dead' : 'pending',
      run_at: dead ? job.runAt : new Date(now.getTime() + backoffMs(job.attempts)).toISOString(),
      last_error: message.slice(0, 2000),
      locked_by: null,
      locked_until: null,
      updated_at: now.toISOString(),
      finished_at: dead ? now.toISOString() : null,
    })
    .where('id', '=', job.id)
    .where('locked_by', '=', workerId)
    .execute();
  return dead ? 'dead' : 'pending';
}

/** Puts a dead (or pending) job of this clinic back in line to run now. */
export async function retryJob(db: Kysely<DB>, clock: Clock, clinicId: string, id: number): Promise<void> {
  const now = clock.now().toISOString();
  const r = await db
    .updateTable('jobs')
    .set({ status: 'pending', run_at: now, attempts: 0, updated_at: now, finished_at: null })
    .where('id', '=', id)
    .where('clinic_id', '=', clinicId)
    .where('status', 'in', ['dead', 'pending'])
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw errors.notFound('工作');
}

/** A clinic's jobs, newest first (the back office's job list). */
export async function listJobs(db: Kysely<DB>, clinicId: string, f: { status?: JobStatus; limit: number }) {
  let query = db.selectFrom('jobs').selectAll().where('clinic_id', '=', clinicId);
  if (f.status) query = query.where('status', '=', f.status);
  return query.orderBy('id', 'desc').limit(f.limit).execute();
}

/** How many of a clinic's jobs are in each status. */
export async function jobCountsByStatus(db: Kysely<DB>, clinicId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('clinic_id', '=', clinicId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((c) => [c.status, Number(c.n)]));
}

/** When the next pending job of this type for the clinic is due (a scheduled scan, say), or null. */
export async function nextRunAt(db: Kysely<DB>, clinicId: string, type: string): Promise<string | null> {
  const next = await db
    .selectFrom('jobs')
    .select('run_at')
    .where('clinic_id', '=', clinicId)
    .where('type', '=', type)
    .where('status', '=', 'pending')
    .orderBy('run_at')
    .executeTakeFirst();
  return next?.run_at ?? null;
}

export async function queueStats(
  db: Kysely<DB>,
  now: Date,
): Promise<{ depth: number; due: number; oldestDueAgeSeconds: number; dead: number; running: number }> {
  const nowIso = now.toISOString();
  const rows = await db
    .selectFrom('jobs')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('run_at').as('oldest')])
    .where('status', 'in', ['pending', 'running', 'dead'])
    .groupBy('status')
    .execute();
  const due = await db
    .selectFrom('jobs')
    .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('run_at').as('oldest')])
    .where('status', '=', 'pending')
    .where('run_at', '<=', nowIso)
    .executeTakeFirst();
  const by = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
  const oldest = due?.oldest ? (now.getTime() - new Date(String(due.oldest)).getTime()) / 1000 : 0;
  return {
    depth: by('pending') + by('running'),
    due: Number(due?.n ?? 0),
    oldestDueAgeSeconds: Math.max(0, oldest),
    dead: by('dead'),
    running: by('running'),
  };
}

export type Worker = PollingLoop;

type Registered = { def: JobDefinition; check: ReturnType<typeof Compile<TSchema>> };

/** The definitions by type name, each schema compiled once; two definitions of one type are an error. */
export function jobRegistry(defs: readonly JobDefinition[]): Map<string, Registered> {
  const byType = new Map<string, Registered>();
  for (const def of defs) {
    if (byType.has(def.type)) throw new Error(`job type ${def.type} is defined twice`);
    byType.set(def.type, { def, check: Compile(def.payload) });
  }
  return byType;
}

/** Why a claimed payload does not match its type's schema, or null when it does. */
function payloadProblem(r: Registered, payload: unknown): string | null {
  if (payload instanceof UnreadablePayload) return `payload is not JSON: ${payload.text.slice(0, 100)}`;
  if (r.check.Check(payload)) return null;
  const details = [...r.check.Errors(payload)]
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message}`)
    .join('; ');
  return `invalid payload for job type ${r.def.type}: ${details}`;
}

export type PollingLoop = {
  stop(): Promise<void>;
  /** Polls now instead of at the next poll (or right after the poll under way). */
  wake(): void;
  /** One poll, outside the loop (tests, a child process that drives its own loop). */
  runOnce(): Promise<number>;
};

/** The longest wait after polls that keep failing (a database that is down, say). */
const MAX_ERROR_BACKOFF_MS = 30_000;

/**
 * The one polling loop of a worker process, for the job workers and the reminder dispatcher:
 * `poll` claims and does a batch of work and says how much it found. While it finds work it
 * runs again at once; when idle it waits `pollMs` (or until woken); a poll that throws is
 * logged and the wait doubles with each failure in a row, up to 30 s, so a database outage
 * is not hammered. stop() lets the poll under way finish.
 */
export function pollingLoop(opts: {
  name: string;
  poll: () => Promise<number>;
  pollMs: number;
  log: Deps['log'];
  autoStart?: boolean;
}): PollingLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let failures = 0;
  // A wake-up during a poll: poll again right after it (the work may have missed that poll's claim).
  let wokenWhileRunning = false;

  const schedule = (ms: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void loop(), ms);
  };
  async function loop(): Promise<void> {
    if (stopped) return;
    let n = 0;
    wokenWhileRunning = false;
    try {
      running = opts.poll();
      n = await running;
      failures = 0;
    } catch (err) {
      failures++;
      opts.log.error({ err: err instanceof Error ? err.message : String(err), failures }, `${opts.name} poll failed`);
    } finally {
      running = null;
    }
    if (stopped) return;
    if (failures) schedule(Math.min(MAX_ERROR_BACKOFF_MS, opts.pollMs * 2 ** (failures - 1)));
    else schedule(n > 0 || wokenWhileRunning ? 0 : opts.pollMs);
  }

  if (opts.autoStart !== false) schedule(0);
  return {
    runOnce: opts.poll,
    wake() {
      if (stopped) return;
      if (running) {
        wokenWhileRunning = true;
        return;
      }
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (running) await running.catch(() => 0);
    },
  };
}

/** Polls for due jobs and runs them with the handlers of `defs`. */
export function startWorker(
  deps: Deps,
  defs: readonly JobDefinition[],
  opts: { workerId: string; pollMs?: number; batch?: number; lockMs?: number; autoStart?: boolean } = {
    workerId: 'worker',
  },
): Worker {
  const lockMs = opts.lockMs ?? 60_000;
  const batch = opts.batch ?? 20;
  const registry = jobRegistry(defs);
  const types = [...registry.keys()];

  // Jobs that finish at about the same time (in the same turn of the event loop) are marked done
  // in one write instead of one each: on SQLite every write takes the one write lock that the
  // api's webhook storage also needs.
  let finished: { id: number; resolve(): void; reject(err: unknown): void }[] = [];
  const complete = (id: number) =>
    new Promise<void>((resolve, reject) => {
      if (finished.length === 0)
        setImmediate(() => {
          const group = finished;
          finished = [];
          completeJobs(
            deps.db,
            deps.clock,
            group.map((f) => f.id),
            opts.workerId,
          ).then(
            () => group.forEach((f) => f.resolve()),
            (err) => group.forEach((f) => f.reject(err)),
          );
        });
      finished.push({ id, resolve, reject });
    });

  async function runJob(job: Job): Promise<void> {
    const registered = registry.get(job.type);
    try {
      if (!registered) throw new PermanentJobError(`no handler for job type ${job.type}`);
      const problem = payloadProblem(registered, job.payload);
      if (problem) throw new PermanentJobError(problem);
      await registered.def.handler(job, deps);
      await complete(job.id);
      deps.metrics.jobFinished(job.type, 'done');
    } catch (err) {
      const status = await failJob(deps.db, deps.clock, job, opts.workerId, err, err instanceof PermanentJobError);
      deps.metrics.jobFinished(job.type, status === 'dead' ? 'dead' : 'retry');
      deps.log.warn(
        {
          jobId: job.id,
          type: job.type,
          attempts: job.attempts,
          err: err instanceof Error ? err.message : String(err),
        },
        `job ${status === 'dead' ? 'dead' : 'will retry'}`,
      );
    }
  }

  async function runOnce(): Promise<number> {
    const jobs = await claimJobs(deps.db, deps.dialect, {
      workerId: opts.workerId,
      now: deps.clock.now(),
      limit: batch,
      lockMs,
      types,
    });
    // The claim query never returns two jobs with the same ordering key, so a batch runs side by side.
    await Promise.all(jobs.map(runJob));
    return jobs.length;
  }

  const loop = pollingLoop({
    name: 'worker',
    poll: runOnce,
    pollMs: opts.pollMs ?? 500,
    log: deps.log,
    autoStart: opts.autoStart,
  });
  const worker: Worker = {
    runOnce,
    wake: loop.wake,
    async stop() {
      localWorkers.delete(worker);
      await loop.stop();
    },
  };
  // Only a worker that polls on its own is woken by enqueues (one started with autoStart: false
  // polls only when asked).
  if (opts.autoStart !== false) localWorkers.add(worker);
  return worker;
}
