// Kysely table types of the appointments module: the HIS's appointments, their history, the
// front desk's notes on them and each staff member's saved list filters.
import type { Generated } from 'kysely';

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
  /** When the HIS says the booking was made (RFC 3339 as sent), if it said so. */
  booked_at: Generated<string | null>;
  /** 1: the booking-day message may go out; 0: first seen in the initial sync, or booked long ago. */
  booking_message: Generated<number>;
  /** JSON array of the HIS's treatment codes of the visit (e.g. ["92013C"]); null when not sent. */
  treatment_codes: Generated<string | null>;
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
  /** JSON [{field, from, to}] of what changed (null on entries written before it was kept). */
  changes: Generated<string | null>;
  /** Why, in words (a patient's reason, the reminder that went out …). */
  reason: Generated<string | null>;
  created_at: string;
}

export interface AppointmentNotesTable {
  id: string;
  clinic_id: string;
  appointment_id: string;
  staff_id: string | null;
  author_label: string;
  /** note | handled | message | reminder */
  kind: string;
  body: string;
  created_at: string;
}

export interface SavedFiltersTable {
  id: string;
  clinic_id: string;
  staff_id: string;
  name: string;
  /** JSON of the list query (from/to preset, doctor, status, reply, q, sort). */
  filters: string;
  created_at: string;
}

export interface AppointmentTables {
  appointments: AppointmentsTable;
  appointment_history: AppointmentHistoryTable;
  appointment_notes: AppointmentNotesTable;
  saved_filters: SavedFiltersTable;
}
