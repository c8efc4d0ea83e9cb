import type { Generated } from 'kysely';

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface ClinicsTable {
  id: string;
  name: string;
  time_zone: string;
  address: string;
  phone: string;
  business_hours: string;
  status: string;
  sandbox_of: string | null;
  created_at: string;
  updated_at: string;
}

export interface StaffUsersTable {
  id: string;
  clinic_id: string | null;
  email: string;
  name: string;
  role: string;
  status: string;
  password_hash: string | null;
  invite_token_hash: string | null;
  invite_expires_at: string | null;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  clinic_id: string | null;
  csrf_token: string;
  ip: string;
  user_agent: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface RateLimitsTable {
  key: string;
  window_start: string;
  count: number;
  blocked_until: string | null;
}

export interface ApiKeysTable {
  id: string;
  clinic_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  clinic_id: string | null;
  actor_type: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  detail: string;
  ip: string;
  created_at: string;
}

export interface JobsTable {
  id: Generated<number>;
  clinic_id: string | null;
  type: string;
  payload: string;
  status: string;
  run_at: string;
  attempts: Generated<number>;
  max_attempts: number;
  idempotency_key: string | null;
  ordering_key: string | null;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface FoundationTables {
  schema_migrations: SchemaMigrationsTable;
  clinics: ClinicsTable;
  staff_users: StaffUsersTable;
  sessions: SessionsTable;
  rate_limits: RateLimitsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  jobs: JobsTable;
}
