import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// One row per LINE user who wrote to the clinic: whether a message waits for the front desk
// (unanswered_since, cleared when a staff member replies or marks it handled) and when the last
// automatic acknowledgement went out (at most one per user in a few hours).
const m: Migration = {
  version: 80,
  name: 'line_conversations',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createTable('line_conversations')
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('line_user_id', 'text', (c) => c.notNull())
      .addColumn('last_in_at', 'text', (c) => c.notNull())
      .addColumn('last_in_text', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('unanswered_since', 'text')
      .addColumn('last_ack_at', 'text')
      .addColumn('handled_at', 'text')
      .addColumn('handled_by', 'text')
      .addPrimaryKeyConstraint('line_conversations_pk', ['clinic_id', 'line_user_id'])
      .execute();
    await db.schema
      .createIndex('line_conversations_unanswered')
      .on('line_conversations')
      .columns(['clinic_id', 'unanswered_since'])
      .execute();
  },
};
export default m;
