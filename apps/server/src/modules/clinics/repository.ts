// The only place SQL runs on clinics.
import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ClinicsTable } from './tables.ts';

export type ClinicRow = Selectable<ClinicsTable>;

export function clinicRepository(db: Kysely<DB>) {
  return {
    get: (clinicId: string) => db.selectFrom('clinics').selectAll().where('id', '=', clinicId).executeTakeFirst(),
    timeZone: (clinicId: string) =>
      db.selectFrom('clinics').select('time_zone').where('id', '=', clinicId).executeTakeFirst(),
    activeIds: () => db.selectFrom('clinics').select('id').where('status', '=', 'active').execute(),
    list: () => db.selectFrom('clinics').selectAll().where('sandbox_of', 'is', null).orderBy('created_at').execute(),
    /** The clinic's sandbox (the first clinic whose sandbox_of is this clinic), or undefined. */
    sandboxOf: (clinicId: string) =>
      db.selectFrom('clinics').select('id').where('sandbox_of', '=', clinicId).orderBy('created_at').executeTakeFirst(),
    insert: (row: ClinicRow) => db.insertInto('clinics').values(row).execute(),
    update: (clinicId: string, patch: Partial<ClinicRow>) =>
      db.updateTable('clinics').set(patch).where('id', '=', clinicId).execute(),
  };
}
