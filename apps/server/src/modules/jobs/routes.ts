// Admins see their clinic's job queue, dead jobs with their last error, and can retry them.
// Claiming and running jobs, and every query on the jobs table, live in platform/jobs.ts.
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { jobCountsByStatus, listJobs, retryJob } from '../../platform/jobs.ts';
import { jobStatusLabel, jobTypeLabel } from '../../labels.ts';

const JOB_STATUSES = ['dead', 'pending', 'running', 'done'] as const;
import { JobParams, JobsPage, JobsQuery } from './schemas.ts';

export function jobRoutes(app: App, deps: Deps): void {
  const admin = requireStaff(deps, ['admin']);
  app.get(
    '/api/jobs',
    {
      schema: {
        tags: ['後台：系統'],
        summary: '背景工作佇列',
        querystring: JobsQuery,
        response: { 200: JobsPage, ...errorResponses(400, 401, 403) },
      },
      preHandler: admin,
    },
    async (req) => {
      const clinicId = clinicOf(req);
      const [rows, counts] = await Promise.all([
        listJobs(deps.db, clinicId, { status: req.query.status, limit: req.query.limit ?? 50 }),
        jobCountsByStatus(deps.db, clinicId),
      ]);
      return {
        items: rows.map((r) => ({
          id: Number(r.id),
          type: r.type,
          typeLabel: jobTypeLabel(r.type),
          status: r.status,
          statusLabel: jobStatusLabel(r.status),
          attempts: r.attempts,
          maxAttempts: r.max_attempts,
          runAt: r.run_at,
          lastError: r.last_error,
          createdAt: r.created_at,
          finishedAt: r.finished_at,
        })),
        counts,
        statuses: JOB_STATUSES.map((status) => ({ status, label: jobStatusLabel(status), count: counts[status] ?? 0 })),
      };
    },
  );
  app.post(
    '/api/jobs/:id/retry',
    {
      schema: {
        tags: ['後台：系統'],
        summary: '重新執行失敗的工作',
        params: JobParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: admin,
    },
    async (req, reply) => {
      const { id } = req.params;
      await retryJob(deps.db, deps.clock, clinicOf(req), id);
      await recordAudit(deps.db, deps.clock, {
        clinicId: clinicOf(req),
        actor: actorOf(req),
        action: 'job.retried',
        entityType: 'job',
        entityId: String(id),
        ip: req.ip,
      });
      return reply.status(204).send(null);
    },
  );
}
