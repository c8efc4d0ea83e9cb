// Reading the append-only audit log (writes go through platform/audit.ts recordAudit).
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';

export type AuditFilter = {
  action?: string;
  entityType?: string;
  entityId?: string;
  actorId?: string;
  from?: string;
  to?: string;
  before?: number;
  limit: number;
};

export function auditRepository(db: Kysely<DB>) {
  return {
    /** Newest first; `limit + 1` rows so the caller can tell whether there is a next page. */
    list(clinicId: string, f: AuditFilter) {
      let query = db.selectFrom('audit_log').selectAll().where('clinic_id', '=', clinicId);
      // "patient.*" matches a prefix; LIKE wildcards typed by the user are dropped, not interpreted.
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
      return query
        .orderBy('id', 'desc')
        .limit(f.limit + 1)
        .execute();
    },
  };
}
