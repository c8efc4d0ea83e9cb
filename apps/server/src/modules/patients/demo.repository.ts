// The demo's synthetic Careline history (npm run demo): the patients' contact columns it draws
// from, and the LINE light of the patients it binds.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export function patientDemoRepository(db: Kysely<DB>) {
  return {
    contacts: (clinicId: string) =>
      db
        .selectFrom('patients')
        .select(['id', 'phone_e164', 'phone_is_mobile', 'phone_hash', 'line_status'])
        .where('clinic_id', '=', clinicId)
        .orderBy('his_id')
        .execute(),
    /** Marks patients bound since their binding's instant (the caller's transaction). */
    async markBound(clinicId: string, rows: { id: string; at: string }[]) {
      for (const r of rows)
        await db
          .updateTable('patients')
          .set({ line_status: 'bound', line_status_at: r.at })
          .where('clinic_id', '=', clinicId)
          .where('id', '=', r.id)
          .execute();
    },
  };
}
