import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses } from '../../platform/http.ts';
import { apiKeyService } from './service.ts';

const ApiKey = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String({ description: '金鑰開頭幾碼，方便辨識' }),
    createdAt: Type.String(),
    lastUsedAt: Type.Union([Type.String(), Type.Null()]),
    revokedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'ApiKey' },
);

export function apiKeyRoutes(app: FastifyInstance, deps: Deps): void {
  const svc = apiKeyService(deps);
  const admin = requireStaff(deps, ['admin']);
  app.addSchema(ApiKey);
  app.get('/api/api-keys', { schema: { tags: ['後台：HIS 串接'], summary: 'HIS API 金鑰列表', response: { 200: Type.Object({ items: Type.Array(Type.Ref('ApiKey')) }), ...errorResponses(401, 403) } }, preHandler: admin }, async (req) => ({
    items: await svc.list(clinicOf(req)),
  }));
  app.post('/api/api-keys', {
    schema: {
      tags: ['後台：HIS 串接'], summary: '建立 HIS API 金鑰', description: '金鑰只會在建立時顯示一次，請立即複製保存。',
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100, description: '用途說明，例如「院內 HIS 正式機」' }) }, { additionalProperties: false }),
      response: { 201: Type.Object({ apiKey: Type.Ref('ApiKey'), key: Type.String() }), ...errorResponses(401, 403, 422) },
    },
    preHandler: admin,
  }, async (req, reply) => reply.status(201).send(await svc.create(clinicOf(req), (req.body as { name: string }).name, actorOf(req), req.ip)));
  app.delete('/api/api-keys/:id', {
    schema: { tags: ['後台：HIS 串接'], summary: '撤銷 HIS API 金鑰', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 204: Type.Null(), ...errorResponses(401, 403, 404) } },
    preHandler: admin,
  }, async (req, reply) => {
    await svc.revoke(clinicOf(req), (req.params as { id: string }).id, actorOf(req), req.ip);
    return reply.status(204).send();
  });
}
