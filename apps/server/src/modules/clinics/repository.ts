import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ClinicsTable } from '../../db/tables.ts';

export type ClinicRow = Selectable<ClinicsTable>;

export function clinicRepository(db: Kysely<DB>) {
  return {
    get: (clinicId: string) => db.selectFrom('clinics').selectAll().where('id', '=', clinicId).executeTakeFirst(),
    list: () => db.selectFrom('clinics').selectAll().where('sandbox_of', 'is', null).orderBy('created_at').execute(),
    insert: (row: ClinicRow) => db.insertInto('clinics').values(row).execute(),
    update: (clinicId: string, patch: Partial<ClinicRow>) =>
      db.updateTable('clinics').set(patch).where('id', '=', clinicId).execute(),
  };
}
