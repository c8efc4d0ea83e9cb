// The audit log can only be listed (and filtered); there is no endpoint that changes it. Each
// entry carries the zh-TW words for its codes (labels.ts), so every client shows the same.
import { clinicOf, requireStaff } from '../../platform/auth.ts';
import { listAudit, type AuditRow } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import {
  ACTION_GROUP_LABELS,
  actorTypeLabel,
  AUDIT_ACTION_LABELS,
  auditActionLabel,
  describeDetail,
  entityIdLabel,
  ENTITY_TYPE_LABELS,
  entityTypeLabel,
} from '../../labels.ts';
import { AuditPage, AuditQuery, AuditVocabulary } from './schemas.ts';

function parseDetail(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** An audit row as the API shows it: codes with their zh-TW labels, the detail in readable lines. */
export function toAuditEntry(r: AuditRow) {
  const detail = parseDetail(r.detail);
  const nobody = r.actor_type === 'system' && (r.actor_label === 'system' || r.actor_label === 'anonymous');
  return {
    id: Number(r.id),
    actorType: r.actor_type,
    actorTypeLabel: actorTypeLabel(r.actor_type),
    actorId: r.actor_id,
    actorLabel: nobody ? '系統' : r.actor_label,
    action: r.action,
    actionLabel: auditActionLabel(r.action),
    entityType: r.entity_type,
    entityTypeLabel: entityTypeLabel(r.entity_type),
    entityId: r.entity_id,
    entityLabel: entityIdLabel(r.entity_type, r.entity_id),
    detail,
    detailItems: describeDetail(r.action, detail, r.entity_type),
    ip: r.ip,
    createdAt: r.created_at,
  };
}

const byLabel = (labels: Record<string, string>) => Object.entries(labels).map(([code, label]) => ({ code, label }));

export function auditRoutes(app: App, deps: Deps): void {
  const admin = requireStaff(deps, ['admin']);
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['後台：稽核紀錄'],
        summary: '稽核紀錄（新到舊）',
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errorResponses(400, 401, 403) },
      },
      preHandler: admin,
    },
    async (req) => {
      const limit = req.query.limit ?? 50;
      const rows = await listAudit(deps.db, clinicOf(req), { ...req.query, limit: limit + 1 });
      const page = rows.slice(0, limit);
      return {
        items: page.map(toAuditEntry),
        nextBefore: rows.length > limit ? Number(page[page.length - 1].id) : null,
      };
    },
  );
  app.get(
    '/api/audit/vocabulary',
    {
      schema: {
        tags: ['後台：稽核紀錄'],
        summary: '稽核紀錄的動作與對象（篩選用）',
        response: { 200: AuditVocabulary, ...errorResponses(401, 403) },
      },
      preHandler: admin,
    },
    async () => ({
      actions: byLabel(AUDIT_ACTION_LABELS),
      actionGroups: Object.entries(ACTION_GROUP_LABELS).map(([prefix, label]) => ({
        code: `${prefix}.*`,
        label: `${label}（全部）`,
      })),
      entityTypes: byLabel(ENTITY_TYPE_LABELS),
    }),
  );
}
