import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// The health-education library (衛教文章). `care_articles` are the clinic's articles (a starter
// article keeps its `slug`, unique per clinic, so shipped care plans can name it); `public_id` is
// the unguessable id of the public page; `care_article_images` hold the uploaded covers (public
// by their random id, like the inbox's uploads); `care_library_settings` says the starter
// articles were copied into the clinic (once).
const m: Migration = {
  version: 230,
  name: 'care_library',
  async up(db: Kysely<any>, dialect: Dialect) {
    await db.schema
      .createTable('care_article_images')
      .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('content_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('width', 'integer', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .addColumn('data', dialect === 'sqlite' ? 'blob' : 'bytea', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('care_articles')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('slug', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('link_url', 'text')
      .addColumn('cover_id', 'varchar(40)', (c) => c.references('care_article_images.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('public_id', 'varchar(40)', (c) => c.notNull())
      .addColumn('published_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();
    await db.schema
      .createIndex('care_articles_clinic')
      .on('care_articles')
      .columns(['clinic_id', 'updated_at'])
      .execute();
    await db.schema
      .createIndex('care_articles_slug')
      .on('care_articles')
      .columns(['clinic_id', 'slug'])
      .unique()
      .execute();
    await db.schema.createIndex('care_articles_public').on('care_articles').column('public_id').unique().execute();
    await db.schema
      .createTable('care_library_settings')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('seeded_at', 'text', (c) => c.notNull())
      .execute();
  },
};
export default m;
