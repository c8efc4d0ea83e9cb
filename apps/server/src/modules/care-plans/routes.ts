// Back-office routes of care plans (衛教追蹤 › 照護計畫): plans, switching them on and off,
// enrolments, enrolling a patient and ending an enrolment.
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { IdParams } from '../patients/schemas.ts';
import { EnabledBody, EnrolBody, EnrolmentQuery, Enrolments, Plan, PlanBody, Plans } from './schemas.ts';
import { carePlanService } from './service.ts';

export function carePlanRoutes(app: App, deps: Deps): void {
  const svc = carePlanService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const edit = requireStaff(deps, ['admin']);
  const desk = requireStaff(deps, ['admin', 'front_desk', 'doctor']);
  const tags = ['後台：照護計畫'];

  app.get(
    '/api/care/plans',
    {
      schema: {
        tags,
        summary: '照護計畫列表',
        description: '含內建計畫（拔牙後照護、植牙術後、根管治療後、洗牙後；預設不啟用）與每個計畫進行中的人數',
        response: { 200: Plans, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => svc.list(clinicOf(req)),
  );
  app.post(
    '/api/care/plans',
    {
      schema: {
        tags,
        summary: '新增照護計畫',
        description: '步驟依時間排序後儲存；兩個步驟在同一時間發送時回 422 OVERLAPPING_STEPS',
        body: PlanBody,
        response: { 201: Plan, ...errorResponses(401, 403, 422) },
      },
      preHandler: edit,
    },
    async (req, reply) => reply.status(201).send(await svc.create(clinicOf(req), req.body, actorOf(req), req.ip)),
  );
  app.get(
    '/api/care/plans/:id',
    {
      schema: { tags, summary: '一個照護計畫', params: IdParams, response: { 200: Plan, ...errorResponses(401, 404) } },
      preHandler: read,
    },
    async (req) => svc.get(clinicOf(req), req.params.id),
  );
  app.put(
    '/api/care/plans/:id',
    {
      schema: {
        tags,
        summary: '修改照護計畫',
        description: '修改只影響之後加入的病患；已加入的病患依加入時的步驟進行',
        params: IdParams,
        body: PlanBody,
        response: { 200: Plan, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: edit,
    },
    async (req) => svc.update(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );
  app.put(
    '/api/care/plans/:id/enabled',
    {
      schema: {
        tags,
        summary: '啟用或停用照護計畫',
        description: '停用後不再自動加入新病患；已加入的病患照常進行（要停止請逐筆結束）',
        params: IdParams,
        body: EnabledBody,
        response: { 200: Plan, ...errorResponses(401, 403, 404) },
      },
      preHandler: edit,
    },
    async (req) => svc.setEnabled(clinicOf(req), req.params.id, req.body.enabled, actorOf(req), req.ip),
  );
  app.delete(
    '/api/care/plans/:id',
    {
      schema: {
        tags,
        summary: '刪除照護計畫',
        description: '計畫自列表移除，進行中的病患一併結束（紀錄保留）',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: edit,
    },
    async (req, reply) => {
      await svc.archive(clinicOf(req), req.params.id, actorOf(req), req.ip);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/care/enrolments',
    {
      schema: {
        tags,
        summary: '照護紀錄（誰在哪個計畫、進行到第幾步）',
        querystring: EnrolmentQuery,
        response: { 200: Enrolments, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) =>
      svc.enrolments(clinicOf(req), {
        planId: req.query.planId,
        patientId: req.query.patientId,
        status: req.query.status,
        page: req.query.page ?? 1,
        pageSize: req.query.pageSize ?? 20,
      }),
  );
  app.post(
    '/api/care/plans/:id/enrolments',
    {
      schema: {
        tags,
        summary: '將病患加入照護計畫',
        description: '以今天為第 0 天；計畫須已啟用（否則 409 PLAN_DISABLED），病患已在計畫中時回 409 ALREADY_ENROLLED',
        params: IdParams,
        body: EnrolBody,
        response: { 201: Type.Object({ id: Type.String() }), ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: desk,
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await svc.enrolPatient(clinicOf(req), req.params.id, req.body.patientId, actorOf(req), req.ip)),
  );
  app.post(
    '/api/care/enrolments/:id/end',
    {
      schema: {
        tags,
        summary: '結束一位病患的照護計畫',
        description: '尚未傳送的步驟取消；已結束時回 409 NOT_ACTIVE',
        params: IdParams,
        response: { 200: Type.Object({ ok: Type.Boolean() }), ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: desk,
    },
    async (req) => svc.endByStaff(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );
}
