// Job definitions of recall (registered in src/jobs.ts).
import { defineJob, enqueueJob, type JobDefinition } from '../../platform/jobs.ts';
import { RECALL_SCAN, recallNotDelivered, scanRecalls } from './service.ts';

/** Daily job per clinic; it schedules the next day's run. */
export const RECALL_SCAN_JOB = defineJob({
  ...RECALL_SCAN,
  async handler(job, deps) {
    const clinicId = job.payload.clinicId;
    await scanRecalls(deps, clinicId);
    if (job.payload.repeat) {
      const next = new Date(deps.clock.now().getTime() + 86_400_000);
      await enqueueJob(
        deps.db,
        deps.clock,
        RECALL_SCAN,
        { clinicId, repeat: true },
        { clinicId, runAt: next, idempotencyKey: `recall:${clinicId}:${next.toISOString().slice(0, 10)}` },
      );
    }
  },
});

export const recallJobs: JobDefinition[] = [RECALL_SCAN_JOB];

/** What line.push does when a recall's message will not arrive (src/jobs.ts). */
export const recallPushHooks = { recall: recallNotDelivered };
