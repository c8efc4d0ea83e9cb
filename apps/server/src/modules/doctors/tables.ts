// Kysely table type of the HIS's doctors.

export interface DoctorsTable {
  id: string;
  clinic_id: string;
  his_id: string;
  name: string;
  department: string | null;
  title: string | null;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface DoctorTables {
  doctors: DoctorsTable;
}
