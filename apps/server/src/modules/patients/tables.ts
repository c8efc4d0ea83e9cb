// Kysely table types of the patients module: the patient row (the HIS's fields, the LINE light,
// the visit summary and the name's sort key), its search profile, the name bigrams, merges and
// import/export transfers.
import type { Generated, Selectable } from 'kysely';

/** A patient row as read from the database. */
export type PatientRow = Selectable<PatientsTable>;

export interface PatientsTable {
  id: string;
  clinic_id: string;
  his_id: string;
  name: string;
  /** Stroke-order sort key of the name (stroke-order.ts), written with every name. */
  name_sort: Generated<string>;
  chart_no: string | null;
  gender: string | null;
  birth_date: string | null;
  phone_e164: string | null;
  phone_is_mobile: number;
  phone_hash: string | null;
  national_id_enc: string | null;
  national_id_hash: string | null;
  national_id_masked: string | null;
  line_status: string;
  line_status_at: string | null;
  created_at: string;
  updated_at: string;
  /** Visit summary, derived from appointments (service.ts refreshVisits; migration 0053). */
  last_visit_at: string | null;
  next_visit_at: string | null;
  no_show_count: Generated<number>;
}

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

export interface PatientTables {
  patients: PatientsTable;
  patient_profiles: PatientProfilesTable;
  patient_name_grams: PatientNameGramsTable;
  patient_merges: PatientMergesTable;
  patient_transfers: PatientTransfersTable;
}
