// Job definitions and the LINE postback hook of the reminder engine (registered in jobs.ts).
import { defineJob, type JobDefinition } from '../../platform/jobs.ts';
import { REPLAN_CLINIC_JOB } from '../calendar/service.ts';
import { PNP_CHECK_JOB } from './pnp-check.ts';
import { PLAN_JOB, replanClinicJob } from './service.ts';

export { onReminderPostback } from './postback.ts';
export { onPnpDelivered } from './pnp.ts';

export const reminderJobs: JobDefinition[] = [
  PLAN_JOB,
  defineJob({ ...REPLAN_CLINIC_JOB, handler: replanClinicJob }),
  PNP_CHECK_JOB,
];
