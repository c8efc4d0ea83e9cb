import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import { serialId, type Migration } from '../migrate.ts';

// Reminder engine: the government office calendar imported from the official
// CSV (overrides the shipped data per year), clinic closures / extra working days, reminder
// rules and templates per clinic, one delivery row per (appointment, rule, appointment
// version), quota snapshots and admin notices.
const m: Migration = {
  version: 30,
  name: 'reminders',
  async up(db: Kysely<any>, dialect: Dialect) {
    await db.schema
      .createTable('calendar_imports')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('days', 'integer', (c) => c.notNull())
      .addColumn('entries', 'text', (c) => c.notNull())
      .addColumn('imported_by', 'text', (c) => c.notNull())
      .addColumn('imported_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('calendar_imports_pk', ['scope', 'year'])
      .execute();

    await db.schema
      .createTable('clinic_calendar_overrides')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('clinic_calendar_overrides_day', ['clinic_id', 'date'])
      .execute();

    await db.schema
      .createTable('reminder_settings')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('reminder_templates')
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('reminder_templates_pk', ['clinic_id', 'id'])
      .execute();

    await db.schema
      .createTable('reminder_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull().references('appointments.id'))
      .addColumn('rule_id', 'text', (c) => c.notNull())
      .addColumn('rule_name', 'text', (c) => c.notNull())
      .addColumn('appointment_version', 'integer', (c) => c.notNull())
      .addColumn('visit_starts_at', 'text', (c) => c.notNull())
      .addColumn('due_at', 'text')
      .addColumn('explanation', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('essential', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('template_id', 'text', (c) => c.notNull())
      .addColumn('channel', 'text')
      .addColumn('retry_key', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text')
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', 'text')
      .addColumn('last_error', 'text')
      .addColumn('line_user_id', 'text')
      .addColumn('line_request_id', 'text')
      .addColumn('sms_message_id', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('cancel_reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('reminder_deliveries_once', ['appointment_id', 'rule_id', 'appointment_version'])
      .execute();
    await db.schema
      .createIndex('reminder_deliveries_due')
      .on('reminder_deliveries')
      .columns(['state', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('reminder_deliveries_clinic_due')
      .on('reminder_deliveries')
      .columns(['clinic_id', 'due_at'])
      .execute();
    await db.schema
      .createIndex('reminder_deliveries_appt')
      .on('reminder_deliveries')
      .columns(['clinic_id', 'appointment_id'])
      .execute();
    await db.schema
      .createIndex('reminder_deliveries_sent')
      .on('reminder_deliveries')
      .columns(['clinic_id', 'sent_at'])
      .execute();

    await db.schema
      .createTable('reminder_quota')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('line_type', 'text')
      .addColumn('line_limit', 'integer')
      .addColumn('line_used', 'integer')
      .addColumn('checked_at', 'text', (c) => c.notNull())
      .execute();

    await serialId(db.schema.createTable('admin_notices'), dialect)
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('period', 'text', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('read_at', 'text')
      .addUniqueConstraint('admin_notices_once', ['clinic_id', 'kind', 'period'])
      .execute();
  },
};
export default m;
