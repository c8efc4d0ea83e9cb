import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// Questionnaires (問卷): the questionnaire with its questions as JSON (locked once sent), the
// sends to a segment or tag, one recipient row per patient and questionnaire (unique: a
// questionnaire asks a patient once; the row exists before any message goes, and its id is the
// push's retry key source), and one response per recipient (unique recipient_id: a second
// submit is refused).
const m: Migration = {
  version: 260,
  name: 'questionnaires',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createTable('questionnaires')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('intro', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('questions', 'text', (c) => c.notNull())
      .addColumn('closes_at', 'text')
      .addColumn('after_visit', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('after_visit_delay_minutes', 'integer', (c) => c.notNull().defaultTo(120))
      .addColumn('after_visit_types', 'text')
      .addColumn('template', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('questionnaires_clinic')
      .on('questionnaires')
      .columns(['clinic_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('questionnaire_sends')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('questionnaire_id', 'text', (c) => c.notNull().references('questionnaires.id'))
      .addColumn('audience_kind', 'text', (c) => c.notNull())
      .addColumn('audience_id', 'text', (c) => c.notNull())
      .addColumn('audience_label', 'text', (c) => c.notNull())
      .addColumn('matched', 'integer', (c) => c.notNull())
      .addColumn('queued', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('questionnaire_sends_q')
      .on('questionnaire_sends')
      .columns(['clinic_id', 'questionnaire_id'])
      .execute();

    await db.schema
      .createTable('questionnaire_recipients')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('questionnaire_id', 'text', (c) => c.notNull().references('questionnaires.id'))
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('line_user_id', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('source_ref', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('send_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .addColumn('answered_at', 'text')
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('questionnaire_recipients_uq', ['clinic_id', 'questionnaire_id', 'patient_id'])
      .execute();
    await db.schema
      .createIndex('questionnaire_recipients_status')
      .on('questionnaire_recipients')
      .columns(['clinic_id', 'questionnaire_id', 'status'])
      .execute();

    await db.schema
      .createTable('questionnaire_responses')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('questionnaire_id', 'text', (c) => c.notNull().references('questionnaires.id'))
      .addColumn('recipient_id', 'text', (c) => c.notNull().unique().references('questionnaire_recipients.id'))
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('answers', 'text', (c) => c.notNull())
      .addColumn('submitted_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('questionnaire_responses_q')
      .on('questionnaire_responses')
      .columns(['clinic_id', 'questionnaire_id', 'submitted_at'])
      .execute();
  },
};
export default m;
