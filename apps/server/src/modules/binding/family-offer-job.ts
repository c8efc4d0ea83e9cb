// The job type that offers a newly added (or newly phoned) patient to the LINE users who proved
// the same mobile number. Declared apart from its handler (family.ts) so that the patients module
// can enqueue it without importing binding's services.
import { Type } from 'typebox';
import { jobType } from '../../platform/jobs.ts';

export const FAMILY_OFFER_JOB = jobType({
  type: 'binding.family_offer',
  payload: Type.Object({ patientId: Type.String() }),
  defaults: { maxAttempts: 8 },
});
