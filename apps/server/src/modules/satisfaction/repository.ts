// SQL on the satisfaction tables (settings, surveys, the log of asks). Every method takes the
// clinic id.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { SatisfactionAsksTable, SatisfactionSettingsTable, SatisfactionSurveysTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type SettingsRow = Selectable<SatisfactionSettingsTable>;
export type SurveyRow = Selectable<SatisfactionSurveysTable>;
export type AskRow = Selectable<SatisfactionAsksTable>;

export type ReportFilter = {
  from: string;
  to: string;
  doctorId?: string;
  visitType?: string;
};

export function satisfactionRepository(db: Db) {
  const changed = (r: { numUpdatedRows: bigint }) => Number(r.numUpdatedRows) > 0;
  return {
    settings: (clinicId: string) =>
      db.selectFrom('satisfaction_settings').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    async saveSettings(row: SettingsRow) {
      await db
        .insertInto('satisfaction_settings')
        .values(row)
        .onConflict((oc) => oc.column('clinic_id').doUpdateSet({ ...row }))
        .execute();
    },

    /** Inserts a survey unless the visit has one; false when it had. */
    async insertOnce(row: SurveyRow): Promise<boolean> {
      const r = await db
        .insertInto('satisfaction_surveys')
        .values(row)
        .onConflict((oc) => oc.columns(['clinic_id', 'appointment_id']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    get: (clinicId: string, id: string) =>
      db
        .selectFrom('satisfaction_surveys')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    byAppointment: (clinicId: string, appointmentId: string) =>
      db
        .selectFrom('satisfaction_surveys')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('appointment_id', '=', appointmentId)
        .executeTakeFirst(),
    /** Updates a survey while it still has `status`; false when it moved meanwhile. */
    async moveFrom(clinicId: string, id: string, status: string, patch: Partial<SurveyRow>) {
      return changed(
        await db
          .updateTable('satisfaction_surveys')
          .set(patch)
          .where('clinic_id', '=', clinicId)
          .where('id', '=', id)
          .where('status', '=', status)
          .executeTakeFirst(),
      );
    },
    /** Records the stars once: false when the survey had them already. */
    async answer(clinicId: string, id: string, patch: Partial<SurveyRow>) {
      return changed(
        await db
          .updateTable('satisfaction_surveys')
          .set({ ...patch, status: 'answered' })
          .where('clinic_id', '=', clinicId)
          .where('id', '=', id)
          .where('stars', 'is', null)
          .executeTakeFirst(),
      );
    },
    /** Records the comment once: false when the survey had one already. */
    async comment(clinicId: string, id: string, patch: Partial<SurveyRow>) {
      return changed(
        await db
          .updateTable('satisfaction_surveys')
          .set(patch)
          .where('clinic_id', '=', clinicId)
          .where('id', '=', id)
          .where('comment', 'is', null)
          .executeTakeFirst(),
      );
    },
    setCase: (clinicId: string, id: string, c: { id: string; number: string }) =>
      db
        .updateTable('satisfaction_surveys')
        .set({ case_id: c.id, case_number: c.number })
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .execute(),
    /** Whether the patient has a survey waiting to be sent (another visit's). */
    async scheduledOf(clinicId: string, patientId: string, exceptId: string | null) {
      let q = db
        .selectFrom('satisfaction_surveys')
        .select('id')
        .where('clinic_id', '=', clinicId)
        .where('patient_id', '=', patientId)
        .where('status', '=', 'scheduled');
      if (exceptId) q = q.where('id', '!=', exceptId);
      return !!(await q.limit(1).executeTakeFirst());
    },
    /** The newest low-star answer of a LINE user since `since` still without a comment. */
    awaitingComment: (clinicId: string, lineUserId: string, since: string) =>
      db
        .selectFrom('satisfaction_surveys')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', '=', lineUserId)
        .where('answered_at', '>=', since)
        .where('stars', '<=', 3)
        .where('comment', 'is', null)
        .orderBy('answered_at', 'desc')
        .limit(1)
        .executeTakeFirst(),

    async lastAsked(clinicId: string, patientId: string, before: string) {
      const r = await db
        .selectFrom('satisfaction_asks')
        .select('asked_at')
        .where('clinic_id', '=', clinicId)
        .where('patient_id', '=', patientId)
        .where('asked_at', '<=', before)
        .orderBy('asked_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r?.asked_at ?? null;
    },
    insertAsk: (row: AskRow) =>
      db
        .insertInto('satisfaction_asks')
        .values(row)
        .onConflict((oc) => oc.columns(['clinic_id', 'source', 'ref_id']).doNothing())
        .execute(),

    /** Surveys sent in [from, to) for the dashboard and the export, oldest first. */
    sentIn(clinicId: string, f: ReportFilter, limit: number) {
      let q = db
        .selectFrom('satisfaction_surveys')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('sent_at', '>=', f.from)
        .where('sent_at', '<', f.to);
      if (f.doctorId) q = q.where('doctor_id', '=', f.doctorId);
      if (f.visitType) q = q.where('visit_type', '=', f.visitType);
      return q.orderBy('sent_at').orderBy('id').limit(limit).execute();
    },
  };
}
