// Back office, settings → HIS 串接 (admin): webhook URL and secret, the delivery log with
// manual redelivery, and "send a test event".
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import {
  Config,
  ConfigBody,
  Configured,
  Deliveries,
  DeliveriesQuery,
  DeliveryParams,
  Redelivered,
  TestSent,
} from './schemas.ts';
import { webhookService } from './service.ts';

const TAG = '後台：HIS 串接';

export function webhookRoutes(app: App, deps: Deps): void {
  const svc = webhookService(deps);
  const admin = requireStaff(deps, ['admin']);

  app.get(
    '/api/his/webhook',
    {
      schema: {
        tags: [TAG],
        operationId: 'getHisWebhookSettings',
        summary: 'Webhook 設定',
        description: '目前設定的 HIS Webhook 網址與簽章密鑰。',
        response: { 200: Config, ...errorResponses(401, 403) },
      },
      preHandler: admin,
    },
    async (req) => {
      const c = await svc.getConfig(clinicOf(req));
      return c
        ? { configured: true, url: c.url, secret: c.secret, updatedAt: c.updatedAt }
        : { configured: false, url: null, secret: null, updatedAt: null };
    },
  );

  app.put(
    '/api/his/webhook',
    {
      schema: {
        tags: [TAG],
        operationId: 'updateHisWebhookSettings',
        summary: '設定 Webhook',
        description: '設定 HIS 接收燈號變更的網址；不填密鑰則由系統產生。',
        body: ConfigBody,
        response: { 200: Configured, ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.setConfig(clinicOf(req), req.body, actorOf(req), req.ip),
  );

  app.get(
    '/api/his/webhook/deliveries',
    {
      schema: {
        tags: [TAG],
        operationId: 'listHisWebhookDeliveries',
        summary: 'Webhook 傳送紀錄',
        description: '每次傳送嘗試一筆，新到舊。failed=true 只看失敗；以 before=<上頁 nextBefore> 翻頁。',
        querystring: DeliveriesQuery,
        response: { 200: Deliveries, ...errorResponses(400, 401, 403) },
      },
      preHandler: admin,
    },
    async (req) =>
      svc.listDeliveries(clinicOf(req), {
        failed: req.query.failed,
        before: req.query.before,
        limit: req.query.limit ?? 50,
      }),
  );

  app.post(
    '/api/his/webhook/deliveries/:id/redeliver',
    {
      schema: {
        tags: [TAG],
        operationId: 'redeliverHisWebhook',
        summary: '重新傳送',
        description: '把這筆紀錄的事件重新排入傳送（事件 id 不變）。',
        params: DeliveryParams,
        response: { 202: Redelivered, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: admin,
    },
    async (req, reply) =>
      reply.status(202).send(await svc.redeliver(clinicOf(req), req.params.id, actorOf(req), req.ip)),
  );

  app.post(
    '/api/his/webhook/test',
    {
      schema: {
        tags: [TAG],
        operationId: 'sendHisWebhookTest',
        summary: '傳送測試事件',
        description: '排入一個 webhook.test 事件，可在傳送紀錄查看結果。',
        response: { 202: TestSent, ...errorResponses(401, 403, 409) },
      },
      preHandler: admin,
    },
    async (req, reply) => reply.status(202).send(await svc.sendTest(clinicOf(req), actorOf(req))),
  );
}
