// SQL of the HIS's doctors. Every method takes the clinic id.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { DoctorsTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;

const CHUNK = 400;
const chunks = <T>(xs: T[]): T[][] =>
  Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, i * CHUNK + CHUNK));

export function doctorRepository(db: Db) {
  return {
    byHisId: (clinicId: string, hisId: string) =>
      db
        .selectFrom('doctors')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('his_id', '=', hisId)
        .executeTakeFirst(),
    byId: (clinicId: string, id: string) =>
      db.selectFrom('doctors').selectAll().where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst(),
    async byHisIds(clinicId: string, hisIds: string[]) {
      const out: DoctorsTable[] = [];
      for (const part of chunks([...new Set(hisIds)]))
        out.push(
          ...(await db
            .selectFrom('doctors')
            .selectAll()
            .where('clinic_id', '=', clinicId)
            .where('his_id', 'in', part)
            .execute()),
        );
      return out;
    },
    async byIds(clinicId: string, ids: string[]) {
      const out: DoctorsTable[] = [];
      for (const part of chunks([...new Set(ids)]))
        out.push(
          ...(await db
            .selectFrom('doctors')
            .selectAll()
            .where('clinic_id', '=', clinicId)
            .where('id', 'in', part)
            .execute()),
        );
      return out;
    },
    list: (clinicId: string, opts: { activeOnly?: boolean } = {}) => {
      let q = db.selectFrom('doctors').selectAll().where('clinic_id', '=', clinicId);
      if (opts.activeOnly) q = q.where('active', '=', 1);
      return q.orderBy('his_id').execute();
    },
    insert: (row: DoctorsTable) => db.insertInto('doctors').values(row).execute(),
    update: (clinicId: string, id: string, patch: Partial<DoctorsTable>) =>
      db.updateTable('doctors').set(patch).where('clinic_id', '=', clinicId).where('id', '=', id).execute(),
  };
}
