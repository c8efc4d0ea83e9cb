// SQL of the clinic's two rich menus. Every method takes the clinic id.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { RichMenusTable } from './tables.ts';

export function richMenuRepository(db: Kysely<DB>) {
  return {
    get: (clinicId: string, kind: string) =>
      db
        .selectFrom('rich_menus')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('kind', '=', kind)
        .executeTakeFirst(),
    insertIfMissing: (row: RichMenusTable) =>
      db
        .insertInto('rich_menus')
        .values(row)
        .onConflict((oc) => oc.columns(['clinic_id', 'kind']).doNothing())
        .execute(),
    update: (clinicId: string, kind: string, patch: Partial<RichMenusTable>) =>
      db.updateTable('rich_menus').set(patch).where('clinic_id', '=', clinicId).where('kind', '=', kind).execute(),
  };
}
