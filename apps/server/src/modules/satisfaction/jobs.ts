// Job definitions of satisfaction surveys (registered in src/jobs.ts): a survey's send.
import { defineJob, type JobDefinition } from '../../platform/jobs.ts';
import { sendSurvey, SURVEY_SEND } from './service.ts';

export const SURVEY_SEND_JOB = defineJob({
  ...SURVEY_SEND,
  async handler(job, deps) {
    if (!job.clinicId) return;
    await sendSurvey(deps, job.clinicId, job.payload.surveyId);
  },
});

export const satisfactionJobs: JobDefinition[] = [SURVEY_SEND_JOB];
export { onSurveyPostback, surveyCommentFromText } from './hooks.ts';
export { surveyOnOutcome } from './service.ts';
