// Tags added to patients by staff (the patient page or the list's bulk action): one `tags.added`
// job per assignment, written in the same transaction, whose hooks (wired in jobs.ts: care plans
// triggered by a tag) act on it. Tags added by a patient import or computed by an automatic
// rule do not trigger it (an import or a rule change must not start messages to many patients).
// Hooks must be idempotent (retried together when one throws).
import { Type, type Static } from 'typebox';
import type { Deps } from '../../platform/deps.ts';
import { defineJob, jobType, type JobDefinition } from '../../platform/jobs.ts';

const Payload = Type.Object({ patientIds: Type.Array(Type.String()), tagIds: Type.Array(Type.String()) });
export type TagsAdded = Static<typeof Payload>;
export type TagsAddedHook = (deps: Deps, clinicId: string, a: TagsAdded) => Promise<void>;

export const TAGS_ADDED = jobType({ type: 'tags.added', payload: Payload });

export function tagsAddedJob(hooks: { onTagsAdded: TagsAddedHook[] }): JobDefinition {
  return defineJob({
    ...TAGS_ADDED,
    handler: async (job, deps) => {
      if (!job.clinicId) return;
      let first: unknown = null;
      for (const hook of hooks.onTagsAdded) {
        try {
          await hook(deps, job.clinicId, job.payload);
        } catch (err) {
          first ??= err;
        }
      }
      if (first) throw first;
    },
  });
}
