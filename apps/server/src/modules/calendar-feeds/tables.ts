// Kysely table types of the iCalendar feeds (a secret URL per doctor and one for all doctors)
// and the front desk's display settings that shape them.

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

export interface CalendarFeedTables {
  calendar_feeds: CalendarFeedsTable;
  frontdesk_settings: FrontdeskSettingsTable;
}
