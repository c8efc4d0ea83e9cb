// Kysely table types of the patient list (migration 0050_patients_list.ts).

export interface PatientProfilesTable {
  patient_id: string;
  clinic_id: string;
  /** his: created by the HIS; manual: added in the back office; import: from a file. */
  source: string;
  notes: string;
  /** Lower-cased name (prefix search for one character). */
  name_key: string;
  /** Digits of the national-format phone reversed (0912345678 → 8765432190): last-digits search is a prefix range. */
  phone_rev: string | null;
  merged_into: string | null;
  merged_at: string | null;
  updated_at: string;
}

export interface PatientNameGramsTable {
  clinic_id: string;
  gram: string;
  patient_id: string;
}

export interface TagsTable {
  id: string;
  clinic_id: string;
  name: string;
  color: string;
  kind: string;
  rule: string | null;
  recomputed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface PatientTagsTable {
  clinic_id: string;
  tag_id: string;
  patient_id: string;
  source: string;
  created_at: string;
}

export interface SegmentsTable {
  id: string;
  clinic_id: string;
  name: string;
  conditions: string;
  created_at: string;
  updated_at: string;
}

export interface PatientMergesTable {
  id: string;
  clinic_id: string;
  survivor_id: string;
  merged_id: string;
  survivor_before: string;
  merged_before: string;
  chosen: string;
  moved: string;
  created_by: string;
  created_at: string;
  undo_until: string;
  undone_at: string | null;
  undone_by: string | null;
}

export interface RecallRulesTable {
  id: string;
  clinic_id: string;
  name: string;
  kind: string;
  visit_type: string | null;
  interval_days: number;
  message: string;
  button: string;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface RecallsTable {
  id: string;
  clinic_id: string;
  rule_id: string;
  patient_id: string;
  basis_visit_at: string;
  due_date: string;
  status: string;
  channel: string | null;
  sent_at: string | null;
  outcome: string | null;
  outcome_at: string | null;
  outcome_by: string | null;
  note: string;
  created_at: string;
  updated_at: string;
}

export interface PatientTransfersTable {
  id: string;
  clinic_id: string;
  kind: string;
  format: string;
  filename: string;
  status: string;
  params: string;
  total: number;
  processed: number;
  imported: number;
  failed: number;
  errors: string;
  data: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface PatientListTables {
  patient_profiles: PatientProfilesTable;
  patient_name_grams: PatientNameGramsTable;
  tags: TagsTable;
  patient_tags: PatientTagsTable;
  segments: SegmentsTable;
  patient_merges: PatientMergesTable;
  recall_rules: RecallRulesTable;
  recalls: RecallsTable;
  patient_transfers: PatientTransfersTable;
}
