// The booking module's job definitions (registered in apps/server/src/jobs.ts).
import { EXPIRE_JOB } from './service.ts';

export const bookingJobs = [EXPIRE_JOB];
