import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// A patient's free-text answer to a reminder (「可以改下午嗎？」): one row per LINE event (so a
// retried event job acts once), with what it was read as and what followed — a one-tap proposal
// (proposed → accepted / declined / refused / expired) or a hand-off to a person (handed).
// The proposal's id is the postback data of its buttons.
const m: Migration = {
  version: 210,
  name: 'reminder_text',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createTable('reminder_text_replies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('line_user_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('appointment_id', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('intent', 'text', (c) => c.notNull())
      .addColumn('confidence', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('answered_at', 'text')
      .addUniqueConstraint('reminder_text_replies_event', ['clinic_id', 'event_id'])
      .execute();
    await db.schema
      .createIndex('reminder_text_replies_user')
      .on('reminder_text_replies')
      .columns(['clinic_id', 'line_user_id', 'created_at'])
      .execute();
  },
};
export default m;
