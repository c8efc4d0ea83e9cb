// Job definitions of the patients module (registered in src/jobs.ts).
import { defineJob, type JobDefinition } from '../../platform/jobs.ts';
import { EXPORT, IMPORT, runExport, runImport, runTransferPurge, TRANSFER_PURGE } from './transfer.ts';

export const IMPORT_JOB = defineJob({
  ...IMPORT,
  handler: (job, deps) => runImport(deps, job.clinicId!, job.payload.transferId),
});
export const EXPORT_JOB = defineJob({
  ...EXPORT,
  handler: (job, deps) => runExport(deps, job.clinicId!, job.payload.transferId),
});
export const TRANSFER_PURGE_JOB = defineJob({
  ...TRANSFER_PURGE,
  handler: (job, deps) => runTransferPurge(deps, job.clinicId!, job.payload.transferId, job.payload.attempt ?? 0),
});

export const patientJobs: JobDefinition[] = [IMPORT_JOB, EXPORT_JOB, TRANSFER_PURGE_JOB];
