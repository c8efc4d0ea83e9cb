// Job definitions of Google 評論 (registered in src/jobs.ts).
import { defineJob, type JobDefinition } from '../../platform/jobs.ts';
import { GOOGLE_REVIEWS_SYNC, runGoogleSync } from './service.ts';

/** The hourly sync of a clinic's reviews; it schedules the next one while the connection works. */
export const GOOGLE_REVIEWS_SYNC_JOB = defineJob({
  ...GOOGLE_REVIEWS_SYNC,
  handler: (job, deps) => runGoogleSync(deps, job.payload.clinicId, !!job.payload.repeat),
});

export const googleReviewJobs: JobDefinition[] = [GOOGLE_REVIEWS_SYNC_JOB];
