// Job definitions of the patient list (registered in src/jobs.ts).
import type { JobDefinition } from '../../platform/jobs.ts';
import { RECALL_SCAN_JOB } from './recall.ts';
import { TAG_RECOMPUTE_JOB } from './tags.ts';
import { EXPORT_JOB, IMPORT_JOB, TRANSFER_PURGE_JOB } from './transfer.ts';

export const patientListJobs: JobDefinition[] = [
  TAG_RECOMPUTE_JOB,
  RECALL_SCAN_JOB,
  IMPORT_JOB,
  EXPORT_JOB,
  TRANSFER_PURGE_JOB,
];
