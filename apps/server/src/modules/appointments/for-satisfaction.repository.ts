// What the satisfaction module asks of appointments: the visits completed in a period (the demo
// clinic's past survey answers are drawn from them).
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Visits with status completed that started in [from, to), oldest first. */
export const completedVisitsBetween = (db: Db, clinicId: string, from: string, to: string, limit: number) =>
  db
    .selectFrom('appointments')
    .select(['id', 'patient_id', 'doctor_id', 'visit_type', 'starts_at'])
    .where('clinic_id', '=', clinicId)
    .where('status', '=', 'completed')
    .where('starts_at', '>=', from)
    .where('starts_at', '<', to)
    .orderBy('starts_at')
    .limit(limit)
    .execute();
