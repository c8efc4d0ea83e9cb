// Job definitions of broadcasts (registered in src/jobs.ts): the start of a broadcast (every
// recipient a row, the chunks) and one job per chunk of at most 500 LINE users.
import { defineJob, type JobDefinition } from '../../platform/jobs.ts';
import { BROADCAST_CHUNK, BROADCAST_START, sendChunk, startBroadcast } from './service.ts';

export const broadcastJobs: JobDefinition[] = [
  defineJob({
    ...BROADCAST_START,
    handler: (job, deps) => startBroadcast(deps, job.clinicId!, job.payload.broadcastId),
  }),
  defineJob({
    ...BROADCAST_CHUNK,
    handler: (job, deps) => sendChunk(deps, job.clinicId!, job.payload.broadcastId, job.payload.chunkNo),
  }),
];
