// The one general LINE push for every module: a job per push, whose X-Line-Retry-Key is created
// when the job is written (before the first attempt), so a retry after a lost answer reuses it;
// LINE's 409 for an accepted key counts as sent. What was sent is logged in line_messages.
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { Type, type Static } from 'typebox';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../platform/deps.ts';
import { defineJob, enqueueJob, jobType, PermanentJobError, type Job } from '../../platform/jobs.ts';
import { describeLineError, LineMessageSchema } from '../../platform/line.ts';
import { inboxRepository } from './inbox.repository.ts';
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

/**
 * What a module does when a push of its own (by the payload's relatedType) will not reach the
 * user: LINE refused it (a 4xx other than 409 and 429) or its last attempt failed. `reason` is
 * for people (zh-TW).
 */
export type PushNotDelivered = (deps: Deps, clinicId: string, relatedId: string, reason: string) => Promise<void>;

const PUSH_JOB = jobType({
  type: 'line.push',
  payload: PushPayload,
  defaults: { priority: 'interactive', maxAttempts: 8 },
});

/** The push job; `notDelivered` by relatedType (src/jobs.ts wires the modules'). */
export function pushJobDefinition(notDelivered: Record<string, PushNotDelivered> = {}) {
  return defineJob({ ...PUSH_JOB, handler: (job, deps) => pushJob(job, deps, notDelivered) });
}

/**
 * Queues a push to one LINE user (in the caller's transaction when `db` is one: call wakeWorkers()
 * after the commit when a person is waiting for it).
 */
export async function queuePush(
  db: Db,
  deps: Deps,
  clinicId: string,
  p: Omit<PushPayload, 'retryKey'>,
  retryKey: string = randomUUID(),
): Promise<void> {
  await enqueueJob(
    db,
    deps.clock,
    PUSH_JOB,
    { ...p, retryKey },
    { clinicId, idempotencyKey: `push:${retryKey}`, orderingKey: `line-push:${clinicId}:${p.to}` },
  );
}

/**
 * A retry key (a UUID, as LINE requires) derived from a text naming the send (e.g. an event and
 * a source): queuing the same send again gives the same key, hence one job and one message.
 */
export function retryKeyOf(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(h[16], 16) & 3) | 8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function pushJob(
  job: Job<PushPayload>,
  deps: Deps,
  notDelivered: Record<string, PushNotDelivered>,
): Promise<void> {
  const clinicId = job.clinicId!;
  const line = lineService(deps);
  const client = await line.clientFor(clinicId);
  const p = job.payload;
  try {
    await client.push({ to: p.to, messages: p.messages }, p.retryKey);
  } catch (err) {
    const e = describeLineError(err);
    if (e.status !== 409) {
      // (409: already accepted under this retry key, counts as sent)
      const refused = e.status !== null && e.status >= 400 && e.status < 500 && e.status !== 429;
      const hook = p.relatedType && p.relatedId ? notDelivered[p.relatedType] : undefined;
      if (hook && (refused || job.attempts >= job.maxAttempts)) {
        try {
          await hook(deps, clinicId, p.relatedId!, e.message);
        } catch (hookErr) {
          deps.log.error({ err: hookErr, jobId: job.id }, 'line.push: the not-delivered hook failed');
        }
      }
      throw refused ? new PermanentJobError(`${e.message}: ${e.lineMessage}`) : err;
    }
  }
  await line.logSent(clinicId, p.to, p.messages, {
    source: p.source,
    method: 'push',
    relatedType: p.relatedType,
    relatedId: p.relatedId,
  });
  // A staff reply shows in the inbox once it went out: the conversation changed.
  if (p.source === 'staff') await inboxRepository(deps.db).touch(clinicId, p.to, deps.clock.now().toISOString());
}
