// Kysely table types of the FAQ bot (migration 0190_faq.ts).
export interface FaqsTable {
  id: string;
  clinic_id: string;
  title: string;
  category: string;
  /** JSON: { type: 'text', text } or { type: 'flex', altText, contents }. */
  answer: string;
  enabled: number;
  hits: number;
  last_hit_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface FaqWordingsTable {
  id: string;
  clinic_id: string;
  faq_id: string;
  text: string;
  /** wordingKey(text): two wordings with the same key are the same question. */
  norm: string;
  position: number;
  created_at: string;
}

export interface FaqSynonymsTable {
  id: string;
  clinic_id: string;
  /** JSON array of terms; the first is the canonical one. */
  terms: string;
  created_at: string;
  updated_at: string;
}

export interface FaqQuestionsTable {
  id: string;
  clinic_id: string;
  /** The LINE webhook event id: one row per event, however often the job runs. */
  event_key: string;
  line_user_id: string | null;
  text: string;
  /** The FAQ answered with (outcome 'answered'). */
  faq_id: string | null;
  /** The best candidate below the threshold: the trainer's preselected FAQ. */
  suggested_faq_id: string | null;
  confidence: number;
  /** answered | low_confidence | unanswered */
  outcome: string;
  replied_at: string | null;
  /** helpful | not_helpful */
  feedback: string | null;
  feedback_at: string | null;
  /** none (answered, nothing to review) | open (in the trainer queue) | added | created | dismissed */
  review: string;
  reviewed_at: string | null;
  reviewed_by: string | null;
  asked_at: string;
}

export interface FaqSettingsTable {
  clinic_id: string;
  seeded_at: string;
  /** Bumped by every edit of FAQs, wordings or synonyms: a process's cached index is stale when it differs. */
  version: number;
}

export interface FaqTables {
  faqs: FaqsTable;
  faq_wordings: FaqWordingsTable;
  faq_synonyms: FaqSynonymsTable;
  faq_questions: FaqQuestionsTable;
  faq_settings: FaqSettingsTable;
}
