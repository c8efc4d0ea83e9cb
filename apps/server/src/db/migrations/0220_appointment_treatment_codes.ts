import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// The HIS may send the treatment codes of a visit (健保處置代碼 or its own, e.g. 92013C 拔牙):
// care plans can start on a completed visit with a given code as well as a visit type. Stored
// as a JSON array of strings; null when the HIS did not say.
const m: Migration = {
  version: 220,
  name: 'appointment_treatment_codes',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema.alterTable('appointments').addColumn('treatment_codes', 'text').execute();
  },
};
export default m;
