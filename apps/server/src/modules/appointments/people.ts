// An appointment's patient and doctor, read through their owners for a page of appointments
// (one query each, whatever the page size).
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../platform/deps.ts';
import { doctorsByIds } from '../doctors/service.ts';
import { patientsByIds, type PatientRecord } from '../patients/service.ts';
import type { AppointmentRow } from './repository.ts';

export type AppointmentWithPeople = AppointmentRow & {
  patient: PatientRecord | null;
  doctor: { hisId: string; name: string; department: string | null };
};

export async function withPeople(
  db: Deps['db'] | Transaction<DB>,
  clinicId: string,
  rows: AppointmentRow[],
): Promise<AppointmentWithPeople[]> {
  const [patients, doctors] = await Promise.all([
    patientsByIds(
      db,
      clinicId,
      rows.map((r) => r.patient_id),
    ),
    doctorsByIds(
      db,
      clinicId,
      rows.map((r) => r.doctor_id),
    ),
  ]);
  const byId = new Map(patients.map((p) => [p.id, p]));
  return rows.map((r) => {
    const d = doctors.get(r.doctor_id);
    return {
      ...r,
      patient: byId.get(r.patient_id) ?? null,
      doctor: { hisId: d?.his_id ?? '', name: d?.name ?? '', department: d?.department ?? null },
    };
  });
}
