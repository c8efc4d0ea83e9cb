// Kysely table types of post-visit satisfaction: the clinic's survey settings, one survey per
// completed visit (scheduled → sent → answered, or skipped with its reason), and the log of
// when a patient was last asked for feedback (the "at most once per N days" rule, shared with
// questionnaires through mayAskPatient / notePatientAsked).

export interface SatisfactionSettingsTable {
  clinic_id: string;
  enabled: number;
  delay_minutes: number;
  validity_days: number;
  min_days_between: number;
  /** JSON array of doctor ids; null: every doctor. */
  doctor_ids: string | null;
  /** JSON array of visit types; null: every visit type. */
  visit_types: string | null;
  /** The clinic's Google Place ID (its review link); '' when not set. */
  place_id: string;
  message_text: string;
  updated_at: string;
}

export interface SatisfactionSurveysTable {
  id: string;
  clinic_id: string;
  appointment_id: string;
  patient_id: string;
  doctor_id: string;
  visit_type: string | null;
  visit_at: string;
  /** The LINE user the survey went to (the patient's or a family member's binding). */
  line_user_id: string | null;
  /** scheduled | sent | answered | skipped */
  status: string;
  /** Why it was not sent: no_line | recently_asked | over_cap | disabled | not_selected. */
  skip_reason: string | null;
  send_at: string;
  sent_at: string | null;
  expires_at: string | null;
  stars: number | null;
  answered_at: string | null;
  /** The LINE event (or LIFF submission) that gave the stars: a retry of it is told the same. */
  answer_ref: string | null;
  comment: string | null;
  commented_at: string | null;
  /** line (a text reply after the stars) | liff (the comment page). */
  comment_via: string | null;
  review_offered: number;
  case_id: string | null;
  case_number: string | null;
  created_at: string;
  updated_at: string;
}

export interface SatisfactionAsksTable {
  id: string;
  clinic_id: string;
  patient_id: string;
  asked_at: string;
  /** survey | questionnaire */
  source: string;
  ref_id: string;
}

export interface SatisfactionTables {
  satisfaction_settings: SatisfactionSettingsTable;
  satisfaction_surveys: SatisfactionSurveysTable;
  satisfaction_asks: SatisfactionAsksTable;
}
