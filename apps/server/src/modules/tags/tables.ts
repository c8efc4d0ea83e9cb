// Kysely table types of tags (manual and rule-based), their assignments and saved segments.

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

export interface TagTables {
  tags: TagsTable;
  patient_tags: PatientTagsTable;
  segments: SegmentsTable;
}
