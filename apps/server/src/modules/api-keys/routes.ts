import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { ApiKey, ApiKeyList, ApiKeyParams, CreateApiKeyBody, CreatedApiKey } from './schemas.ts';
import { apiKeyService } from './service.ts';

export function apiKeyRoutes(app: App, deps: Deps): void {
  const svc = apiKeyService(deps);
  const admin = requireStaff(deps, ['admin']);
  app.addSchema(ApiKey);
  app.get(
    '/api/api-keys',
    {
      schema: {
        tags: ['後台：HIS 串接'],
        summary: 'HIS API 金鑰列表',
        response: { 200: ApiKeyList, ...errorResponses(401, 403) },
      },
      preHandler: admin,
    },
    async (req) => ({ items: await svc.list(clinicOf(req)) }),
  );
  app.post(
    '/api/api-keys',
    {
      schema: {
        tags: ['後台：HIS 串接'],
        summary: '建立 HIS API 金鑰',
        description: '金鑰只會在建立時顯示一次，請立即複製保存。',
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKey, ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req, reply) => {
      const created = await svc.create(clinicOf(req), req.body.name, actorOf(req), req.ip, undefined, {
        sandbox: req.body.sandbox === true,
      });
      return reply.status(201).send(created);
    },
  );
  app.delete(
    '/api/api-keys/:id',
    {
      schema: {
        tags: ['後台：HIS 串接'],
        summary: '撤銷 HIS API 金鑰',
        params: ApiKeyParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: admin,
    },
    async (req, reply) => {
      await svc.revoke(clinicOf(req), req.params.id, actorOf(req), req.ip);
      return reply.status(204).send(null);
    },
  );
}
