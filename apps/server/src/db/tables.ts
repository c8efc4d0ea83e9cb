// The platform's own tables (migrations, rate limits, audit log, jobs); each module declares its
// tables in its own tables.ts.
import type { Generated } from 'kysely';

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface RateLimitsTable {
  key: string;
  window_start: string;
  count: number;
  blocked_until: string | null;
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
  status: 'pending' | 'running' | 'done' | 'dead';
  run_at: string;
  attempts: Generated<number>;
  max_attempts: number;
  /** 0 interactive, 1 normal, 2 bulk: claimed in that order (migration 0110). */
  priority: Generated<number>;
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
  rate_limits: RateLimitsTable;
  audit_log: AuditLogTable;
  jobs: JobsTable;
}
