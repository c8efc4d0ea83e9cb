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
    sandbox: Type.Boolean({ description: '沙盒金鑰：寫入本診所的沙盒，不會動到正式病患資料' }),
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
  app.get(
    '/api/api-keys',
    {
      schema: {
        tags: ['後台：HIS 串接'],
        summary: 'HIS API 金鑰列表',
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('ApiKey')) }), ...errorResponses(401, 403) },
      },
      preHandler: admin,
    },
    async (req) => ({
      items: await svc.list(clinicOf(req)),
    }),
  );
  app.post(
    '/api/api-keys',
    {
      schema: {
        tags: ['後台：HIS 串接'],
        summary: '建立 HIS API 金鑰',
        description: '金鑰只會在建立時顯示一次，請立即複製保存。',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100, description: '用途說明，例如「院內 HIS 正式機」' }),
            sandbox: Type.Optional(
              Type.Boolean({
                description: 'true：建立沙盒金鑰（寫入「<診所> (沙盒)」，第一次使用時自動建立），給廠商測試串接用',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ apiKey: Type.Ref('ApiKey'), key: Type.String() }),
          ...errorResponses(401, 403, 422),
        },
      },
      preHandler: admin,
    },
    async (req, reply) => {
      const body = req.body as { name: string; sandbox?: boolean };
      return reply.status(201).send(
        await svc.create(clinicOf(req), body.name, actorOf(req), req.ip, undefined, {
          sandbox: body.sandbox === true,
        }),
      );
    },
  );
  app.delete(
    '/api/api-keys/:id',
    {
      schema: {
        tags: ['後台：HIS 串接'],
        summary: '撤銷 HIS API 金鑰',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: admin,
    },
    async (req, reply) => {
      await svc.revoke(clinicOf(req), (req.params as { id: string }).id, actorOf(req), req.ip);
      return reply.status(204).send();
    },
  );
}
