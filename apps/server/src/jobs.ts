// Every job type the worker knows, collected from the modules (a type defined twice is an error
// when the worker starts).
import { Type } from 'typebox';
import { defineJob, type JobDefinition } from './platform/jobs.ts';
import { WEBHOOK_JOB } from './modules/webhooks/service.ts';
import { answerWithAutoReply } from './modules/auto-replies/hook.ts';
import { answerWithFaq, onFaqPostback } from './modules/faq/hook.ts';
import { noteIncoming, requestPerson } from './modules/line/conversations.ts';
import { lineEventJob } from './modules/line/events.ts';
import { bindingHooks } from './modules/binding/jobs.ts';
import { familyOfferJobDefinition, onFamilyPostback } from './modules/binding/family.ts';
import { pushJobDefinition } from './modules/line/push.ts';
import { richMenuJobs } from './modules/rich-menus/jobs.ts';
import { SMS_JOB } from './modules/sms/service.ts';
import { reminderJobs, onReminderPostback, onPnpDelivered } from './modules/reminders/jobs.ts';
import { patientJobs } from './modules/patients/jobs.ts';
import { recallJobs, recallPushHooks } from './modules/recalls/jobs.ts';
import { tagJobs } from './modules/tags/jobs.ts';
import { caseJobs, onCasePostback, openComplaintFromText } from './modules/cases/jobs.ts';
import { reminderTextHooks } from './modules/reminder-text/hook.ts';
import { handToPerson } from './modules/line/inbox.ts';
import { appointmentOutcomeJob } from './modules/appointments/outcome.ts';
import { broadcastJobs } from './modules/broadcasts/jobs.ts';
import { NO_SHOW_SEND_JOB, noShowOnOutcome, onFollowUpPostback } from './modules/follow-ups/no-show.ts';
import {
  onSurveyPostback,
  satisfactionJobs,
  surveyCommentFromText,
  surveyOnOutcome,
} from './modules/satisfaction/jobs.ts';
import { CARE_SEND_JOB, careOnOutcome, careOnTagsAdded } from './modules/care-plans/service.ts';
import { onCarePostback } from './modules/care-plans/hook.ts';
import { tagsAddedJob } from './modules/tags/added.ts';
import { questionnaireJobs, questionnaireOnOutcome } from './modules/questionnaires/jobs.ts';
import { googleReviewJobs } from './modules/google-reviews/jobs.ts';
import { bookingJobs } from './modules/booking/jobs.ts';
import { exportJobs } from './modules/export/jobs.ts';
import { onWaitlistPostback, waitlistJobs, waitlistOnOutcome } from './modules/waitlist/offers.ts';
import { reportJobs, reportsOnOutcome } from './modules/reports/rollup.ts';

const reminderText = reminderTextHooks(handToPerson);

const NOOP_JOB = defineJob({ type: 'system.noop', payload: Type.Object({}), handler: async () => {} });

export function jobDefinitions(): JobDefinition[] {
  return [
    NOOP_JOB,
    WEBHOOK_JOB,
    lineEventJob({
      onText: [
        reminderText.answerReminderText,
        requestPerson,
        surveyCommentFromText,
        openComplaintFromText,
        answerWithAutoReply,
        answerWithFaq,
      ],
      afterMessage: noteIncoming,
      ...bindingHooks,
      onPostback: [
        onFamilyPostback,
        onReminderPostback,
        reminderText.onReminderTextPostback,
        onFaqPostback,
        onCasePostback,
        onFollowUpPostback,
        onSurveyPostback,
        onCarePostback,
        onWaitlistPostback,
      ],
      onDelivery: onPnpDelivered,
    }),
    pushJobDefinition({ ...recallPushHooks }),
    familyOfferJobDefinition,
    SMS_JOB,
    ...richMenuJobs,
    ...reminderJobs,
    ...patientJobs,
    ...tagJobs,
    ...recallJobs,
    ...caseJobs,
    // An HIS status change (completed, no_show …) of a visit today or yesterday, or a slot ahead
    // freed (cancelled, moved): care plans, the no-show follow-up, the satisfaction survey and
    // the waitlist plug in here; the reports' hourly roll-up is kept going by it.
    appointmentOutcomeJob({
      onOutcome: [
        careOnOutcome,
        noShowOnOutcome,
        surveyOnOutcome,
        questionnaireOnOutcome,
        waitlistOnOutcome,
        reportsOnOutcome,
      ],
    }),
    NO_SHOW_SEND_JOB,
    ...broadcastJobs,
    ...satisfactionJobs,
    tagsAddedJob({ onTagsAdded: [careOnTagsAdded] }),
    CARE_SEND_JOB,
    ...questionnaireJobs,
    ...googleReviewJobs,
    ...bookingJobs,
    ...exportJobs,
    ...waitlistJobs,
    ...reportJobs,
  ];
}
