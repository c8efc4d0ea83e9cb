// Back-office routes of recall: rules, the recall list for the front desk, outcomes, a scan now.
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { IdParams } from '../patients/schemas.ts';
import {
  OutcomeBody,
  OutcomeResult,
  RecallList,
  RecallListQuery,
  RecallPreview,
  RecallRule,
  RecallRuleBody,
  RecallRules,
  ScanResult,
} from './schemas.ts';
import { DEFAULT_RECALL_RULES, recallService } from './service.ts';

export function recallRoutes(app: App, deps: Deps): void {
  const svc = recallService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const write = requireStaff(deps, ['admin', 'front_desk']);
  const tags = ['後台：回診提醒'];

  app.get(
    '/api/recall-rules',
    {
      schema: { tags, summary: '回診提醒規則', response: { 200: RecallRules, ...errorResponses(401) } },
      preHandler: read,
    },
    async (req) => svc.listRules(clinicOf(req)),
  );
  app.post(
    '/api/recall-rules',
    {
      schema: {
        tags,
        summary: '新增回診提醒規則',
        body: RecallRuleBody,
        response: { 201: RecallRule, ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) =>
      reply.status(201).send(await svc.saveRule(clinicOf(req), null, req.body, actorOf(req), req.ip)),
  );
  app.post(
    '/api/recall-rules/defaults',
    {
      schema: {
        tags,
        summary: '建立預設規則（半年洗牙、年度健檢、慢性處方箋領藥；已有同名規則者不重複建立）',
        response: { 200: RecallRules, ...errorResponses(401, 403) },
      },
      preHandler: write,
    },
    async (req) => {
      // Only the ones the clinic lacks (by name): pressing it twice, or after a rule of its own of
      // that name, never lists a rule twice.
      const have = new Set((await svc.listRules(clinicOf(req))).items.map((r) => r.name));
      for (const r of DEFAULT_RECALL_RULES)
        if (!have.has(r.name)) await svc.saveRule(clinicOf(req), null, r, actorOf(req), req.ip);
      return svc.listRules(clinicOf(req));
    },
  );
  app.put(
    '/api/recall-rules/:id',
    {
      schema: {
        tags,
        summary: '修改回診提醒規則',
        params: IdParams,
        body: RecallRuleBody,
        response: { 200: RecallRule, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.saveRule(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );
  app.delete(
    '/api/recall-rules/:id',
    {
      schema: {
        tags,
        summary: '刪除回診提醒規則（已有名單者改為停用）',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      await svc.removeRule(clinicOf(req), req.params.id, actorOf(req), req.ip);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/recalls',
    {
      schema: {
        tags,
        summary: '回診提醒名單（櫃台）',
        querystring: RecallListQuery,
        response: { 200: RecallList, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) =>
      svc.list(
        clinicOf(req),
        {
          status: req.query.status,
          ruleId: req.query.ruleId,
          page: req.query.page ?? 1,
          pageSize: req.query.pageSize ?? 50,
        },
        actorOf(req),
        req.ip,
      ),
  );
  app.get(
    '/api/recalls/preview',
    {
      schema: {
        tags,
        summary: '預覽：現在檢查會新增幾位到提醒名單',
        description: '每條啟用中的規則目前到期、尚未在名單上的病患人數，以及下次自動檢查的時間；不傳送任何訊息。',
        response: { 200: RecallPreview, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => svc.preview(clinicOf(req)),
  );
  app.put(
    '/api/recalls/:id/outcome',
    {
      schema: {
        tags,
        summary: '記錄聯絡結果',
        params: IdParams,
        body: OutcomeBody,
        response: { 200: OutcomeResult, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.setOutcome(clinicOf(req), req.params.id, req.body.outcome, req.body.note, actorOf(req), req.ip),
  );
  app.post(
    '/api/recalls/scan',
    {
      schema: {
        tags,
        summary: '立即檢查到期的回診提醒並傳送',
        response: { 200: ScanResult, ...errorResponses(401, 403) },
      },
      preHandler: write,
    },
    async (req) => svc.runNow(clinicOf(req), actorOf(req), req.ip),
  );
}
