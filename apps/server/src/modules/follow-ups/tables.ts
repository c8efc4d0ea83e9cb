// Kysely table types of the follow-up list (待追蹤): the tasks, their history, and the no-show
// follow-up's settings and messages (migration 0235_follow_ups.ts).
import type { Generated } from 'kysely';

export interface FollowUpsTable {
  id: string;
  clinic_id: string;
  source: string;
  priority: string;
  status: string;
  title: string;
  answer: string | null;
  patient_id: string;
  appointment_id: string | null;
  line_user_id: string | null;
  ref_id: string | null;
  idempotency_key: string;
  owner_id: string | null;
  owner_label: string | null;
  due_at: string | null;
  outcome: string | null;
  outcome_note: string | null;
  done_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface FollowUpEventsTable {
  id: Generated<number>;
  clinic_id: string;
  follow_up_id: string;
  kind: string;
  text: string;
  actor_label: string;
  created_at: string;
}

export interface NoShowSettingsTable {
  clinic_id: string;
  enabled: number;
  text: string;
  delay_minutes: number;
  updated_at: string;
}

export interface NoShowMessagesTable {
  id: string;
  clinic_id: string;
  appointment_id: string;
  patient_id: string;
  line_user_id: string | null;
  /** `<patientId>:<local date>` while the row is one that sends: at most one per patient per day. */
  patient_day: string | null;
  status: string;
  skip_reason: string | null;
  recipients: number;
  marked_at: string;
  send_at: string;
  sent_at: string | null;
  answer: string | null;
  answered_at: string | null;
  answered_by: string | null;
  follow_up_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface FollowUpTables {
  follow_ups: FollowUpsTable;
  follow_up_events: FollowUpEventsTable;
  no_show_settings: NoShowSettingsTable;
  no_show_messages: NoShowMessagesTable;
}
