// Job definitions of questionnaires (registered in src/jobs.ts).
import { defineJob, type JobDefinition } from '../../platform/jobs.ts';
import { deliverQuestionnaire, QUESTIONNAIRE_DELIVER } from './service.ts';

export { questionnaireOnOutcome } from './service.ts';

/** One recipient row's message (quiet hours, cap and retry key in deliverQuestionnaire). */
export const QUESTIONNAIRE_DELIVER_JOB = defineJob({
  ...QUESTIONNAIRE_DELIVER,
  handler: (job, deps) => deliverQuestionnaire(deps, job.payload.clinicId, job.payload.recipientId),
});

export const questionnaireJobs: JobDefinition[] = [QUESTIONNAIRE_DELIVER_JOB];
