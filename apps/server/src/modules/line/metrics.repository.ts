// SQL for the 客服成效 figures (metrics.ts): the message log of a period, small columns only.
// Every method takes the clinic id.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export type MetricRow = { line_user_id: string; direction: string; kind: string; source: string; created_at: string };

export function lineMetricsRepository(db: Kysely<DB>) {
  return {
    /** Messages in and out in [from, to), per user in time order (pushes to a phone number left out). */
    messagesBetween: (clinicId: string, from: string, to: string): Promise<MetricRow[]> =>
      db
        .selectFrom('line_messages')
        .select(['line_user_id', 'direction', 'kind', 'source', 'created_at'])
        .where('clinic_id', '=', clinicId)
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .where('line_user_id', '<>', '')
        .orderBy('line_user_id')
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
  };
}
