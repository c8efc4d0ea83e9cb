// SQL on LINE bindings that the patients and recalls modules need. Every method takes the clinic id.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { LineBindingsTable } from './tables.ts';

type Db = Kysely<DB> | Transaction<DB>;

export function bindingForPatientsRepository(db: Db) {
  return {
    ofPatients: (clinicId: string, patientIds: string[]) =>
      db
        .selectFrom('line_bindings')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('patient_id', 'in', patientIds)
        .execute(),
    insertIgnore: async (row: Selectable<LineBindingsTable>) =>
      Number(
        (
          await db
            .insertInto('line_bindings')
            .values(row)
            .onConflict((oc) => oc.doNothing())
            .executeTakeFirst()
        ).numInsertedOrUpdatedRows ?? 0,
      ) > 0,
    ofUserAndPatient: (clinicId: string, lineUserId: string, patientId: string) =>
      db
        .selectFrom('line_bindings')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('line_user_id', '=', lineUserId)
        .where('patient_id', '=', patientId)
        .executeTakeFirst(),
    remove: (clinicId: string, patientId: string, lineUserId?: string) => {
      let q = db.deleteFrom('line_bindings').where('clinic_id', '=', clinicId).where('patient_id', '=', patientId);
      if (lineUserId) q = q.where('line_user_id', '=', lineUserId);
      return q.execute();
    },
  };
}
