// Kysely table type of the lights feed: every change of a patient's or appointment's light,
// in order (its serial id is the HIS's resync cursor).
import type { Generated } from 'kysely';

export interface StatusChangesTable {
  id: Generated<number>;
  clinic_id: string;
  subject: string;
  subject_id: string;
  subject_his_id: string;
  patient_his_id: string | null;
  light: string;
  from_value: string | null;
  to_value: string;
  source: string;
  actor_label: string;
  reason: string | null;
  created_at: string;
}

export interface StatusTables {
  status_changes: StatusChangesTable;
}
