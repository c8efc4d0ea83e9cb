// Kysely table types of the HIS domain (doctors, patients, appointments, status lights,
// webhooks); migration 0002_his.ts creates them.
import type { Generated, Selectable } from 'kysely';

export interface DoctorsTable {
  id: string;
  clinic_id: string;
  his_id: string;
  name: string;
  department: string | null;
  title: string | null;
  active: number;
  created_at: string;
  updated_at: string;
}

/** A patient row as read from the database. */
export type PatientRow = Selectable<PatientsTable>;

export interface PatientsTable {
  id: string;
  clinic_id: string;
  his_id: string;
  name: string;
  chart_no: string | null;
  gender: string | null;
  birth_date: string | null;
  phone_e164: string | null;
  phone_is_mobile: number;
  phone_hash: string | null;
  national_id_enc: string | null;
  national_id_hash: string | null;
  national_id_masked: string | null;
  line_status: string;
  line_status_at: string | null;
  created_at: string;
  updated_at: string;
  /** Visit summary, derived from appointments by patient-list/sync.ts (migration 0053). */
  last_visit_at: string | null;
  next_visit_at: string | null;
  no_show_count: Generated<number>;
}

export interface AppointmentsTable {
  id: string;
  clinic_id: string;
  his_id: string;
  patient_id: string;
  doctor_id: string;
  starts_at: string;
  starts_at_local: string;
  duration_minutes: number | null;
  visit_type: string | null;
  status: string;
  note: string | null;
  version: number;
  reply_status: string;
  reply_status_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface AppointmentHistoryTable {
  id: Generated<number>;
  clinic_id: string;
  appointment_id: string;
  version: number | null;
  source: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string;
  old_status: string | null;
  new_status: string;
  changed_fields: string;
  created_at: string;
}

export interface StatusChangesTable {
  id: Generated<number>;
  clinic_id: string;
  subject: string;
  subject_id: string;
  subject_his_id: string;
  patient_his_id: string | null;
  light: string;
  from_value: string | null;
  to_value: string;
  source: string;
  actor_label: string;
  reason: string | null;
  created_at: string;
}

export interface WebhookEndpointsTable {
  clinic_id: string;
  url: string;
  secret_enc: string;
  created_at: string;
  updated_at: string;
}

export interface WebhookEventsTable {
  id: string;
  clinic_id: string;
  type: string;
  body: string;
  ordering_key: string;
  status: string;
  attempts: Generated<number>;
  created_at: string;
  delivered_at: string | null;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  clinic_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  url: string;
  ok: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  created_at: string;
}

export interface HisTables {
  doctors: DoctorsTable;
  patients: PatientsTable;
  appointments: AppointmentsTable;
  appointment_history: AppointmentHistoryTable;
  status_changes: StatusChangesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
