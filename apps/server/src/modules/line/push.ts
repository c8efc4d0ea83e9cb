// The one general LINE push for every module: a job per push, whose X-Line-Retry-Key is created
// when the job is written (before the first attempt), so a retry after a lost answer reuses it;
// LINE's 409 for an accepted key counts as sent. What was sent is logged in line_messages.
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { Type, type Static } from 'typebox';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../platform/deps.ts';
import { defineJob, enqueueJob, PermanentJobError, type Job } from '../../platform/jobs.ts';
import { describeLineError, LineMessageSchema } from '../../platform/line.ts';
import { lineService } from './service.ts';

type Db = Kysely<DB> | Transaction<DB>;

const PushPayload = Type.Object({
  to: Type.String(),
  messages: Type.Array(LineMessageSchema),
  retryKey: Type.String(),
  source: Type.String(),
  relatedType: Type.Optional(Type.String()),
  relatedId: Type.Optional(Type.String()),
});
export type PushPayload = Static<typeof PushPayload>;

export const PUSH_JOB = defineJob({
  type: 'line.push',
  payload: PushPayload,
  defaults: { priority: 'interactive', maxAttempts: 8 },
  handler: pushJob,
});

/**
 * Queues a push to one LINE user (in the caller's transaction when `db` is one: call wakeWorkers()
 * after the commit when a person is waiting for it).
 */
export async function queuePush(db: Db, deps: Deps, clinicId: string, p: Omit<PushPayload, 'retryKey'>): Promise<void> {
  const retryKey = randomUUID();
  await enqueueJob(
    db,
    deps.clock,
    PUSH_JOB,
    { ...p, retryKey },
    { clinicId, idempotencyKey: `push:${retryKey}`, orderingKey: `line-push:${clinicId}:${p.to}` },
  );
}

async function pushJob(job: Job<PushPayload>, deps: Deps): Promise<void> {
  const clinicId = job.clinicId!;
  const line = lineService(deps);
  const client = await line.clientFor(clinicId);
  const p = job.payload;
  try {
    await client.push({ to: p.to, messages: p.messages }, p.retryKey);
  } catch (err) {
    const e = describeLineError(err);
    if (e.status === 409) {
      // already accepted under this retry key: counts as sent
    } else if (e.status !== null && e.status >= 400 && e.status < 500 && e.status !== 429) {
      throw new PermanentJobError(`${e.message}: ${e.lineMessage}`);
    } else throw err;
  }
  await line.logSent(clinicId, p.to, p.messages, {
    source: p.source,
    method: 'push',
    relatedType: p.relatedType,
    relatedId: p.relatedId,
  });
}
