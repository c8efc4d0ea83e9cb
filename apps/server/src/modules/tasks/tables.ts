// Kysely table types of the front desk's tasks (a patient's cancel or reschedule request waiting
// for the front desk; migration 0020_binding.ts).
export interface FrontDeskTasksTable {
  id: string;
  clinic_id: string;
  appointment_id: string;
  patient_id: string;
  kind: string;
  status: string;
  source: string;
  payload: string;
  created_at: string;
  handled_at: string | null;
  handled_by: string | null;
}

export interface TaskTables {
  front_desk_tasks: FrontDeskTasksTable;
}
