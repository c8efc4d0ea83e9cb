// Kysely table types of questionnaires: the questionnaire, its sends, recipients and responses.
export interface QuestionnairesTable {
  id: string;
  clinic_id: string;
  title: string;
  intro: string;
  /** JSON: Question[] (service.ts). */
  questions: string;
  closes_at: string | null;
  after_visit: number;
  after_visit_delay_minutes: number;
  /** JSON: string[] of visit types, or null for every visit. */
  after_visit_types: string | null;
  /** The built-in template it was made from (e.g. satisfaction), or null. */
  template: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface QuestionnaireSendsTable {
  id: string;
  clinic_id: string;
  questionnaire_id: string;
  audience_kind: string;
  audience_id: string;
  audience_label: string;
  matched: number;
  queued: number;
  created_by: string;
  created_at: string;
}

export interface QuestionnaireRecipientsTable {
  id: string;
  clinic_id: string;
  questionnaire_id: string;
  patient_id: string;
  line_user_id: string | null;
  /** segment | tag | visit */
  source: string;
  /** The send id (segment, tag) or the appointment id (visit). */
  source_ref: string | null;
  /** queued | sent | answered | no_line | over_cap | closed | failed */
  status: string;
  send_at: string;
  sent_at: string | null;
  answered_at: string | null;
  note: string;
  created_at: string;
  updated_at: string;
}

export interface QuestionnaireResponsesTable {
  id: string;
  clinic_id: string;
  questionnaire_id: string;
  recipient_id: string;
  patient_id: string;
  /** JSON: { [questionId]: string | string[] | number } */
  answers: string;
  submitted_at: string;
}

export interface QuestionnaireTables {
  questionnaires: QuestionnairesTable;
  questionnaire_sends: QuestionnaireSendsTable;
  questionnaire_recipients: QuestionnaireRecipientsTable;
  questionnaire_responses: QuestionnaireResponsesTable;
}
