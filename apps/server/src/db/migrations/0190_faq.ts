import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// The FAQ bot. `faqs` are the answers; `faq_wordings` the ways patients ask each of them (one
// wording belongs to one FAQ of the clinic: `norm` is its normalised text, unique per clinic);
// `faq_synonyms` groups of words the clinic treats as the same (first = canonical);
// `faq_questions` every question the bot was asked, keyed by the LINE event so a retried job
// records it once, with the outcome, the feedback and the trainer's decision; `faq_settings`
// says whether the starter set has been copied into the clinic (once, even if all are deleted)
// and counts edits (`version`), so every process rebuilds its cached index after a change.
const m: Migration = {
  version: 190,
  name: 'faq',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createTable('faqs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('answer', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('hits', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_hit_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('faqs_clinic').on('faqs').columns(['clinic_id', 'category']).execute();
    await db.schema
      .createTable('faq_wordings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('faq_id', 'text', (c) => c.notNull().references('faqs.id').onDelete('cascade'))
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('norm', 'text', (c) => c.notNull())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('faq_wordings_norm')
      .on('faq_wordings')
      .columns(['clinic_id', 'norm'])
      .unique()
      .execute();
    await db.schema.createIndex('faq_wordings_faq').on('faq_wordings').column('faq_id').execute();
    await db.schema
      .createTable('faq_synonyms')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('terms', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('faq_synonyms_clinic').on('faq_synonyms').column('clinic_id').execute();
    await db.schema
      .createTable('faq_questions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('event_key', 'text', (c) => c.notNull())
      .addColumn('line_user_id', 'text')
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('faq_id', 'text')
      .addColumn('suggested_faq_id', 'text')
      .addColumn('confidence', 'real', (c) => c.notNull().defaultTo(0))
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('replied_at', 'text')
      .addColumn('feedback', 'text')
      .addColumn('feedback_at', 'text')
      .addColumn('review', 'text', (c) => c.notNull())
      .addColumn('reviewed_at', 'text')
      .addColumn('reviewed_by', 'text')
      .addColumn('asked_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('faq_questions_event')
      .on('faq_questions')
      .columns(['clinic_id', 'event_key'])
      .unique()
      .execute();
    await db.schema
      .createIndex('faq_questions_review')
      .on('faq_questions')
      .columns(['clinic_id', 'review', 'asked_at'])
      .execute();
    await db.schema.createIndex('faq_questions_asked').on('faq_questions').columns(['clinic_id', 'asked_at']).execute();
    await db.schema
      .createTable('faq_settings')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('seeded_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
export default m;
