// Append-only audit log of who read or changed patient data and settings: the only place SQL
// runs on audit_log. The table rejects UPDATE and DELETE at the database level; the API offers
// only list (modules/audit).
import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { AuditLogTable } from '../db/tables.ts';
import type { Clock } from './clock.ts';

export type Actor =
  | { type: 'staff'; id: string; label: string }
  | { type: 'api_key'; id: string; label: string }
  | { type: 'patient'; id: string; label: string }
  | { type: 'system'; id: null; label: string };

export const systemActor: Actor = { type: 'system', id: null, label: 'system' };

export type AuditEntry = {
  clinicId: string | null;
  actor: Actor;
  action: string;
  entityType: string;
  entityId?: string | null;
  detail?: Record<string, unknown>;
  ip?: string;
};

export async function recordAudit(db: Kysely<DB>, clock: Clock, e: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      clinic_id: e.clinicId,
      actor_type: e.actor.type,
      actor_id: e.actor.id,
      actor_label: e.actor.label,
      action: e.action,
      entity_type: e.entityType,
      entity_id: e.entityId ?? null,
      detail: JSON.stringify(e.detail ?? {}),
      ip: e.ip ?? '',
      created_at: clock.now().toISOString(),
    })
    .execute();
}

export type AuditRow = Selectable<AuditLogTable>;

export type AuditFilter = {
  /** An action, or a prefix ending in `*` ("patient.*"). */
  action?: string;
  entityType?: string;
  entityId?: string;
  actorId?: string;
  /** ISO times: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  /** Paging: entries with an id below this one. */
  before?: number;
  limit: number;
};

/** A clinic's entries, newest first, at most `f.limit`. */
export async function listAudit(db: Kysely<DB>, clinicId: string, f: AuditFilter): Promise<AuditRow[]> {
  let query = db.selectFrom('audit_log').selectAll().where('clinic_id', '=', clinicId);
  // LIKE wildcards typed by the user are dropped, not interpreted.
  if (f.action)
    query = f.action.endsWith('*')
      ? query.where('action', 'like', `${f.action.slice(0, -1).replace(/[%_]/g, '')}%`)
      : query.where('action', '=', f.action);
  if (f.entityType) query = query.where('entity_type', '=', f.entityType);
  if (f.entityId) query = query.where('entity_id', '=', f.entityId);
  if (f.actorId) query = query.where('actor_id', '=', f.actorId);
  if (f.from) query = query.where('created_at', '>=', new Date(f.from).toISOString());
  if (f.to) query = query.where('created_at', '<', new Date(f.to).toISOString());
  if (f.before) query = query.where('id', '<', f.before);
  return query.orderBy('id', 'desc').limit(f.limit).execute();
}
