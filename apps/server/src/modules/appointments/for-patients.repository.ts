// SQL on appointments that the patients and recalls modules need: a patient's visit summary,
// the appointments listed on the patient page, moving a merged patient's appointments to the
// survivor (and back on undo), and the visits a recall rule makes due. Every method takes the
// clinic id.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export function patientAppointmentRepository(db: Db) {
  return {
    /** Last visit (completed or checked in, not in the future), next booking and no-shows per patient. */
    visitStats: (clinicId: string, patientIds: string[], nowIso: string) =>
      db
        .selectFrom('appointments')
        .select([
          'patient_id',
          sql<
            string | null
          >`max(case when starts_at <= ${nowIso} and status in ('completed','checked_in') then starts_at end)`.as(
            'last',
          ),
          sql<string | null>`min(case when starts_at > ${nowIso} and status = 'booked' then starts_at end)`.as('next'),
          sql<number>`sum(case when status = 'no_show' then 1 else 0 end)`.as('no_shows'),
        ])
        .where('clinic_id', '=', clinicId)
        .where('patient_id', 'in', patientIds)
        .groupBy('patient_id')
        .execute(),
    patientsWithAppointments: async (clinicId: string) =>
      (
        await db.selectFrom('appointments').select('patient_id').distinct().where('clinic_id', '=', clinicId).execute()
      ).map((r) => r.patient_id),
    ofPatient: (clinicId: string, patientId: string, limit: number) =>
      db
        .selectFrom('appointments as a')
        .leftJoin('doctors as d', 'd.id', 'a.doctor_id')
        .select([
          'a.id',
          'a.his_id',
          'a.starts_at',
          'a.starts_at_local',
          'a.visit_type',
          'a.status',
          'a.reply_status',
          'd.name as doctor_name',
        ])
        .where('a.clinic_id', '=', clinicId)
        .where('a.patient_id', '=', patientId)
        .orderBy('a.starts_at', 'desc')
        .limit(limit)
        .execute(),
    idsOfPatient: async (clinicId: string, patientId: string) =>
      (
        await db
          .selectFrom('appointments')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('patient_id', '=', patientId)
          .execute()
      ).map((r) => r.id),
    setPatient: (clinicId: string, fromPatientId: string, toPatientId: string, nowIso: string, ids?: string[]) => {
      let q = db
        .updateTable('appointments')
        .set({ patient_id: toPatientId, updated_at: nowIso })
        .where('clinic_id', '=', clinicId)
        .where('patient_id', '=', fromPatientId);
      if (ids) q = q.where('id', 'in', ids);
      return q.execute();
    },
    hisIds: async (clinicId: string, ids: string[]) =>
      (
        await db
          .selectFrom('appointments')
          .select('his_id')
          .where('clinic_id', '=', clinicId)
          .where('id', 'in', ids)
          .execute()
      ).map((r) => r.his_id),
    /**
     * Patients whose last visit (completed or checked in; of `visitType` when given) is on or
     * before `cutoff`, with no booking or visit after it.
     */
    async lastVisitsWithoutReturn(clinicId: string, visitType: string | null, cutoff: string) {
      let q = db
        .selectFrom('appointments')
        .select(['patient_id', sql<string>`max(starts_at)`.as('last')])
        .where('clinic_id', '=', clinicId)
        .where('status', 'in', ['completed', 'checked_in']);
      if (visitType) q = q.where('visit_type', '=', visitType);
      const rows = await q
        .groupBy('patient_id')
        .having(sql`max(starts_at)`, '<=', cutoff)
        .execute();
      const out: { patient_id: string; last: string }[] = [];
      for (const d of rows) {
        const later = await db
          .selectFrom('appointments')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('patient_id', '=', d.patient_id)
          .where('starts_at', '>', d.last)
          .where('status', 'in', ['booked', 'checked_in', 'completed'])
          .executeTakeFirst();
        if (!later) out.push(d);
      }
      return out;
    },
  };
}
