// SQL of the HIS connection state (his_sync). Every method takes the clinic id.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export function hisSyncRepository(db: Db) {
  return {
    get: (clinicId: string) =>
      db.selectFrom('his_sync').selectAll().where('clinic_id', '=', clinicId).executeTakeFirst(),
    start: (clinicId: string, at: string) =>
      db
        .insertInto('his_sync')
        .values({ clinic_id: clinicId, started_at: at, ended_at: null, ended_by: null })
        .onConflict((oc) => oc.column('clinic_id').doNothing())
        .execute(),
    end: (clinicId: string, at: string, by: string) =>
      db
        .updateTable('his_sync')
        .set({ ended_at: at, ended_by: by })
        .where('clinic_id', '=', clinicId)
        .where('ended_at', 'is', null)
        .execute(),
  };
}
