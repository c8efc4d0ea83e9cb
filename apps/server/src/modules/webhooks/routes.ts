// Back office, settings → HIS 串接 (admin): webhook URL and secret, the delivery log with
// manual redelivery, and "send a test event".
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses } from '../../platform/http.ts';
import { webhookService } from './service.ts';

const TAG = '後台：HIS 串接';

const Config = Type.Object({
  configured: Type.Boolean(),
  url: Type.Union([Type.String(), Type.Null()]),
  secret: Type.Union([Type.String(), Type.Null()], { description: '簽章密鑰（僅管理者可見）' }),
  updatedAt: Type.Union([Type.String(), Type.Null()]),
});

const Delivery = Type.Object({
  id: Type.Integer(),
  eventId: Type.String(),
  eventType: Type.String(),
  attempt: Type.Integer(),
  url: Type.String(),
  ok: Type.Boolean(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  durationMs: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

export function webhookRoutes(app: FastifyInstance, deps: Deps): void {
  const svc = webhookService(deps);
  const admin = requireStaff(deps, ['admin']);

  app.get(
    '/api/his/webhook',
    {
      schema: {
        tags: [TAG],
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
        summary: '設定 Webhook',
        description: '設定 HIS 接收燈號變更的網址；不填密鑰則由系統產生。',
        body: Type.Object(
          {
            url: Type.String({ minLength: 8, maxLength: 500 }),
            secret: Type.Optional(Type.String({ minLength: 16, maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ url: Type.String(), secret: Type.String() }), ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.setConfig(clinicOf(req), req.body as { url: string; secret?: string }, actorOf(req), req.ip),
  );

  app.get(
    '/api/his/webhook/deliveries',
    {
      schema: {
        tags: [TAG],
        summary: 'Webhook 傳送紀錄',
        description: '每次傳送嘗試一筆，新到舊。failed=true 只看失敗；以 before=<上頁 nextBefore> 翻頁。',
        querystring: Type.Object({
          failed: Type.Optional(Type.Boolean()),
          before: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(Delivery), nextBefore: Type.Union([Type.Integer(), Type.Null()]) }),
          ...errorResponses(400, 401, 403),
        },
      },
      preHandler: admin,
    },
    async (req) => {
      const q = req.query as { failed?: boolean; before?: number; limit?: number };
      return svc.listDeliveries(clinicOf(req), { failed: q.failed, before: q.before, limit: q.limit ?? 50 });
    },
  );

  app.post(
    '/api/his/webhook/deliveries/:id/redeliver',
    {
      schema: {
        tags: [TAG],
        summary: '重新傳送',
        description: '把這筆紀錄的事件重新排入傳送（事件 id 不變）。',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: {
          202: Type.Object({ eventId: Type.String(), jobId: Type.Integer() }),
          ...errorResponses(401, 403, 404, 409),
        },
      },
      preHandler: admin,
    },
    async (req, reply) =>
      reply
        .status(202)
        .send(await svc.redeliver(clinicOf(req), (req.params as { id: number }).id, actorOf(req), req.ip)),
  );

  app.post(
    '/api/his/webhook/test',
    {
      schema: {
        tags: [TAG],
        summary: '傳送測試事件',
        description: '排入一個 webhook.test 事件，可在傳送紀錄查看結果。',
        response: { 202: Type.Object({ eventId: Type.String() }), ...errorResponses(401, 403, 409) },
      },
      preHandler: admin,
    },
    async (req, reply) => reply.status(202).send(await svc.sendTest(clinicOf(req), actorOf(req))),
  );
}
