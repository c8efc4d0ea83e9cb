import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import { serialId, type Migration } from '../migrate.ts';

// HIS Open API v1: doctors, patients, appointments (+ history), status lights and
// their change log (the resync cursor), outbound webhook endpoints, events and deliveries.
// Rows are keyed by an internal id; the HIS's own id is unique per clinic.
const m: Migration = {
  version: 2,
  name: 'his',
  async up(db: Kysely<any>, dialect: Dialect) {
    await db.schema
      .createTable('doctors')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('his_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('department', 'text')
      .addColumn('title', 'text')
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('doctors_clinic_his', ['clinic_id', 'his_id'])
      .execute();

    await db.schema
      .createTable('patients')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('his_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('chart_no', 'text')
      .addColumn('gender', 'text')
      .addColumn('birth_date', 'text')
      .addColumn('phone_e164', 'text')
      .addColumn('phone_is_mobile', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('phone_hash', 'text')
      .addColumn('national_id_enc', 'text')
      .addColumn('national_id_hash', 'text')
      .addColumn('national_id_masked', 'text')
      .addColumn('line_status', 'text', (c) => c.notNull().defaultTo('unbound'))
      .addColumn('line_status_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('patients_clinic_his', ['clinic_id', 'his_id'])
      .execute();
    await db.schema.createIndex('patients_phone').on('patients').columns(['clinic_id', 'phone_hash']).execute();
    await db.schema
      .createIndex('patients_national_id')
      .on('patients')
      .columns(['clinic_id', 'national_id_hash'])
      .execute();

    await db.schema
      .createTable('appointments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('his_id', 'text', (c) => c.notNull())
      .addColumn('patient_id', 'text', (c) => c.notNull().references('patients.id'))
      .addColumn('doctor_id', 'text', (c) => c.notNull().references('doctors.id'))
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('starts_at_local', 'text', (c) => c.notNull())
      .addColumn('duration_minutes', 'integer')
      .addColumn('visit_type', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('reply_status', 'text', (c) => c.notNull().defaultTo('not_sent'))
      .addColumn('reply_status_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('appointments_clinic_his', ['clinic_id', 'his_id'])
      .execute();
    await db.schema
      .createIndex('appointments_clinic_start')
      .on('appointments')
      .columns(['clinic_id', 'starts_at'])
      .execute();
    await db.schema
      .createIndex('appointments_patient')
      .on('appointments')
      .columns(['clinic_id', 'patient_id'])
      .execute();

    await serialId(db.schema.createTable('appointment_history'), dialect)
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      .addColumn('version', 'bigint')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_label', 'text', (c) => c.notNull())
      .addColumn('old_status', 'text')
      .addColumn('new_status', 'text', (c) => c.notNull())
      .addColumn('changed_fields', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('appointment_history_appt')
      .on('appointment_history')
      .columns(['clinic_id', 'appointment_id', 'id'])
      .execute();

    // The change log of status lights; its serial id is the resync cursor.
    await serialId(db.schema.createTable('status_changes'), dialect)
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('subject_his_id', 'text', (c) => c.notNull())
      .addColumn('patient_his_id', 'text')
      .addColumn('light', 'text', (c) => c.notNull())
      .addColumn('from_value', 'text')
      .addColumn('to_value', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('actor_label', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('status_changes_clinic_id').on('status_changes').columns(['clinic_id', 'id']).execute();

    await db.schema
      .createTable('webhook_endpoints')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('secret_enc', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    // One row per event (its id is the body's id, the same on every retry).
    await db.schema
      .createTable('webhook_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('ordering_key', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('delivered_at', 'text')
      .execute();
    await db.schema
      .createIndex('webhook_events_clinic')
      .on('webhook_events')
      .columns(['clinic_id', 'created_at'])
      .execute();

    await serialId(db.schema.createTable('webhook_deliveries'), dialect)
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('event_id', 'text', (c) => c.notNull().references('webhook_events.id'))
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('ok', 'integer', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhook_deliveries_clinic')
      .on('webhook_deliveries')
      .columns(['clinic_id', 'id'])
      .execute();
    await db.schema.createIndex('webhook_deliveries_event').on('webhook_deliveries').columns(['event_id']).execute();
  },
};
export default m;
