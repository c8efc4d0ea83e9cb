// Job handlers of the patient list (registered in src/jobs.ts).
import type { JobHandler } from '../../platform/jobs.ts';
import { RECALL_SCAN_JOB, recallScanJob } from './recall.ts';
import { TAG_RECOMPUTE_JOB, tagRecomputeJob } from './tags.ts';
import { EXPORT_JOB, exportJob, IMPORT_JOB, importJob, TRANSFER_PURGE_JOB, transferPurgeJob } from './transfer.ts';

export const patientListJobs: Record<string, JobHandler> = {
  [TAG_RECOMPUTE_JOB]: tagRecomputeJob,
  [RECALL_SCAN_JOB]: recallScanJob,
  [IMPORT_JOB]: importJob,
  [EXPORT_JOB]: exportJob,
  [TRANSFER_PURGE_JOB]: transferPurgeJob,
};
