// What 看診進度 asks of appointments: the visit a check-in names (by the HIS's appointment id)
// and the current status of checked-in visits (no notice for one completed or cancelled
// meanwhile). `db` is the caller's transaction when it has one.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { appointmentRepository } from './repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type QueueAppointment = { id: string; hisId: string; patientId: string; doctorId: string; status: string };

const toQueueAppointment = (r: {
  id: string;
  his_id: string;
  patient_id: string;
  doctor_id: string;
  status: string;
}): QueueAppointment => ({
  id: r.id,
  hisId: r.his_id,
  patientId: r.patient_id,
  doctorId: r.doctor_id,
  status: r.status,
});

/** One appointment by the HIS's appointment id, or null. */
export async function appointmentForQueue(db: Db, clinicId: string, hisId: string): Promise<QueueAppointment | null> {
  const r = await appointmentRepository(db).byHisId(clinicId, hisId);
  return r ? toQueueAppointment(r) : null;
}

/** Appointments by internal id, in no particular order. */
export async function appointmentsForQueue(db: Db, clinicId: string, ids: string[]): Promise<QueueAppointment[]> {
  return ids.length ? (await appointmentRepository(db).byIds(clinicId, ids)).map(toQueueAppointment) : [];
}
