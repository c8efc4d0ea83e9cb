import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// 看診進度. One queue per doctor, clinic date and session (numbers restart each session); the
// visits checked in to it with their queue number (one per appointment); the notices sent (at
// most one of each kind per visit, unique, so a retried event or a race sends none more); and
// every HIS queue event once per event id (the idempotency record and the out-of-order check).
const m: Migration = {
  version: 295,
  name: 'queue',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createTable('queue_settings')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('near_threshold', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('queues')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('doctor_id', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('session', 'text', (c) => c.notNull())
      .addColumn('room', 'text')
      .addColumn('current_number', 'integer')
      .addColumn('called_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('queues_session_uq', ['clinic_id', 'doctor_id', 'date', 'session'])
      .execute();
    await db.schema.createIndex('queues_date').on('queues').columns(['clinic_id', 'date']).execute();

    await db.schema
      .createTable('queue_visits')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('queue_id', 'text', (c) => c.notNull())
      .addColumn('appointment_id', 'text', (c) => c.notNull())
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('queue_number', 'integer', (c) => c.notNull())
      .addColumn('checked_in_at', 'text', (c) => c.notNull())
      .addColumn('called_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('queue_visits_appointment_uq', ['clinic_id', 'appointment_id'])
      .execute();
    await db.schema
      .createIndex('queue_visits_queue')
      .on('queue_visits')
      .columns(['clinic_id', 'queue_id', 'queue_number'])
      .execute();
    await db.schema
      .createIndex('queue_visits_patient')
      .on('queue_visits')
      .columns(['clinic_id', 'patient_id', 'checked_in_at'])
      .execute();

    await db.schema
      .createTable('queue_notices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('visit_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('ahead', 'integer', (c) => c.notNull())
      .addColumn('line_user_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('queue_notices_kind_uq', ['clinic_id', 'visit_id', 'kind'])
      .execute();

    await db.schema
      .createTable('queue_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('occurred_at', 'text', (c) => c.notNull())
      .addColumn('queue_id', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('queue_events_event_uq', ['clinic_id', 'event_id'])
      .execute();
    await db.schema
      .createIndex('queue_events_queue')
      .on('queue_events')
      .columns(['clinic_id', 'queue_id', 'occurred_at'])
      .execute();
  },
};
export default m;
