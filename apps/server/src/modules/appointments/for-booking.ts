// What the booking module asks of appointments (`db` is the caller's transaction when it has one).
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { heldStarts, noShowCounts } from './for-booking.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Visits that hold a slot, per doctor: `doctorId → start instants (ISO)` in [from, to). */
export async function heldSlotStarts(
  db: Db,
  clinicId: string,
  doctorIds: string[],
  from: string,
  to: string,
): Promise<{ doctorId: string; startsAt: string }[]> {
  const rows = await heldStarts(db, clinicId, doctorIds, from, to);
  return rows.map((r) => ({ doctorId: r.doctor_id, startsAt: r.starts_at }));
}

/** No-shows per patient of visits that started in [from, to); patients without any are left out. */
export async function noShowsOf(
  db: Db,
  clinicId: string,
  patientIds: string[],
  from: string,
  to: string,
): Promise<Map<string, number>> {
  const rows = await noShowCounts(db, clinicId, patientIds, from, to);
  return new Map(rows.map((r) => [r.patient_id, Number(r.n)]));
}
