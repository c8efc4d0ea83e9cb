// HIS API keys (owned by this module).
export interface ApiKeysTable {
  id: string;
  clinic_id: string;
  name: string;
  prefix: string;
  /** SHA-256 of the key: the key is shown once and never stored. */
  key_hash: string;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface ApiKeyTables {
  api_keys: ApiKeysTable;
}
