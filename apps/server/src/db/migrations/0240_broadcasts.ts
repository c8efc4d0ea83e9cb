import type { Kysely } from 'kysely';
import type { Migration } from '../migrate.ts';

// Broadcasts (群發). A broadcast holds its audience, the composer's messages and, once it
// starts, the LINE messages it sends (built once, so every chunk and every retry sends the same
// body). Every recipient is a row (seq 0…n-1) before anything is sent; the LINE recipients are
// cut into chunks of at most 500 (LINE's multicast limit), each chunk a row with its own
// X-Line-Retry-Key. line_budget is the non-essential allowance taken when sending starts (null:
// no cap) and line_reserved what the chunks have claimed of it: one conditional UPDATE claims a
// chunk's recipients, so parallel workers never pass the cap. Links in the messages go through
// our redirect (/r/<token>); a tap is counted once per visitor (cookie) and link.
const m: Migration = {
  version: 240,
  name: 'broadcasts',
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('broadcasts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('audience_kind', 'text', (c) => c.notNull())
      .addColumn('audience_id', 'text')
      .addColumn('audience_label', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('messages', 'text', (c) => c.notNull())
      .addColumn('line_messages', 'text')
      .addColumn('sms_fallback', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('sms_text', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'text')
      .addColumn('send_at', 'text')
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('paused_reason', 'text')
      .addColumn('line_budget', 'integer')
      .addColumn('line_reserved', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('resumes', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('estimate', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('sent_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('broadcasts_clinic_created')
      .on('broadcasts')
      .columns(['clinic_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('broadcast_recipients')
      .addColumn('broadcast_id', 'text', (c) => c.notNull().references('broadcasts.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('clinic_id', 'text', (c) => c.notNull())
      .addColumn('patient_id', 'text')
      .addColumn('line_user_id', 'text')
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('chunk_no', 'integer')
      .addColumn('sms_id', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('broadcast_recipients_pk', ['broadcast_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('broadcast_recipients_chunk')
      .on('broadcast_recipients')
      .columns(['broadcast_id', 'chunk_no'])
      .execute();
    await db.schema
      .createIndex('broadcast_recipients_status')
      .on('broadcast_recipients')
      .columns(['broadcast_id', 'status'])
      .execute();

    await db.schema
      .createTable('broadcast_chunks')
      .addColumn('broadcast_id', 'text', (c) => c.notNull().references('broadcasts.id'))
      .addColumn('chunk_no', 'integer', (c) => c.notNull())
      .addColumn('clinic_id', 'text', (c) => c.notNull())
      .addColumn('retry_key', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('error', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('broadcast_chunks_pk', ['broadcast_id', 'chunk_no'])
      .execute();

    await db.schema
      .createTable('broadcast_links')
      .addColumn('token', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull())
      .addColumn('broadcast_id', 'text', (c) => c.notNull().references('broadcasts.id'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('broadcast_links_broadcast').on('broadcast_links').columns(['broadcast_id']).execute();

    await db.schema
      .createTable('broadcast_clicks')
      .addColumn('token', 'text', (c) => c.notNull().references('broadcast_links.token'))
      .addColumn('visitor', 'text', (c) => c.notNull())
      .addColumn('broadcast_id', 'text', (c) => c.notNull())
      .addColumn('clicked_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('broadcast_clicks_pk', ['token', 'visitor'])
      .execute();
    await db.schema
      .createIndex('broadcast_clicks_broadcast')
      .on('broadcast_clicks')
      .columns(['broadcast_id'])
      .execute();
  },
};

export default m;
