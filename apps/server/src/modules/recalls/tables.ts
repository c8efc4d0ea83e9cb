// Kysely table types of recall rules and the recall list.

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

export interface RecallTables {
  recall_rules: RecallRulesTable;
  recalls: RecallsTable;
}
