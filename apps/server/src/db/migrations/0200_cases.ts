import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import { serialId, type Migration } from '../migrate.ts';

// Complaints and feedback cases. A case's number is per clinic and year (C-2026-0001: unique
// (clinic, year, seq)); source_ref is the LINE event or message a case was opened from, unique
// per clinic so a retried event opens no second case. The due times of the two clocks are
// stored when the case opens; *_escalated_at is set once, by the one update that escalates.
// case_events is the timeline (each move, note and reply); case_photos keep the patient's photos
// as Base64 text (both databases, a few hundred KB each after the phone scales them down).
const m: Migration = {
  version: 200,
  name: 'cases',
  async up(db: Kysely<any>, dialect: Dialect) {
    await db.schema
      .createTable('cases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('source_ref', 'text')
      .addColumn('owner_id', 'text')
      .addColumn('owner_label', 'text')
      .addColumn('patient_id', 'text')
      .addColumn('line_user_id', 'text')
      .addColumn('contact_name', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('contact_method', 'text', (c) => c.notNull())
      .addColumn('contact_phone', 'text')
      .addColumn('contact_time', 'text')
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('first_action_due_at', 'text')
      .addColumn('reply_due_at', 'text')
      .addColumn('first_action_at', 'text')
      .addColumn('replied_at', 'text')
      .addColumn('closed_at', 'text')
      .addColumn('first_action_escalated_at', 'text')
      .addColumn('reply_escalated_at', 'text')
      .addColumn('satisfaction', 'text')
      .addColumn('satisfaction_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('cases_number_uq', ['clinic_id', 'year', 'seq'])
      .addUniqueConstraint('cases_source_ref_uq', ['clinic_id', 'source_ref'])
      .execute();
    await db.schema.createIndex('cases_clinic_status').on('cases').columns(['clinic_id', 'status']).execute();
    await db.schema.createIndex('cases_clinic_created').on('cases').columns(['clinic_id', 'created_at']).execute();
    await db.schema.createIndex('cases_line_user').on('cases').columns(['clinic_id', 'line_user_id']).execute();

    await serialId(db.schema.createTable('case_events'), dialect)
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('channel', 'text')
      .addColumn('actor_label', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_events_case').on('case_events').columns(['clinic_id', 'case_id']).execute();

    await db.schema
      .createTable('case_photos')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('case_photos_case').on('case_photos').columns(['clinic_id', 'case_id']).execute();

    await db.schema
      .createTable('case_settings')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('first_action_minutes', 'integer', (c) => c.notNull())
      .addColumn('reply_minutes', 'integer', (c) => c.notNull())
      .addColumn('business_hours_only', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
export default m;
