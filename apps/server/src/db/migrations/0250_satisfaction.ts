import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// Post-visit satisfaction. One survey per visit (unique clinic + appointment), so a retried
// outcome job or a second `completed` write creates none more. satisfaction_asks logs each time
// a patient was asked (survey or questionnaire), unique per source and reference, for the
// "at most once per N days" rule.
const m: Migration = {
  version: 250,
  name: 'satisfaction',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createTable('satisfaction_settings')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('delay_minutes', 'integer', (c) => c.notNull())
      .addColumn('validity_days', 'integer', (c) => c.notNull())
      .addColumn('min_days_between', 'integer', (c) => c.notNull())
      .addColumn('doctor_ids', 'text')
      .addColumn('visit_types', 'text')
      .addColumn('place_id', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('message_text', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('satisfaction_surveys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull())
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('doctor_id', 'text', (c) => c.notNull())
      .addColumn('visit_type', 'text')
      .addColumn('visit_at', 'text', (c) => c.notNull())
      .addColumn('line_user_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('skip_reason', 'text')
      .addColumn('send_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .addColumn('expires_at', 'text')
      .addColumn('stars', 'integer')
      .addColumn('answered_at', 'text')
      .addColumn('answer_ref', 'text')
      .addColumn('comment', 'text')
      .addColumn('commented_at', 'text')
      .addColumn('comment_via', 'text')
      .addColumn('review_offered', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('case_id', 'text')
      .addColumn('case_number', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('satisfaction_surveys_visit_uq', ['clinic_id', 'appointment_id'])
      .execute();
    await db.schema
      .createIndex('satisfaction_surveys_sent')
      .on('satisfaction_surveys')
      .columns(['clinic_id', 'sent_at'])
      .execute();
    await db.schema
      .createIndex('satisfaction_surveys_user')
      .on('satisfaction_surveys')
      .columns(['clinic_id', 'line_user_id', 'answered_at'])
      .execute();
    await db.schema
      .createIndex('satisfaction_surveys_patient')
      .on('satisfaction_surveys')
      .columns(['clinic_id', 'patient_id', 'status'])
      .execute();

    await db.schema
      .createTable('satisfaction_asks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('asked_at', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('ref_id', 'text', (c) => c.notNull())
      .addUniqueConstraint('satisfaction_asks_ref_uq', ['clinic_id', 'source', 'ref_id'])
      .execute();
    await db.schema
      .createIndex('satisfaction_asks_patient')
      .on('satisfaction_asks')
      .columns(['clinic_id', 'patient_id', 'asked_at'])
      .execute();
  },
};
export default m;
