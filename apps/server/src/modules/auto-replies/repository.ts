// SQL of the automatic replies. Every method takes the clinic id.
import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { AutoRepliesTable } from './tables.ts';

type Row = Selectable<AutoRepliesTable>;

export function autoReplyRepository(db: Kysely<DB>) {
  return {
    list: (clinicId: string) =>
      db
        .selectFrom('auto_replies')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .orderBy('priority', 'desc')
        .orderBy('created_at')
        .execute(),
    enabled: (clinicId: string) =>
      db.selectFrom('auto_replies').selectAll().where('clinic_id', '=', clinicId).where('enabled', '=', 1).execute(),
    get: (clinicId: string, id: string) =>
      db
        .selectFrom('auto_replies')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    insert: (row: Row) => db.insertInto('auto_replies').values(row).execute(),
    update: (clinicId: string, id: string, patch: Partial<Row>) =>
      db.updateTable('auto_replies').set(patch).where('clinic_id', '=', clinicId).where('id', '=', id).execute(),
    remove: (clinicId: string, id: string) =>
      db.deleteFrom('auto_replies').where('clinic_id', '=', clinicId).where('id', '=', id).executeTakeFirst(),
    hit: (clinicId: string, id: string) =>
      db
        .updateTable('auto_replies')
        .set((eb) => ({ hits: eb('hits', '+', 1) }))
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .execute(),
  };
}
