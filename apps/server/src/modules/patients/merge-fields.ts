// The patient fields a merge lets staff choose between the two records (merge.ts, schemas.ts).
export const MERGE_FIELDS = ['name', 'chartNo', 'gender', 'birthDate', 'phone', 'nationalId'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];
