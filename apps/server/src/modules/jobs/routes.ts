// Admins see their clinic's job queue, dead jobs with their last error, and can retry them.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses } from '../../platform/http.ts';
import { retryJob } from '../../platform/jobs.ts';
import { jobsRepository } from './repository.ts';

const Job = Type.Object({
  id: Type.Integer(),
  type: Type.String(),
  status: Type.String({ description: 'pending 等待中、running 執行中、done 完成、dead 已放棄（需人工處理）' }),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  runAt: Type.String(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});

export function jobRoutes(app: FastifyInstance, deps: Deps): void {
  const admin = requireStaff(deps, ['admin']);
  const jobs = jobsRepository(deps.db);
  app.get(
    '/api/jobs',
    {
      schema: {
        tags: ['後台：系統'],
        summary: '背景工作佇列',
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Union([
                Type.Literal('pending'),
                Type.Literal('running'),
                Type.Literal('done'),
                Type.Literal('dead'),
              ]),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(Job), counts: Type.Record(Type.String(), Type.Integer()) }),
          ...errorResponses(400, 401, 403),
        },
      },
      preHandler: admin,
    },
    async (req) => {
      const clinicId = clinicOf(req);
      const q = req.query as { status?: string; limit?: number };
      const [rows, counts] = await Promise.all([
        jobs.list(clinicId, { status: q.status, limit: q.limit ?? 50 }),
        jobs.countsByStatus(clinicId),
      ]);
      return {
        items: rows.map((r) => ({
          id: r.id,
          type: r.type,
          status: r.status,
          attempts: r.attempts,
          maxAttempts: r.max_attempts,
          runAt: r.run_at,
          lastError: r.last_error,
          createdAt: r.created_at,
          finishedAt: r.finished_at,
        })),
        counts,
      };
    },
  );
  app.post(
    '/api/jobs/:id/retry',
    {
      schema: {
        tags: ['後台：系統'],
        summary: '重新執行失敗的工作',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: admin,
    },
    async (req, reply) => {
      const { id } = req.params as { id: number };
      await retryJob(deps.db, deps.clock, clinicOf(req), id);
      await recordAudit(deps.db, deps.clock, {
        clinicId: clinicOf(req),
        actor: actorOf(req),
        action: 'job.retried',
        entityType: 'job',
        entityId: String(id),
        ip: req.ip,
      });
      return reply.status(204).send();
    },
  );
}
