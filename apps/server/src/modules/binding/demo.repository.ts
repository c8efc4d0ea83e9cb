// The demo's synthetic Careline history (npm run demo): past bindings, inserted in batches.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { LineBindingsTable } from './tables.ts';

export function bindingDemoRepository(db: Kysely<DB>) {
  return {
    existing: (clinicId: string) =>
      db.selectFrom('line_bindings').select(['patient_id', 'line_user_id']).where('clinic_id', '=', clinicId).execute(),
    async insert(rows: LineBindingsTable[]) {
      for (let i = 0; i < rows.length; i += 200)
        await db
          .insertInto('line_bindings')
          .values(rows.slice(i, i + 200))
          .onConflict((oc) => oc.columns(['clinic_id', 'line_user_id', 'patient_id']).doNothing())
          .execute();
    },
  };
}
