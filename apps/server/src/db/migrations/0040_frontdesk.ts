import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// Front-desk back office: indexes for the appointment list (every filter and sort
// runs in SQL), saved filters per staff member, staff notes on appointments, iCalendar feed
// secrets, front-desk settings (feed privacy, 民國 dates), and the staff ↔ doctor link
// (a doctor sees their own calendar by default).
const m: Migration = {
  version: 40,
  name: 'frontdesk',
  async up(db: Kysely<any>, _dialect: Dialect) {
    // The list filters by clinic + date range, optionally doctor / reply light / status,
    // and searches patients first (name, chart number, phone) then their appointments.
    await db.schema
      .createIndex('appointments_doctor_start')
      .on('appointments')
      .columns(['clinic_id', 'doctor_id', 'starts_at'])
      .execute();
    await db.schema
      .createIndex('appointments_reply_start')
      .on('appointments')
      .columns(['clinic_id', 'reply_status', 'starts_at'])
      .execute();
    await db.schema
      .createIndex('appointments_status_start')
      .on('appointments')
      .columns(['clinic_id', 'status', 'starts_at'])
      .execute();
    await db.schema
      .createIndex('appointments_patient_start')
      .on('appointments')
      .columns(['clinic_id', 'patient_id', 'starts_at'])
      .execute();
    await db.schema
      .createIndex('appointments_updated')
      .on('appointments')
      .columns(['clinic_id', 'updated_at'])
      .execute();
    // patients (clinic_id, chart_no), (clinic_id, name) and (clinic_id, line_status) come with 0050_patients_list.
    await db.schema
      .createIndex('front_desk_tasks_appt')
      .on('front_desk_tasks')
      .columns(['clinic_id', 'appointment_id'])
      .execute();

    await db.schema
      .createTable('saved_filters')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('staff_id', 'text', (c) => c.notNull().references('staff_users.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('filters', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('saved_filters_staff')
      .on('saved_filters')
      .columns(['clinic_id', 'staff_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('appointment_notes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      .addColumn('staff_id', 'text')
      .addColumn('author_label', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull().defaultTo('note'))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('appointment_notes_appt')
      .on('appointment_notes')
      .columns(['clinic_id', 'appointment_id', 'created_at'])
      .execute();

    // One feed per clinic and doctor ('' = all doctors). The token is looked up by its hash and
    // kept encrypted so admins can copy the URL again; rotating replaces both.
    await db.schema
      .createTable('calendar_feeds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('doctor_id', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('token_enc', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('rotated_at', 'text')
      .addColumn('last_fetched_at', 'text')
      .addUniqueConstraint('calendar_feeds_clinic_doctor', ['clinic_id', 'doctor_id'])
      .execute();

    await db.schema
      .createTable('frontdesk_settings')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('feed_initials_only', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('roc_dates', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema.alterTable('staff_users').addColumn('doctor_id', 'text').execute();
  },
};
export default m;
