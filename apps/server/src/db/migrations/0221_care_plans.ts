import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// Care plans (照護計畫): plans of timed steps (message + optional check-in), enrolments of
// patients (one per trigger: a completed visit, a tag, staff), and one care_sends row per step of
// an enrolment, written when the patient is enrolled, with its push retry key.
const m: Migration = {
  version: 221,
  name: 'care_plans',
  async up(db: Kysely<any>, _dialect: Dialect) {
    await db.schema
      .createTable('care_plans')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('shipped_key', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('steps', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addUniqueConstraint('care_plans_shipped', ['clinic_id', 'shipped_key'])
      .execute();
    await db.schema
      .createTable('care_enrolments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('plan_id', 'text', (c) => c.notNull().references('care_plans.id'))
      .addColumn('plan_name', 'text', (c) => c.notNull())
      .addColumn('steps', 'text', (c) => c.notNull())
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('appointment_id', 'text')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('anchor_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('end_reason', 'text')
      .addColumn('ended_at', 'text')
      .addColumn('ended_by', 'text')
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('care_enrolments_key', ['clinic_id', 'idempotency_key'])
      .execute();
    await db.schema
      .createIndex('care_enrolments_plan')
      .on('care_enrolments')
      .columns(['clinic_id', 'plan_id', 'status'])
      .execute();
    await db.schema
      .createIndex('care_enrolments_patient')
      .on('care_enrolments')
      .columns(['clinic_id', 'patient_id', 'status'])
      .execute();
    await db.schema
      .createTable('care_sends')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('enrolment_id', 'text', (c) => c.notNull().references('care_enrolments.id'))
      .addColumn('patient_id', 'text', (c) => c.notNull())
      .addColumn('step_index', 'integer', (c) => c.notNull())
      .addColumn('due_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('retry_key', 'text', (c) => c.notNull())
      .addColumn('line_user_id', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('answer', 'text')
      .addColumn('answer_route', 'text')
      .addColumn('answered_at', 'text')
      .addColumn('follow_up_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('care_sends_step', ['enrolment_id', 'step_index'])
      .execute();
    await db.schema
      .createIndex('care_sends_enrolment')
      .on('care_sends')
      .columns(['clinic_id', 'enrolment_id'])
      .execute();
  },
};
export default m;
