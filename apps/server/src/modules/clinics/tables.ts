// The clinics table (owned by this module): one row per tenant, sandboxes included.
export interface ClinicsTable {
  id: string;
  name: string;
  time_zone: string;
  address: string;
  phone: string;
  /** JSON: [{weekday, open, close}] */
  business_hours: string;
  status: string;
  /** The real clinic a sandbox belongs to; null for a real clinic. */
  sandbox_of: string | null;
  created_at: string;
  updated_at: string;
}

export interface ClinicTables {
  clinics: ClinicsTable;
}
