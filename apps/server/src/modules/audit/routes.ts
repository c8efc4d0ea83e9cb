// The audit log can only be listed (and filtered); there is no endpoint that changes it.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses } from '../../platform/http.ts';
import { auditRepository, type AuditFilter } from './repository.ts';

const AuditQuery = Type.Object(
  {
    action: Type.Optional(
      Type.String({ maxLength: 100, description: '動作，例如 auth.login；結尾加 * 可比對前綴（patient.*）' }),
    ),
    entityType: Type.Optional(Type.String({ maxLength: 50 })),
    entityId: Type.Optional(Type.String({ maxLength: 100 })),
    actorId: Type.Optional(Type.String({ maxLength: 100 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: '分頁：取 id 小於此值的紀錄' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

const AuditEntry = Type.Object({
  id: Type.Integer(),
  actorType: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorLabel: Type.String(),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()),
  ip: Type.String(),
  createdAt: Type.String(),
});

export function auditRoutes(app: FastifyInstance, deps: Deps): void {
  const audit = auditRepository(deps.db);
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['後台：稽核紀錄'],
        summary: '稽核紀錄（新到舊）',
        querystring: AuditQuery,
        response: {
          200: Type.Object({ items: Type.Array(AuditEntry), nextBefore: Type.Union([Type.Integer(), Type.Null()]) }),
          ...errorResponses(400, 401, 403),
        },
      },
      preHandler: requireStaff(deps, ['admin']),
    },
    async (req) => {
      const q = req.query as Omit<AuditFilter, 'limit'> & { limit?: number };
      const limit = q.limit ?? 50;
      const rows = await audit.list(clinicOf(req), { ...q, limit });
      const page = rows.slice(0, limit);
      return {
        items: page.map((r) => ({
          id: r.id,
          actorType: r.actor_type,
          actorId: r.actor_id,
          actorLabel: r.actor_label,
          action: r.action,
          entityType: r.entity_type,
          entityId: r.entity_id,
          detail: JSON.parse(r.detail),
          ip: r.ip,
          createdAt: r.created_at,
        })),
        nextBefore: rows.length > limit ? page[page.length - 1].id : null,
      };
    },
  );
}
