// Kysely table types of complaint and feedback cases: the case, its timeline, its photos and
// the clinic's time limits.
import type { Generated } from 'kysely';

export interface CasesTable {
  id: string;
  clinic_id: string;
  year: number;
  seq: number;
  number: string;
  kind: string;
  category: string;
  severity: string;
  status: string;
  source: string;
  source_ref: string | null;
  owner_id: string | null;
  owner_label: string | null;
  patient_id: string | null;
  line_user_id: string | null;
  contact_name: string;
  contact_method: string;
  contact_phone: string | null;
  contact_time: string | null;
  text: string;
  first_action_due_at: string | null;
  reply_due_at: string | null;
  first_action_at: string | null;
  replied_at: string | null;
  closed_at: string | null;
  first_action_escalated_at: string | null;
  reply_escalated_at: string | null;
  satisfaction: string | null;
  satisfaction_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface CaseEventsTable {
  id: Generated<number>;
  clinic_id: string;
  case_id: string;
  kind: string;
  text: string;
  channel: string | null;
  actor_label: string;
  created_at: string;
}

export interface CasePhotosTable {
  id: string;
  clinic_id: string;
  case_id: string;
  content_type: string;
  bytes: number;
  data: string;
  created_at: string;
}

export interface CaseSettingsTable {
  clinic_id: string;
  first_action_minutes: number;
  reply_minutes: number;
  business_hours_only: number;
  updated_at: string;
}

export interface CaseTables {
  cases: CasesTable;
  case_events: CaseEventsTable;
  case_photos: CasePhotosTable;
  case_settings: CaseSettingsTable;
}
