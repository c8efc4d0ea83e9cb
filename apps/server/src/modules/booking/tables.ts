// Kysely table types of online booking: the clinic's booking settings, per-doctor booking rules,
// the HIS's published availability, booking requests (requested → accepted | declined | expired
// | cancelled), the per-slot lock rows that serialise taking a slot, and the no-show policy with
// staff's per-patient overrides.

export interface BookingSettingsTable {
  clinic_id: string;
  enabled: number;
  /** rules (per-doctor booking rules) | his (slots published by the HIS) */
  slot_source: string;
  /** his (the HIS writes the appointment back with the request id) | staff (accepted in the back office) */
  accept_by: string;
  /** Hours after which an unanswered request expires (the patient is told). */
  expire_hours: number;
  updated_at: string;
}

export interface BookingRulesTable {
  clinic_id: string;
  doctor_id: string;
  enabled: number;
  /** JSON array of bookable visit types; null: any visit type. */
  visit_types: string | null;
  slot_minutes: number;
  days_ahead: number;
  cutoff_minutes: number;
  per_slot: number;
  updated_at: string;
}

export interface BookingAvailabilityTable {
  id: string;
  clinic_id: string;
  doctor_id: string;
  starts_at: string;
  ends_at: string;
  capacity: number;
  /** JSON array of visit types this slot takes; null: any. */
  visit_types: string | null;
  created_at: string;
}

export interface BookingRequestsTable {
  id: string;
  clinic_id: string;
  patient_id: string;
  doctor_id: string;
  visit_type: string | null;
  starts_at: string;
  ends_at: string;
  /** liff | waitlist | recall | staff */
  source: string;
  /** The LINE user who asked (a family member's binding when booking for them). */
  line_user_id: string | null;
  idempotency_key: string;
  /** requested | accepted | declined | expired | cancelled */
  status: string;
  /** 1: the no-show rule holds this request for staff before it goes to the HIS. */
  needs_approval: number;
  decline_reason: string | null;
  appointment_id: string | null;
  decided_by: string | null;
  decided_at: string | null;
  expires_at: string;
  /** The recall whose message the patient booked from (marked 已預約 when this is accepted). */
  recall_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface BookingSlotLocksTable {
  clinic_id: string;
  doctor_id: string;
  starts_at: string;
  /** How many times the slot was taken (only the row lock matters; the count helps debugging). */
  takes: number;
}

export interface BookingNoShowPolicyTable {
  clinic_id: string;
  enabled: number;
  threshold: number;
  message: string;
  updated_at: string;
}

export interface BookingNoShowOverridesTable {
  clinic_id: string;
  patient_id: string;
  /** exempt (never needs approval) | require (always needs approval) */
  mode: string;
  note: string;
  set_by: string;
  updated_at: string;
}

export interface BookingTables {
  booking_settings: BookingSettingsTable;
  booking_rules: BookingRulesTable;
  booking_availability: BookingAvailabilityTable;
  booking_requests: BookingRequestsTable;
  booking_slot_locks: BookingSlotLocksTable;
  booking_no_show_policy: BookingNoShowPolicyTable;
  booking_no_show_overrides: BookingNoShowOverridesTable;
}
