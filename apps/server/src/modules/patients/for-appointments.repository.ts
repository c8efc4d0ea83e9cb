// SQL on patients that the appointments module needs: the front desk's "find a patient"
// search of the appointment list. Every method takes the clinic id.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export function appointmentPatientRepository(db: Db) {
  return {
    /** Exact chart number or HIS id. */
    exactIds: (clinicId: string, text: string, limit: number) =>
      db
        .selectFrom('patients')
        .select('id')
        .where('clinic_id', '=', clinicId)
        .where((eb) => eb.or([eb('chart_no', '=', text), eb('his_id', '=', text)]))
        .limit(limit)
        .execute(),
    phoneHashIds: (clinicId: string, hash: string, limit: number) =>
      db
        .selectFrom('patients')
        .select('id')
        .where('clinic_id', '=', clinicId)
        .where('phone_hash', '=', hash)
        .limit(limit)
        .execute(),
    /**
     * The last digits of a phone, or a part of a name: one scan of the clinic's patients (tens
     * of thousands of rows, a few milliseconds). On SQLite `+clinic_id` keeps the planner from
     * walking an index on clinic_id and fetching every row by rowid: a plain scan is ~5× faster.
     */
    scanIds: (
      clinicId: string,
      dialect: 'sqlite' | 'postgres',
      match: { phoneTail: string } | { nameLike: string },
      limit: number,
    ) => {
      const scope = dialect === 'postgres' ? sql<string>`clinic_id` : sql<string>`+clinic_id`;
      let q = db.selectFrom('patients').select('id').where(scope, '=', clinicId);
      if ('phoneTail' in match) {
        const d = match.phoneTail;
        const tail =
          dialect === 'postgres'
            ? sql<string>`right(phone_e164, ${d.length})`
            : sql<string>`substr(phone_e164, ${-d.length})`;
        q = q.where(tail, '=', d);
      } else q = q.where('name', 'like', sql<string>`${match.nameLike} ESCAPE '\\'`);
      return q.limit(limit).execute();
    },
  };
}
