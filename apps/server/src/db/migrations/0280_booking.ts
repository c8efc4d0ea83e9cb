import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// Online booking. booking_settings: whether the clinic takes online bookings, where its slots
// come from (per-doctor rules or the HIS's published availability) and who turns a request into
// an appointment (the HIS writing it back, or staff). booking_rules: one row per bookable doctor.
// booking_availability: the HIS's dated slots (unique per doctor and start). booking_requests:
// one row per request (unique per idempotency key, so a retried submit is the same request).
// booking_slot_locks: one row per doctor and slot start, updated first in the transaction that
// takes a slot, so concurrent requests for one slot are checked one after the other.
// booking_no_show_policy / booking_no_show_overrides: the clinic's no-show rule and staff's
// per-patient exceptions.
const m: Migration = {
  version: 280,
  name: 'booking',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createTable('booking_settings')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('slot_source', 'text', (c) => c.notNull())
      .addColumn('accept_by', 'text', (c) => c.notNull())
      .addColumn('expire_hours', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('booking_rules')
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('doctor_id', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('visit_types', 'text')
      .addColumn('slot_minutes', 'integer', (c) => c.notNull())
      .addColumn('days_ahead', 'integer', (c) => c.notNull())
      .addColumn('cutoff_minutes', 'integer', (c) => c.notNull())
      .addColumn('per_slot', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('booking_rules_pk', ['clinic_id', 'doctor_id'])
      .execute();

    await db.schema
      .createTable('booking_availability')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('doctor_id', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('capacity', 'integer', (c) => c.notNull())
      .addColumn('visit_types', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('booking_availability_uq', ['clinic_id', 'doctor_id', 'starts_at'])
      .execute();

    await db.schema
      .createTable('booking_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('doctor_id', 'text', (c) => c.notNull())
      .addColumn('visit_type', 'text')
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('line_user_id', 'text')
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('needs_approval', 'integer', (c) => c.notNull())
      .addColumn('decline_reason', 'text')
      .addColumn('appointment_id', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('booking_requests_key_uq', ['clinic_id', 'idempotency_key'])
      .execute();
    await db.schema
      .createIndex('booking_requests_slot')
      .on('booking_requests')
      .columns(['clinic_id', 'doctor_id', 'starts_at', 'status'])
      .execute();
    await db.schema
      .createIndex('booking_requests_status')
      .on('booking_requests')
      .columns(['clinic_id', 'status', 'created_at'])
      .execute();
    await db.schema
      .createIndex('booking_requests_patient')
      .on('booking_requests')
      .columns(['clinic_id', 'patient_id', 'status'])
      .execute();

    await db.schema
      .createTable('booking_slot_locks')
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('doctor_id', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('takes', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('booking_slot_locks_pk', ['clinic_id', 'doctor_id', 'starts_at'])
      .execute();

    await db.schema
      .createTable('booking_no_show_policy')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('threshold', 'integer', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('booking_no_show_overrides')
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('set_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('booking_no_show_overrides_pk', ['clinic_id', 'patient_id'])
      .execute();
  },
};
export default m;
