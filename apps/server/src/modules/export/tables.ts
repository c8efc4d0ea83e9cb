// Kysely table types of the clinic's full data export: one row per export (a job's record and
// its progress), the file it produced kept for a short while under EXPORT_DIR.

export interface DataExportsTable {
  id: string;
  clinic_id: string;
  /** queued | running | done | failed | expired */
  status: string;
  /** tables | fhir | zip: the step running now (null before the start and after the end). */
  phase: string | null;
  tables_total: number;
  tables_done: number;
  rows_written: number;
  fhir_written: number;
  /** The table or resource type being written now (for the progress line). */
  current: string | null;
  file_name: string | null;
  size_bytes: number | null;
  error: string | null;
  requested_by: string;
  requested_by_id: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** When the file is deleted (the row stays as the record of the export). */
  expires_at: string | null;
  updated_at: string;
}

export interface ExportTables {
  data_exports: DataExportsTable;
}
