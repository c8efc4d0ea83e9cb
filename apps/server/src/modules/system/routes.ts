// Health, readiness and Prometheus metrics for operators.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../platform/deps.ts';
import { queueStats } from '../../platform/jobs.ts';

export function systemRoutes(app: FastifyInstance, deps: Deps): void {
  app.get('/healthz', { schema: { tags: ['系統'], summary: '程序存活' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['系統'], summary: '可以服務（資料庫可連線）' } }, async (_req, reply) => {
    try {
      await deps.db.selectFrom('schema_migrations').select('version').limit(1).execute();
      return { status: 'ready', database: deps.dialect };
    } catch {
      return reply.status(503).send({ error: { code: 'NOT_READY', message: '資料庫無法連線', details: [] } });
    }
  });
  app.get('/metrics', { schema: { tags: ['系統'], summary: 'Prometheus 指標' } }, async (_req, reply) => {
    const q = await queueStats(deps.db, deps.clock.now());
    return reply.type('text/plain; version=0.0.4').send(deps.metrics.render(q));
  });
}
