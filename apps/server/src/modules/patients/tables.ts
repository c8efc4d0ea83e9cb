// Kysely table type of the HIS's patients.
import type { Generated, Selectable } from 'kysely';

/** A patient row as read from the database. */
export type PatientRow = Selectable<PatientsTable>;

export interface PatientsTable {
  id: string;
  clinic_id: string;
  his_id: string;
  name: string;
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
  /** Visit summary, derived from appointments by patient-list/sync.ts (migration 0053). */
  last_visit_at: string | null;
  next_visit_at: string | null;
  no_show_count: Generated<number>;
}

export interface PatientTables {
  patients: PatientsTable;
}
