// Job definitions and LINE event hooks of binding, SMS and rich menus (registered in jobs.ts).
import type { JobDefinition } from '../../platform/jobs.ts';
import type { LineEventHooks } from '../line/events.ts';
import { BULK_LINK_JOB } from '../rich-menus/service.ts';
import { SMS_JOB } from '../sms/service.ts';
import { PUSH_JOB, USER_MENU_JOB } from './push.ts';
import { greeting, onFriendState } from './service.ts';

export const bindingJobs: JobDefinition[] = [SMS_JOB, PUSH_JOB, USER_MENU_JOB, BULK_LINK_JOB];

export const bindingHooks: Pick<LineEventHooks, 'onFriendState' | 'greeting'> = { onFriendState, greeting };
