import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// Google Business Profile: one connection per clinic (OAuth tokens encrypted with
// ENCRYPTION_KEY, the chosen account/location, the last sync's rating and count, and a status:
// connected | needs_location | revoked), and the location's reviews as synced (unique per
// clinic and Google review id; a resync updates the row).
const m: Migration = {
  version: 261,
  name: 'google_reviews',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createTable('google_connections')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('refresh_token_enc', 'text')
      .addColumn('access_token_enc', 'text')
      .addColumn('access_expires_at', 'text')
      .addColumn('account_name', 'text')
      .addColumn('location_name', 'text')
      .addColumn('location_title', 'text')
      .addColumn('place_id', 'text')
      .addColumn('average_rating', 'real')
      .addColumn('total_review_count', 'integer')
      .addColumn('connected_by', 'text', (c) => c.notNull())
      .addColumn('connected_at', 'text', (c) => c.notNull())
      .addColumn('last_sync_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('google_reviews')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('location_name', 'text', (c) => c.notNull())
      .addColumn('review_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('reviewer_name', 'text', (c) => c.notNull())
      .addColumn('star_rating', 'integer', (c) => c.notNull())
      .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('create_time', 'text', (c) => c.notNull())
      .addColumn('update_time', 'text', (c) => c.notNull())
      .addColumn('reply_comment', 'text')
      .addColumn('reply_update_time', 'text')
      .addColumn('replied_by', 'text')
      .addColumn('first_seen_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('google_reviews_uq', ['clinic_id', 'review_id'])
      .execute();
    await db.schema
      .createIndex('google_reviews_clinic_time')
      .on('google_reviews')
      .columns(['clinic_id', 'create_time'])
      .execute();
  },
};
export default m;
