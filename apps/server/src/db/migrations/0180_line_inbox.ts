import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import { serialId, type Migration } from '../migrate.ts';

// The inbox: each LINE user's conversation gets a state (bot — the bot handles it; waiting — a
// person must answer, with the reason and since when; done), an assignee, an unread count for
// staff, a bot pause (staff wrote: the bot keeps quiet for a while), the last reply token (one
// free Reply API call, only within about a minute) and the last markAsRead token. Internal notes,
// the staff's sends (one per client key: a double click sends once) and uploaded images get their
// own tables. The channel gets its read mode (auto: LINE marks read; manual: opening the
// conversation marks it read) and how long the bot pauses after a staff reply.
const m: Migration = {
  version: 180,
  name: 'line_inbox',
  async up(db: Kysely<any>, dialect: Dialect) {
    await db.schema
      .alterTable('line_channels')
      .addColumn('read_mode', 'varchar(8)', (c) => c.notNull().defaultTo('auto'))
      .execute();
    await db.schema
      .alterTable('line_channels')
      .addColumn('bot_pause_minutes', 'integer', (c) => c.notNull().defaultTo(30))
      .execute();
    const cols: [string, string, boolean, unknown][] = [
      ['state', 'varchar(8)', true, 'bot'],
      ['waiting_reason', 'varchar(16)', false, null],
      ['waiting_note', 'text', false, null],
      ['waiting_appointment_id', 'text', false, null],
      ['assignee_id', 'text', false, null],
      ['unread_count', 'integer', true, 0],
      ['staff_read_at', 'text', false, null],
      ['bot_paused_until', 'text', false, null],
      ['reply_token', 'text', false, null],
      ['reply_token_at', 'text', false, null],
      ['reply_token_used', 'integer', true, 0],
      ['mark_as_read_token', 'text', false, null],
      ['marked_read_token', 'text', false, null],
      ['last_at', 'text', false, null],
      ['updated_at', 'text', false, null],
    ];
    for (const [name, type, notNull, dflt] of cols)
      await db.schema
        .alterTable('line_conversations')
        .addColumn(name, type as 'text', (c) => (notNull ? c.notNull().defaultTo(dflt) : c))
        .execute();
    await db
      .updateTable('line_conversations')
      .set({
        state: sql`case when unanswered_since is not null then 'waiting'
          when handled_at is not null then 'done' else 'bot' end`,
        waiting_reason: sql`case when unanswered_since is not null then 'bot_failed' else null end`,
        last_at: sql`last_in_at`,
        updated_at: sql`last_in_at`,
      })
      .execute();
    await db.schema
      .createIndex('line_conversations_by_last')
      .on('line_conversations')
      .columns(['clinic_id', 'last_at'])
      .execute();

    await serialId(db.schema.createTable('line_conversation_notes'), dialect)
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('line_user_id', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('author_id', 'text')
      .addColumn('author_label', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('line_conversation_notes_by_user')
      .on('line_conversation_notes')
      .columns(['clinic_id', 'line_user_id', 'id'])
      .execute();

    await db.schema
      .createTable('line_staff_sends')
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('client_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('line_user_id', 'text', (c) => c.notNull())
      .addColumn('method', 'varchar(8)', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('line_staff_sends_pk', ['clinic_id', 'client_key'])
      .execute();

    await db.schema
      .createTable('line_uploads')
      .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('content_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('data', dialect === 'sqlite' ? 'blob' : 'bytea', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    // Search over the message history is scoped to a clinic and newest first.
    await db.schema
      .createIndex('line_messages_by_clinic_id')
      .on('line_messages')
      .columns(['clinic_id', 'id'])
      .execute();
  },
};
export default m;
