// Job handlers and the LINE postback hook of the reminder engine (registered in jobs.ts).
import type { JobHandler } from '../../platform/jobs.ts';
import { REPLAN_CLINIC_JOB } from '../calendar/service.ts';
import { PLAN_JOB, planJob, replanClinicJob } from './service.ts';

export { onReminderPostback } from './postback.ts';

export const reminderJobs: Record<string, JobHandler> = {
  [PLAN_JOB]: planJob,
  [REPLAN_CLINIC_JOB]: replanClinicJob,
};
