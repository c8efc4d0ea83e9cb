import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import { serialId, type Migration } from '../migrate.ts';

// LINE channel per clinic, webhook events (verified, de-duplicated), friends, the
// message log, and canned/keyword replies.
const m: Migration = {
  version: 10,
  name: 'line',
  async up(db: Kysely<any>, dialect: Dialect) {
    await db.schema
      .createTable('line_channels')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('channel_id', 'text', (c) => c.notNull().unique())
      .addColumn('channel_secret_enc', 'text', (c) => c.notNull())
      .addColumn('access_token_enc', 'text', (c) => c.notNull())
      .addColumn('access_token_hint', 'text', (c) => c.notNull())
      .addColumn('liff_id', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('greeting_text', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('bot_user_id', 'text')
      .addColumn('bot_name', 'text')
      .addColumn('last_test_at', 'text')
      .addColumn('last_test_ok', 'integer')
      .addColumn('last_test_message', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await serialId(db.schema.createTable('line_webhook_events'), dialect)
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('webhook_event_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('line_user_id', 'text')
      .addColumn('event_time', 'text', (c) => c.notNull())
      .addColumn('is_redelivery', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('processed_at', 'text')
      .addColumn('outcome', 'text')
      .execute();
    await db.schema
      .createIndex('line_webhook_events_uniq')
      .on('line_webhook_events')
      .columns(['clinic_id', 'webhook_event_id'])
      .unique()
      .execute();

    await db.schema
      .createTable('line_friends')
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('line_user_id', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('picture_url', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('followed_at', 'text')
      .addColumn('blocked_at', 'text')
      .addColumn('unblocked_at', 'text')
      .addColumn('last_event_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('line_friends_pk', ['clinic_id', 'line_user_id'])
      .execute();
    await db.schema.createIndex('line_friends_state').on('line_friends').columns(['clinic_id', 'state']).execute();

    await serialId(db.schema.createTable('line_messages'), dialect)
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('line_user_id', 'text', (c) => c.notNull())
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('related_type', 'text')
      .addColumn('related_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('line_messages_user')
      .on('line_messages')
      .columns(['clinic_id', 'line_user_id', 'id'])
      .execute();

    await db.schema
      .createTable('auto_replies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('match_type', 'text', (c) => c.notNull())
      .addColumn('triggers', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('reply_type', 'text', (c) => c.notNull())
      .addColumn('reply', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('hits', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('auto_replies_clinic')
      .on('auto_replies')
      .columns(['clinic_id', 'enabled', 'priority'])
      .execute();
  },
};
export default m;
