// Kysely table types of the reports module: daily roll-ups kept by the roll-up job (one row per
// local day of the clinic's time zone, per doctor and visit type for the visit figures, per
// clinic for the others), where the roll-up stands, and the clinic's report settings.
//
// Every figure is a plain count or sum (integers), so a week, a month or a doctor's share is a
// SUM over rows and rates are computed from the sums: the same numbers on SQLite and PostgreSQL.

export interface ReportVisitDailyTable {
  clinic_id: string;
  /**
   * What the row adds up: `clinic` (every visit of the day; doctor_id and visit_type ''),
   * `doctor` (one doctor's, visit_type ''), `visit_type` (one visit type's, doctor_id ''),
   * `doctor_visit_type` (one doctor's of one visit type). A report reads one slice: at most one
   * row per day whatever its filters.
   */
  slice: string;
  /** Local date (YYYY-MM-DD) of the visit's start in the clinic's time zone. */
  day: string;
  /** Careline's doctor id ('' in the clinic and visit_type slices). */
  doctor_id: string;
  /** The HIS's visit type ('' when the HIS sent none, and in the clinic and doctor slices). */
  visit_type: string;
  /** Every appointment of the day, cancelled ones included. */
  appointments: number;
  /** Not cancelled by the HIS. */
  active: number;
  /** Cancelled by the HIS or the patient asked to cancel (a reschedule request counts as reschedule). */
  cancelled: number;
  rescheduled: number;
  /** A reminder reached the patient's reply light (anything but 尚未提醒). */
  reminded: number;
  confirmed: number;
  /** The HIS reported what happened: checked in, completed or no-show. */
  reported: number;
  no_show: number;
  /** Active visits whose patient had a LINE binding made before the visit started. */
  bound: number;
  reminders_sent: number;
  reminders_failed: number;
  surveys_answered: number;
  surveys_4plus: number;
}

export interface ReportClinicDailyTable {
  clinic_id: string;
  day: string;
  /** Patients' text questions in the LINE inbox and how many the bot (FAQ, auto-reply) answered. */
  questions: number;
  questions_bot: number;
  /** Waits a person answered, and the seconds they took in total (first response time). */
  responses: number;
  response_seconds: number;
  /** Complaints opened that day, those whose first action / reply is done or due, and those in time. */
  complaints: number;
  complaints_action_due: number;
  complaints_action_in_time: number;
  complaints_reply_due: number;
  complaints_reply_in_time: number;
  complaints_rated: number;
  complaints_satisfied: number;
  /** LINE pushes (within the plan), LINE notification messages (billed per message), SMS and points. */
  line_pushes: number;
  line_pnp: number;
  sms_messages: number;
  /** SMS points in thousandths (the provider bills fractions of a point). */
  sms_points_milli: number;
  /** Slots freed (a visit cancelled or moved) and filled again from the waitlist. */
  slots_freed: number;
  slots_filled: number;
}

/** The doctors and visit types the roll-up has seen, with their first and last day (the filters). */
export interface ReportDimensionsTable {
  clinic_id: string;
  /** doctor (value: Careline's doctor id) | visit_type */
  kind: string;
  value: string;
  first_day: string;
  last_day: string;
}

export interface ReportRollupStateTable {
  clinic_id: string;
  /** The roll-up definitions the rows were built with; another version rebuilds the history. */
  version: number;
  /** First local day of the history built. */
  history_from: string | null;
  /** When the last refresh started (changes after it are picked up by the next refresh). */
  refreshed_at: string | null;
  /** When the history was last rebuilt in full. */
  rebuilt_at: string | null;
}

export interface ReportSettingsTable {
  clinic_id: string;
  /** Baseline period (local dates, inclusive); null: the three months before Careline. */
  baseline_from: string | null;
  baseline_to: string | null;
  average_visit_value_twd: number;
  minutes_per_call: number;
  staff_hourly_cost_twd: number;
  updated_by: string;
  updated_at: string;
}

export interface ReportTables {
  report_visit_daily: ReportVisitDailyTable;
  report_clinic_daily: ReportClinicDailyTable;
  report_dimensions: ReportDimensionsTable;
  report_rollup_state: ReportRollupStateTable;
  report_settings: ReportSettingsTable;
}
