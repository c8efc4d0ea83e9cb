// What the reminder engine asks of appointments: the appointments of a claimed batch or of one
// plan with their patient and doctor (one query each for any number of ids), the ids to replan,
// and the upcoming visits whose reminder still awaits an answer. `db` is the caller's
// transaction when it has one. (A file of its own: the reminder engine cannot import
// appointments/service.ts, which imports the reminder engine's back office.)
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { doctorsByIds } from '../doctors/service.ts';
import { patientsByIds, type PatientRecord } from '../patients/service.ts';
import { appointmentRepository, type AppointmentRow } from './repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type AppointmentToRemind = AppointmentRow & {
  patient: PatientRecord | null;
  doctor: { hisId: string; name: string } | null;
};

async function withPeople(db: Db, clinicId: string, rows: AppointmentRow[]): Promise<AppointmentToRemind[]> {
  if (!rows.length) return [];
  const [patients, doctors] = await Promise.all([
    patientsByIds(db, clinicId, [...new Set(rows.map((r) => r.patient_id))]),
    doctorsByIds(db, clinicId, [...new Set(rows.map((r) => r.doctor_id))]),
  ]);
  const byId = new Map(patients.map((p) => [p.id, p]));
  return rows.map((r) => {
    const d = doctors.get(r.doctor_id);
    return { ...r, patient: byId.get(r.patient_id) ?? null, doctor: d ? { hisId: d.his_id, name: d.name } : null };
  });
}

/** Appointments by internal id with their patient and doctor, in no particular order. */
export async function appointmentsToRemind(db: Db, clinicId: string, ids: string[]): Promise<AppointmentToRemind[]> {
  return ids.length ? withPeople(db, clinicId, await appointmentRepository(db).byIds(clinicId, ids)) : [];
}

/** One appointment by internal id or by the HIS's appointment id, or undefined. */
export async function appointmentByIdOrHisId(
  db: Db,
  clinicId: string,
  id: string,
): Promise<AppointmentRow | undefined> {
  const repo = appointmentRepository(db);
  return (await repo.byId(clinicId, id)) ?? (await repo.byHisId(clinicId, id));
}

/** Ids of the clinic's booked appointments starting after an instant. */
export const bookedAppointmentIdsAfter = (db: Db, clinicId: string, after: string): Promise<string[]> =>
  appointmentRepository(db).bookedIdsAfter(clinicId, after);

/** Booked visits after an instant whose reminder awaits the patient's answer, earliest first, with people. */
export async function awaitingReplyAfter(db: Db, clinicId: string, after: string, limit: number) {
  return withPeople(db, clinicId, await appointmentRepository(db).awaitingReplyAfter(clinicId, after, limit));
}

/** Ids of these patients' booked appointments starting after an instant (a family's other visits). */
export async function bookedAppointmentIdsOfPatients(
  db: Db,
  clinicId: string,
  patientIds: string[],
  after: string,
): Promise<string[]> {
  if (!patientIds.length) return [];
  const rows = await appointmentRepository(db).forPatients(clinicId, { patientIds, since: after });
  return rows.filter((r) => r.status === 'booked' && r.starts_at > after).map((r) => r.id);
}
