// Health, readiness and Prometheus metrics for operators.
import { databaseAnswers } from '../../db/migrator.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorBody, type App } from '../../platform/http.ts';
import { queueStats } from '../../platform/jobs.ts';

export function systemRoutes(app: App, deps: Deps): void {
  app.get('/healthz', { schema: { tags: ['系統'], summary: '程序存活' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['系統'], summary: '可以服務（資料庫可連線）' } }, async (_req, reply) => {
    if (await databaseAnswers(deps.db)) return { status: 'ready', database: deps.dialect };
    return reply.status(503).send(errorBody('NOT_READY', '資料庫無法連線'));
  });
  app.get('/metrics', { schema: { tags: ['系統'], summary: 'Prometheus 指標' } }, async (_req, reply) => {
    const q = await queueStats(deps.db, deps.clock.now());
    return reply.type('text/plain; version=0.0.4').send(deps.metrics.render(q));
  });
}
