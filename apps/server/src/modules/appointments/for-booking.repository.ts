// What the booking module asks of appointments: which slots existing visits already hold, and a
// patient's no-shows over a period (the no-show policy).
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Statuses that hold a slot (a cancelled visit or a no-show frees it). */
const HOLDING = ['booked', 'checked_in', 'completed'];

/** Start instants of the visits of these doctors that hold a slot in [from, to). */
export const heldStarts = (db: Db, clinicId: string, doctorIds: string[], from: string, to: string) =>
  doctorIds.length
    ? db
        .selectFrom('appointments')
        .select(['doctor_id', 'starts_at'])
        .where('clinic_id', '=', clinicId)
        .where('doctor_id', 'in', doctorIds)
        .where('starts_at', '>=', from)
        .where('starts_at', '<', to)
        .where('status', 'in', HOLDING)
        .execute()
    : Promise.resolve([]);

/** No-shows of each patient whose visit started in [from, to). */
export const noShowCounts = (db: Db, clinicId: string, patientIds: string[], from: string, to: string) =>
  patientIds.length
    ? db
        .selectFrom('appointments')
        .select(['patient_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('clinic_id', '=', clinicId)
        .where('patient_id', 'in', patientIds)
        .where('status', '=', 'no_show')
        .where('starts_at', '>=', from)
        .where('starts_at', '<', to)
        .groupBy('patient_id')
        .execute()
    : Promise.resolve([]);
