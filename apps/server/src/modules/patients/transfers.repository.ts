// SQL of imports and exports (patient_transfers) and the rows an export writes. Every method
// takes the clinic id.
import type { Selectable } from 'kysely';
import type { Db } from './repository.ts';
import type { PatientTransfersTable } from './tables.ts';

export type TransferRow = Selectable<PatientTransfersTable>;

export function transferRepository(db: Db) {
  return {
    insert: (row: TransferRow) => db.insertInto('patient_transfers').values(row).execute(),
    /** Everything but the file content. */
    get: (clinicId: string, id: string) =>
      db
        .selectFrom('patient_transfers')
        .select([
          'id',
          'kind',
          'format',
          'filename',
          'status',
          'total',
          'processed',
          'imported',
          'failed',
          'errors',
          'created_at',
          'updated_at',
          'params',
          'created_by',
        ])
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    withData: (clinicId: string, id: string) =>
      db
        .selectFrom('patient_transfers')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst(),
    update: (clinicId: string, id: string, patch: Partial<TransferRow>) =>
      db.updateTable('patient_transfers').set(patch).where('clinic_id', '=', clinicId).where('id', '=', id).execute(),
    /** The columns an export writes, for a batch of patients in id order. */
    exportRows: (clinicId: string, ids: string[]) =>
      db
        .selectFrom('patients as p')
        .select([
          'p.id',
          'p.name',
          'p.chart_no',
          'p.phone_e164',
          'p.birth_date',
          'p.gender',
          'p.national_id_masked',
          'p.line_status',
          'p.last_visit_at',
          'p.next_visit_at',
          'p.created_at',
        ])
        .where('p.clinic_id', '=', clinicId)
        .where('p.id', 'in', ids)
        .orderBy('p.id')
        .execute(),
  };
}
