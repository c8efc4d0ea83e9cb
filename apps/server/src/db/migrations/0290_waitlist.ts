import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// The waitlist. A freed slot is unique per appointment version (a retried outcome job creates
// none more); an offer unique per slot and patient (a retried wave offers nobody twice).
const m: Migration = {
  version: 290,
  name: 'waitlist',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createTable('waitlist_settings')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('wave_size', 'integer', (c) => c.notNull())
      .addColumn('wave_minutes', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('waitlist_entries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('doctor_id', 'text')
      .addColumn('visit_type', 'text')
      .addColumn('date_from', 'text', (c) => c.notNull())
      .addColumn('date_to', 'text', (c) => c.notNull())
      .addColumn('time_of_day', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('line_user_id', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('slot_id', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('waitlist_entries_waiting')
      .on('waitlist_entries')
      .columns(['clinic_id', 'status', 'date_to'])
      .execute();
    await db.schema
      .createIndex('waitlist_entries_patient')
      .on('waitlist_entries')
      .columns(['clinic_id', 'patient_id'])
      .execute();

    await db.schema
      .createTable('waitlist_slots')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('appointment_id', 'text', (c) => c.notNull())
      .addColumn('source_key', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('doctor_id', 'text', (c) => c.notNull())
      .addColumn('visit_type', 'text')
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('waves', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('offers_sent', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('closes_at', 'text', (c) => c.notNull())
      .addColumn('freed_at', 'text', (c) => c.notNull())
      .addColumn('filled_at', 'text')
      .addColumn('filled_offer_id', 'text')
      .addColumn('filled_patient_id', 'text')
      .addColumn('booking_request_id', 'text')
      .addColumn('failure', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('waitlist_slots_source_uq', ['clinic_id', 'source_key'])
      .execute();
    await db.schema
      .createIndex('waitlist_slots_freed')
      .on('waitlist_slots')
      .columns(['clinic_id', 'freed_at'])
      .execute();

    await db.schema
      .createTable('waitlist_offers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('slot_id', 'text', (c) => c.notNull())
      .addColumn('entry_id', 'text', (c) => c.notNull())
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('line_user_id', 'text', (c) => c.notNull())
      .addColumn('wave', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('notice', 'text')
      .addColumn('sent_at', 'text', (c) => c.notNull())
      .addColumn('answered_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('waitlist_offers_patient_uq', ['clinic_id', 'slot_id', 'patient_id'])
      .execute();
    await db.schema
      .createIndex('waitlist_offers_entry')
      .on('waitlist_offers')
      .columns(['clinic_id', 'entry_id'])
      .execute();
  },
};
export default m;
