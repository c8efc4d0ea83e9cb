// What the patients and recalls modules ask of appointments: the visit summary kept on the
// patient row, the appointments on the patient page, moving appointments between patients
// when they are merged (and back), and the visits that make a recall due. `db` is the
// caller's transaction when it has one.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Visits } from '../patients/repository.ts';
import { labelOf } from '../status/lights.ts';
import { patientAppointmentRepository } from './for-patients.repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Last visit, next booking and no-show count of each patient that has appointments. */
export async function visitSummaries(
  db: Db,
  clinicId: string,
  patientIds: string[],
  nowIso: string,
): Promise<Map<string, Visits>> {
  if (!patientIds.length) return new Map();
  const rows = await patientAppointmentRepository(db).visitStats(clinicId, patientIds, nowIso);
  return new Map(rows.map((r) => [r.patient_id, { last: r.last, next: r.next, noShows: Number(r.no_shows ?? 0) }]));
}

export const patientsWithAppointments = (db: Db, clinicId: string): Promise<string[]> =>
  patientAppointmentRepository(db).patientsWithAppointments(clinicId);

/** A patient's appointments, newest first (the patient page). */
export async function appointmentsOfPatient(db: Db, clinicId: string, patientId: string, limit = 50) {
  const rows = await patientAppointmentRepository(db).ofPatient(clinicId, patientId, limit);
  return rows.map((a) => ({
    id: a.id,
    hisId: a.his_id,
    startsAt: a.starts_at,
    startsAtLocal: a.starts_at_local,
    visitType: a.visit_type,
    status: a.status,
    statusLabel: labelOf('status', a.status) ?? a.status,
    doctorName: a.doctor_name ?? '',
  }));
}

export const appointmentIdsOfPatient = (db: Db, clinicId: string, patientId: string): Promise<string[]> =>
  patientAppointmentRepository(db).idsOfPatient(clinicId, patientId);

/** Moves a patient's appointments (only `ids`, when given) to another patient. */
export async function moveAppointments(
  db: Db,
  clinicId: string,
  fromPatientId: string,
  toPatientId: string,
  nowIso: string,
  ids?: string[],
): Promise<void> {
  if (ids && !ids.length) return;
  await patientAppointmentRepository(db).setPatient(clinicId, fromPatientId, toPatientId, nowIso, ids);
}

/** The HIS's ids of these appointments (at most the first 500). */
export async function appointmentHisIds(db: Db, clinicId: string, ids: string[]): Promise<string[]> {
  return ids.length ? patientAppointmentRepository(db).hisIds(clinicId, ids.slice(0, 500)) : [];
}

/**
 * Patients whose last visit of `visitType` (any, when null) is at or before `cutoff` and who
 * have not come or booked since.
 */
export const lastVisitsWithoutReturn = (db: Db, clinicId: string, visitType: string | null, cutoff: string) =>
  patientAppointmentRepository(db).lastVisitsWithoutReturn(clinicId, visitType, cutoff);
