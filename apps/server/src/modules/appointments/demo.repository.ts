// The demo's synthetic Careline history (npm run demo): the past visits it is drawn from, and the
// patients' replies to the reminders of those visits, written as they would have been.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export function appointmentDemoRepository(db: Kysely<DB>) {
  return {
    /** Visits starting in [from, to), oldest first. */
    visitsBetween: (clinicId: string, from: string, to: string) =>
      db
        .selectFrom('appointments')
        .select(['id', 'patient_id', 'starts_at', 'status', 'version', 'visit_type', 'reply_status'])
        .where('clinic_id', '=', clinicId)
        .where('starts_at', '>=', from)
        .where('starts_at', '<', to)
        .orderBy('starts_at')
        .orderBy('id')
        .execute(),
    /** Patients with a visit starting at or after an instant (today's and upcoming ones). */
    async patientsVisitingFrom(clinicId: string, from: string): Promise<Set<string>> {
      const rows = await db
        .selectFrom('appointments')
        .select('patient_id')
        .distinct()
        .where('clinic_id', '=', clinicId)
        .where('starts_at', '>=', from)
        .execute();
      return new Set(rows.map((r) => r.patient_id));
    },
    /** Sets the reply of past visits that still say `not_sent` (never a visit someone already touched). */
    async setReplies(clinicId: string, rows: { id: string; replyStatus: string; at: string }[]) {
      for (const r of rows)
        await db
          .updateTable('appointments')
          .set({ reply_status: r.replyStatus, reply_status_at: r.at })
          .where('clinic_id', '=', clinicId)
          .where('id', '=', r.id)
          .where('reply_status', '=', 'not_sent')
          .execute();
    },
  };
}
