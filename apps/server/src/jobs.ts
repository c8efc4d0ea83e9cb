// Every job type the worker knows, collected from the modules.
import type { JobHandler } from './platform/jobs.ts';
import type { Deps } from './platform/deps.ts';
import { deliverWebhook, WEBHOOK_JOB } from './modules/webhooks/service.ts';
import { answerWithAutoReply } from './modules/auto-replies/hook.ts';
import { lineEventHandler } from './modules/line/events.ts';
import { bindingJobs, bindingHooks } from './modules/binding/jobs.ts';
import { reminderJobs, onReminderPostback } from './modules/reminders/jobs.ts';
import { patientListJobs } from './modules/patient-list/jobs.ts';

export function jobHandlers(_deps: Deps): Record<string, JobHandler> {
  return {
    // Modules register their handlers here (HIS webhooks, LINE pushes, SMS, …).
    'system.noop': async () => {},
    [WEBHOOK_JOB]: deliverWebhook,
    'line.event': lineEventHandler({ onText: [answerWithAutoReply], ...bindingHooks, onPostback: onReminderPostback }),
    ...bindingJobs,
    ...reminderJobs,
    ...patientListJobs,
  };
}
