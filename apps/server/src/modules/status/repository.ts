// SQL of the lights feed (status_changes). Every method takes the clinic id.
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { StatusChangesTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type NewStatusChange = Insertable<StatusChangesTable>;

export function statusChangeRepository(db: Db) {
  return {
    insert: async (row: NewStatusChange): Promise<number> =>
      Number((await db.insertInto('status_changes').values(row).returning('id').executeTakeFirstOrThrow()).id),
    /** One multi-row insert per 300 rows, in order, so their ids (the cursors) follow `rows`. */
    async insertMany(rows: NewStatusChange[]): Promise<void> {
      for (let i = 0; i < rows.length; i += 300)
        await db
          .insertInto('status_changes')
          .values(rows.slice(i, i + 300))
          .execute();
    },
    /** `insertMany` returning the new ids, in the order of `rows` (serial ids follow the insert order). */
    async insertManyReturningIds(rows: NewStatusChange[]): Promise<number[]> {
      const ids: number[] = [];
      for (let i = 0; i < rows.length; i += 300) {
        const part = await db
          .insertInto('status_changes')
          .values(rows.slice(i, i + 300))
          .returning('id')
          .execute();
        ids.push(...part.map((r) => Number(r.id)).sort((a, b) => a - b));
      }
      return ids;
    },
    /** Changes after `afterId`, oldest first (the (clinic_id, id) index). */
    after: (clinicId: string, afterId: number, limit: number) =>
      db
        .selectFrom('status_changes')
        .select([
          'id',
          'subject',
          'subject_his_id',
          'patient_his_id',
          'light',
          'from_value',
          'to_value',
          'source',
          'reason',
          'created_at',
        ])
        .where('clinic_id', '=', clinicId)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(limit)
        .execute(),
  };
}
