// Append-only audit log of who read or changed patient data and settings. The table
// rejects UPDATE and DELETE at the database level; the API offers only list.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
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
