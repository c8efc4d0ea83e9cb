// Job handlers and LINE event hooks of binding, SMS and rich menus (registered in jobs.ts).
import type { JobHandler } from '../../platform/jobs.ts';
import type { LineEventHooks } from '../line/events.ts';
import { BULK_LINK_JOB, bulkLinkJob } from '../rich-menus/service.ts';
import { SMS_JOB, sendSmsJob } from '../sms/service.ts';
import { PUSH_JOB, pushJob, USER_MENU_JOB, userMenuJob } from './push.ts';
import { greeting, onFriendState } from './service.ts';

export const bindingJobs: Record<string, JobHandler> = {
  [SMS_JOB]: sendSmsJob,
  [PUSH_JOB]: pushJob,
  [USER_MENU_JOB]: userMenuJob,
  [BULK_LINK_JOB]: bulkLinkJob,
};

export const bindingHooks: Pick<LineEventHooks, 'onFriendState' | 'greeting'> = { onFriendState, greeting };
