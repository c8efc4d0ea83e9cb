// Job definitions of the data export (registered in src/jobs.ts): the export itself (bulk), and
// the deletion of its file when it expires.
import { defineJob, type JobDefinition } from '../../platform/jobs.ts';
import { exportRepository } from './repository.ts';
import { runExport } from './run.ts';
import { EXPORT_PURGE, EXPORT_RUN, runPurge, schedulePurge } from './service.ts';

export const EXPORT_RUN_JOB = defineJob({
  ...EXPORT_RUN,
  async handler(job, deps) {
    const clinicId = job.clinicId!;
    await runExport(deps, clinicId, job.payload.exportId);
    const r = await exportRepository(deps.db, deps.dialect).get(clinicId, job.payload.exportId);
    if (r?.status === 'done' && r.expires_at) await schedulePurge(deps, clinicId, r.id, new Date(r.expires_at));
  },
});
export const EXPORT_PURGE_JOB = defineJob({
  ...EXPORT_PURGE,
  handler: (job, deps) => runPurge(deps, job.clinicId!, job.payload.exportId),
});

export const exportJobs: JobDefinition[] = [EXPORT_RUN_JOB, EXPORT_PURGE_JOB];
