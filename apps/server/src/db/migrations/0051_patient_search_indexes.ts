import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// Patient search at a million patients, the same on SQLite and PostgreSQL:
// - The list's default order walks (clinic_id, name, id): with id in the key the ORDER BY
//   name, id needs no extra sort step, and birth_date + line_status ride along so age and
//   LINE-status filters (and the tag probe, which needs only id) are answered from the index
//   while walking it — the table row is read only for candidates that pass. Replaces
//   patients_name (clinic_id, name), a prefix of it.
// - Tag membership probed per patient (clinic_id, patient_id, tag_id) is index-only; replaces
//   patient_tags_patient (clinic_id, patient_id), a prefix of it.
const m: Migration = {
  version: 51,
  name: 'patient_search_indexes',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createIndex('patients_name_sort')
      .on('patients')
      .columns(['clinic_id', 'name', 'id', 'birth_date', 'line_status'])
      .execute();
    await db.schema.dropIndex('patients_name').execute();
    await db.schema
      .createIndex('patient_tags_patient_tag')
      .on('patient_tags')
      .columns(['clinic_id', 'patient_id', 'tag_id'])
      .execute();
    await db.schema.dropIndex('patient_tags_patient').execute();
  },
};
export default m;
