// Job definitions of tags (registered in src/jobs.ts).
import { defineJob, type JobDefinition } from '../../platform/jobs.ts';
import { refreshClinicIndex } from '../patients/service.ts';
import { recomputeAutoTags, scheduleTagRecompute, TAG_RECOMPUTE } from './service.ts';

/** Refreshes the patients' visit summary, then every automatic tag of the clinic; with `repeat`, again in an hour. */
export const TAG_RECOMPUTE_JOB = defineJob({
  ...TAG_RECOMPUTE,
  async handler(job, deps) {
    const clinicId = job.payload.clinicId;
    await refreshClinicIndex(deps.db, clinicId, deps.clock.now().toISOString());
    await recomputeAutoTags(deps, clinicId);
    if (job.payload.repeat) await scheduleTagRecompute(deps, clinicId);
  },
});

export const tagJobs: JobDefinition[] = [TAG_RECOMPUTE_JOB];
