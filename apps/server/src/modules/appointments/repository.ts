// SQL of appointments and their history. Every method takes the clinic id.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { AppointmentHistoryTable, AppointmentsTable } from './tables.ts';
import type { Insertable } from 'kysely';

type Db = Kysely<DB> | Transaction<DB>;

export type AppointmentRow = AppointmentsTable & { patient_his_id: string; doctor_his_id: string; line_status: string };

const CHUNK = 400;
const chunks = <T>(xs: T[], n = CHUNK): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

export function appointmentRepository(db: Db) {
  const base = () =>
    db
      .selectFrom('appointments')
      .innerJoin('patients', 'patients.id', 'appointments.patient_id')
      .innerJoin('doctors', 'doctors.id', 'appointments.doctor_id')
      .selectAll('appointments')
      .select(['patients.his_id as patient_his_id', 'patients.line_status', 'doctors.his_id as doctor_his_id']);
  return {
    base,
    async byHisIds(clinicId: string, hisIds: string[], forUpdate: boolean): Promise<AppointmentRow[]> {
      const out: AppointmentRow[] = [];
      // Sorted, and locked in his_id order, so concurrent writers take row locks in the same order.
      for (const part of chunks([...hisIds].sort())) {
        let q = base().where('appointments.clinic_id', '=', clinicId).where('appointments.his_id', 'in', part);
        if (forUpdate) q = q.orderBy('appointments.his_id').forUpdate('appointments');
        out.push(...((await q.execute()) as AppointmentRow[]));
      }
      return out.map((r) => ({ ...r, version: Number(r.version) }));
    },
    async get(clinicId: string, hisId: string): Promise<AppointmentRow | undefined> {
      const r = await base()
        .where('appointments.clinic_id', '=', clinicId)
        .where('appointments.his_id', '=', hisId)
        .executeTakeFirst();
      return r ? ({ ...r, version: Number(r.version) } as AppointmentRow) : undefined;
    },
    async getById(clinicId: string, id: string): Promise<AppointmentRow | undefined> {
      const r = await base()
        .where('appointments.clinic_id', '=', clinicId)
        .where('appointments.id', '=', id)
        .executeTakeFirst();
      return r ? ({ ...r, version: Number(r.version) } as AppointmentRow) : undefined;
    },
    async refs(clinicId: string, table: 'patients' | 'doctors', hisIds: string[]) {
      const out: { id: string; his_id: string; line_status?: string }[] = [];
      for (const part of chunks(hisIds)) {
        // A patient merged away in the back office stands for the surviving patient: the HIS may
        // still send its old patient id, and the appointment must stay with the survivor.
        if (table === 'patients') {
          out.push(
            ...(await db
              .selectFrom('patients as p')
              .leftJoin('patient_profiles as pp', (j) =>
                j.onRef('pp.patient_id', '=', 'p.id').on('pp.merged_into', 'is not', null),
              )
              .leftJoin('patients as s', (j) =>
                j.onRef('s.id', '=', 'pp.merged_into').onRef('s.clinic_id', '=', 'p.clinic_id'),
              )
              .select((eb) => [
                eb.fn.coalesce('s.id', 'p.id').as('id'),
                'p.his_id',
                eb.fn.coalesce('s.line_status', 'p.line_status').as('line_status'),
              ])
              .where('p.clinic_id', '=', clinicId)
              .where('p.his_id', 'in', part)
              .execute()),
          );
        } else
          out.push(
            ...(await db
              .selectFrom('doctors')
              .select(['id', 'his_id'])
              .where('clinic_id', '=', clinicId)
              .where('his_id', 'in', part)
              .execute()),
          );
      }
      return out;
    },
    async insertMany(rows: AppointmentsTable[]) {
      for (const part of chunks(rows, 200)) await db.insertInto('appointments').values(part).execute();
    },
    async update(clinicId: string, id: string, patch: Partial<AppointmentsTable>) {
      await db.updateTable('appointments').set(patch).where('clinic_id', '=', clinicId).where('id', '=', id).execute();
    },
    async insertHistory(rows: Insertable<AppointmentHistoryTable>[]) {
      for (const part of chunks(rows, 300)) await db.insertInto('appointment_history').values(part).execute();
    },
    /** Appointments with their doctor's name, by id or by patient (a patient's own view of them). */
    forPatients: (clinicId: string, by: { ids?: string[]; patientIds?: string[]; since?: string }, limit = 1000) => {
      let q = db
        .selectFrom('appointments')
        .innerJoin('doctors', 'doctors.id', 'appointments.doctor_id')
        .select([
          'appointments.id',
          'appointments.patient_id',
          'appointments.starts_at',
          'appointments.status',
          'appointments.reply_status',
          'appointments.visit_type',
          'doctors.name as doctor_name',
        ])
        .where('appointments.clinic_id', '=', clinicId);
      if (by.ids) q = q.where('appointments.id', 'in', by.ids.length ? by.ids : ['-']);
      if (by.patientIds) q = q.where('appointments.patient_id', 'in', by.patientIds.length ? by.patientIds : ['-']);
      if (by.since) q = q.where('appointments.starts_at', '>=', by.since);
      return q.orderBy('appointments.starts_at').limit(limit).execute();
    },
    history: (clinicId: string, appointmentId: string) =>
      db
        .selectFrom('appointment_history')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('appointment_id', '=', appointmentId)
        .orderBy('id')
        .execute(),
  };
}
