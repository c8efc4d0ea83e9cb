// Kysely table type of the HIS connection: each clinic's initial sync (migration 0090).

export interface HisSyncTable {
  clinic_id: string;
  /** The clinic's first HIS call. */
  started_at: string;
  /** When an admin ended the initial sync (it also ends by itself 24 hours after started_at). */
  ended_at: string | null;
  /** Who ended it (the admin's label). */
  ended_by: string | null;
}

export interface HisTables {
  his_sync: HisSyncTable;
}
