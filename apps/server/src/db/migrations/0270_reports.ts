import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';

// Reports: daily roll-ups (per clinic and local day, for visits also per doctor, visit type and
// both — a `slice` per grouping, so any filter reads one row per day; per clinic and day for
// messages, the inbox and complaints), the roll-up's state per clinic and the clinic's report
// settings (baseline period, value of a visit, minutes per phone call). The primary keys are the
// read paths: one slice's days in order.
const VISIT_COUNTS = [
  'appointments',
  'active',
  'cancelled',
  'rescheduled',
  'reminded',
  'confirmed',
  'reported',
  'no_show',
  'bound',
  'reminders_sent',
  'reminders_failed',
  'surveys_answered',
  'surveys_4plus',
];
const CLINIC_COUNTS = [
  'questions',
  'questions_bot',
  'responses',
  'response_seconds',
  'complaints',
  'complaints_action_due',
  'complaints_action_in_time',
  'complaints_reply_due',
  'complaints_reply_in_time',
  'complaints_rated',
  'complaints_satisfied',
  'line_pushes',
  'line_pnp',
  'sms_messages',
  'sms_points_milli',
];

const m: Migration = {
  version: 270,
  name: 'reports',
  async up(db: Kysely<any>, _dialect: Dialect) {
    let visit = db.schema
      .createTable('report_visit_daily')
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('slice', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('doctor_id', 'text', (c) => c.notNull())
      .addColumn('visit_type', 'text', (c) => c.notNull());
    for (const col of VISIT_COUNTS) visit = visit.addColumn(col, 'integer', (c) => c.notNull().defaultTo(0));
    await visit
      .addPrimaryKeyConstraint('report_visit_daily_pk', ['clinic_id', 'slice', 'doctor_id', 'visit_type', 'day'])
      .execute();
    // The roll-up replaces a range of days of every slice.
    await db.schema
      .createIndex('report_visit_daily_day')
      .on('report_visit_daily')
      .columns(['clinic_id', 'day'])
      .execute();

    let clinic = db.schema
      .createTable('report_clinic_daily')
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('day', 'text', (c) => c.notNull());
    for (const col of CLINIC_COUNTS) clinic = clinic.addColumn(col, 'integer', (c) => c.notNull().defaultTo(0));
    await clinic.addPrimaryKeyConstraint('report_clinic_daily_pk', ['clinic_id', 'day']).execute();

    await db.schema
      .createTable('report_dimensions')
      .addColumn('clinic_id', 'text', (c) => c.notNull().references('clinics.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('first_day', 'text', (c) => c.notNull())
      .addColumn('last_day', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('report_dimensions_pk', ['clinic_id', 'kind', 'value'])
      .execute();

    await db.schema
      .createTable('report_rollup_state')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('history_from', 'text')
      .addColumn('refreshed_at', 'text')
      .addColumn('rebuilt_at', 'text')
      .execute();

    await db.schema
      .createTable('report_settings')
      .addColumn('clinic_id', 'text', (c) => c.primaryKey().references('clinics.id'))
      .addColumn('baseline_from', 'text')
      .addColumn('baseline_to', 'text')
      .addColumn('average_visit_value_twd', 'integer', (c) => c.notNull())
      .addColumn('minutes_per_call', 'integer', (c) => c.notNull())
      .addColumn('staff_hourly_cost_twd', 'integer', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
export default m;
