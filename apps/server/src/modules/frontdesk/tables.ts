// Kysely table types of the front-desk back office (migration 0040_frontdesk.ts).

export interface SavedFiltersTable {
  id: string;
  clinic_id: string;
  staff_id: string;
  name: string;
  /** JSON of the list query (from/to preset, doctor, status, reply, q, sort). */
  filters: string;
  created_at: string;
}

export interface AppointmentNotesTable {
  id: string;
  clinic_id: string;
  appointment_id: string;
  staff_id: string | null;
  author_label: string;
  /** note | handled | message */
  kind: string;
  body: string;
  created_at: string;
}

export interface CalendarFeedsTable {
  id: string;
  clinic_id: string;
  /** '' = all doctors, else doctors.id */
  doctor_id: string;
  token_hash: string;
  token_enc: string;
  created_at: string;
  rotated_at: string | null;
  last_fetched_at: string | null;
}

export interface FrontdeskSettingsTable {
  clinic_id: string;
  feed_initials_only: number;
  roc_dates: number;
  updated_at: string;
}

export interface FrontdeskTables {
  saved_filters: SavedFiltersTable;
  appointment_notes: AppointmentNotesTable;
  calendar_feeds: CalendarFeedsTable;
  frontdesk_settings: FrontdeskSettingsTable;
}
