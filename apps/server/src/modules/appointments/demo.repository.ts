// The demo's synthetic Careline history (npm run demo): the past visits it is drawn from, and the
// patients' replies to the reminders of those visits, written as they would have been.
import { sql, type Kysely } from 'kysely';
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
      // 200 visits a statement (one round trip each on PostgreSQL, not one per visit).
      for (let i = 0; i < rows.length; i += 200) {
        const chunk = rows.slice(i, i + 200);
        const ids = chunk.map((r) => r.id);
        const byId = (value: (r: (typeof rows)[number]) => string) =>
          sql<string>`case id ${sql.join(
            chunk.map((r) => sql`when ${r.id} then ${value(r)}`),
            sql` `,
          )} end`;
        await db
          .updateTable('appointments')
          .set({ reply_status: byId((r) => r.replyStatus), reply_status_at: byId((r) => r.at) })
          .where('clinic_id', '=', clinicId)
          .where('id', 'in', ids)
          .where('reply_status', '=', 'not_sent')
          .execute();
      }
    },
  };
}
