import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// The 客服成效 figures read a period of a clinic's message log (in and out) by time.
const m: Migration = {
  version: 211,
  name: 'line_messages_by_time',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createIndex('line_messages_by_time')
      .on('line_messages')
      .columns(['clinic_id', 'created_at'])
      .execute();
  },
};
export default m;
