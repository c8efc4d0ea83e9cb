import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import { serialId, type Migration } from '../migrate.ts';

// The follow-up list (待追蹤) and the no-show follow-up. A task is opened once per idempotency
// key (unique per clinic: a retried job or a double tap opens no second task); its due time is
// stored when it opens. follow_up_events is its history. no_show_settings holds a clinic's
// choices (no row: the shipped defaults, enabled); no_show_messages is one row per no-show visit
// (unique per appointment: once per visit) written before the message is queued, with
// patient_day unique so a patient gets at most one a day (NULL for rows that send nothing).
const m: Migration = {
  version: 235,
  name: 'follow_ups',
  async up(db: Kysely<any>, dialect: Dialect) {
    await db.schema
      .createTable('follow_ups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('priority', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('answer', 'text')
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('appointment_id', 'text')
      .addColumn('line_user_id', 'text')
      .addColumn('ref_id', 'text')
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text')
      .addColumn('owner_label', 'text')
      .addColumn('due_at', 'text')
      .addColumn('outcome', 'text')
      .addColumn('outcome_note', 'text')
      .addColumn('done_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('follow_ups_key_uq', ['clinic_id', 'idempotency_key'])
      .execute();
    await db.schema.createIndex('follow_ups_clinic_status').on('follow_ups').columns(['clinic_id', 'status']).execute();
    await db.schema
      .createIndex('follow_ups_clinic_created')
      .on('follow_ups')
      .columns(['clinic_id', 'created_at'])
      .execute();

    await serialId(db.schema.createTable('follow_up_events'), dialect)
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('follow_up_id', 'text', (c) => c.notNull().references('follow_ups.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('actor_label', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('follow_up_events_task')
      .on('follow_up_events')
      .columns(['clinic_id', 'follow_up_id'])
      .execute();

    await db.schema
      .createTable('no_show_settings')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('delay_minutes', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('no_show_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull())
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('patient_day', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('skip_reason', 'text')
      .addColumn('recipients', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('marked_at', 'text', (c) => c.notNull())
      .addColumn('send_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .addColumn('answer', 'text')
      .addColumn('answered_at', 'text')
      .addColumn('answered_by', 'text')
      .addColumn('follow_up_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('no_show_messages_visit_uq', ['clinic_id', 'appointment_id'])
      .addUniqueConstraint('no_show_messages_day_uq', ['clinic_id', 'patient_day'])
      .execute();
    await db.schema
      .createIndex('no_show_messages_clinic_created')
      .on('no_show_messages')
      .columns(['clinic_id', 'created_at'])
      .execute();
  },
};
export default m;
