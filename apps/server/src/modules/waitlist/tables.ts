// Kysely table types of the waitlist (候補): the clinic's settings, the patients waiting for a
// slot (an entry: doctor or any, a date range, a time of day), the slots freed by a cancellation
// or a move (offered in waves until one patient takes it) and one offer row per patient and slot.

export interface WaitlistSettingsTable {
  clinic_id: string;
  enabled: number;
  /** How many patients each wave offers the slot to. */
  wave_size: number;
  /** Minutes between waves. */
  wave_minutes: number;
  updated_at: string;
}

export interface WaitlistEntriesTable {
  id: string;
  clinic_id: string;
  patient_id: string;
  /** Null: any doctor. */
  doctor_id: string | null;
  visit_type: string | null;
  /** The clinic's dates (YYYY-MM-DD), inclusive. */
  date_from: string;
  date_to: string;
  /** any | morning | afternoon | evening */
  time_of_day: string;
  note: string | null;
  /** The LINE user who joined in LIFF (offers go to them); null when staff added the entry. */
  line_user_id: string | null;
  /** liff | staff */
  source: string;
  /** waiting | booked | cancelled */
  status: string;
  /** The freed slot this entry got (status booked). */
  slot_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface WaitlistSlotsTable {
  id: string;
  clinic_id: string;
  /** The appointment that freed it and its version: a retried outcome finds the same slot. */
  appointment_id: string;
  source_key: string;
  /** cancelled | moved */
  reason: string;
  doctor_id: string;
  visit_type: string | null;
  starts_at: string;
  ends_at: string;
  /** offering | filled | no_match | expired | failed */
  status: string;
  /** Waves sent so far (a wave job claims its number, so a retried one sends nothing twice). */
  waves: number;
  offers_sent: number;
  /** When offers stop: shortly before the slot starts. */
  closes_at: string;
  freed_at: string;
  filled_at: string | null;
  filled_offer_id: string | null;
  filled_patient_id: string | null;
  booking_request_id: string | null;
  /** Why the booking of a taken slot failed (the booking service's code), status failed. */
  failure: string | null;
  created_at: string;
  updated_at: string;
}

export interface WaitlistOffersTable {
  id: string;
  clinic_id: string;
  slot_id: string;
  entry_id: string;
  patient_id: string;
  line_user_id: string;
  wave: number;
  /** sent | accepted | declined | taken | expired */
  status: string;
  /** The 「已被預約」 notice to an offer left unanswered: sent | skipped (over the cap, slot past). */
  notice: string | null;
  sent_at: string;
  answered_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WaitlistTables {
  waitlist_settings: WaitlistSettingsTable;
  waitlist_entries: WaitlistEntriesTable;
  waitlist_slots: WaitlistSlotsTable;
  waitlist_offers: WaitlistOffersTable;
}
