import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { openClinic } from './onboarding.ts';
import { ClinicList, CreateClinicBody, OpenedClinic, UpdateClinicBody } from './schemas.ts';
import { clinicService } from './service.ts';

export function clinicRoutes(app: App, deps: Deps): void {
  const svc = clinicService(deps);
  app.get(
    '/api/clinic',
    {
      schema: {
        tags: ['後台：診所設定'],
        summary: '本診所資料',
        response: { 200: Type.Ref('Clinic'), ...errorResponses(401) },
      },
      preHandler: requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']),
    },
    async (req) => svc.get(clinicOf(req)),
  );
  app.patch(
    '/api/clinic',
    {
      schema: {
        tags: ['後台：診所設定'],
        summary: '修改診所資料（管理者）',
        body: UpdateClinicBody,
        response: { 200: Type.Ref('Clinic'), ...errorResponses(401, 403, 422) },
      },
      preHandler: requireStaff(deps, ['admin']),
    },
    async (req) => svc.update(clinicOf(req), req.body, actorOf(req), req.ip),
  );

  const operator = requireStaff(deps, ['platform_operator']);
  app.get(
    '/api/platform/clinics',
    {
      schema: {
        tags: ['平台營運'],
        summary: '所有診所',
        response: { 200: ClinicList, ...errorResponses(401, 403) },
      },
      preHandler: operator,
    },
    async () => ({ items: await svc.list() }),
  );
  app.post(
    '/api/platform/clinics',
    {
      schema: {
        tags: ['平台營運'],
        summary: '開設診所並邀請第一位管理者',
        body: CreateClinicBody,
        response: { 201: OpenedClinic, ...errorResponses(401, 403, 409, 422) },
      },
      preHandler: operator,
    },
    async (req, reply) => reply.status(201).send(await openClinic(deps, req.body, actorOf(req), req.ip)),
  );
}
