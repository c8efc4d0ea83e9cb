// Job definitions of cases (registered in src/jobs.ts): a clock's check at its due time.
import { defineJob, type JobDefinition } from '../../platform/jobs.ts';
import { CASE_CLOCK, caseService } from './service.ts';

export const CASE_CLOCK_JOB = defineJob({
  ...CASE_CLOCK,
  async handler(job, deps) {
    if (!job.clinicId) return;
    await caseService(deps).escalate(job.clinicId, job.payload.caseId, job.payload.clock);
  },
});

export const caseJobs: JobDefinition[] = [CASE_CLOCK_JOB];
export { onCasePostback, openComplaintFromText } from './hooks.ts';
