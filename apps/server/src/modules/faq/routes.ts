// Back office: 客服 › 常見問題 (FAQs, synonyms, the test console) and 機器人訓練 (the trainer queue).
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import {
  Faq,
  FaqBody,
  FaqList,
  FaqParams,
  Synonym,
  SynonymBody,
  SynonymList,
  TestBody,
  TestResult,
  TrainerAddBody,
  TrainerCreateBody,
  TrainerDismissBody,
  TrainerDone,
  TrainerQueue,
} from './schemas.ts';
import { faqService } from './service.ts';

export function faqRoutes(app: App, deps: Deps): void {
  const svc = faqService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const write = requireStaff(deps, ['admin', 'front_desk']);
  app.addSchema(Faq);
  const tags = ['後台：常見問題與機器人訓練'];
  const FaqRef = Type.Ref('Faq');

  app.get(
    '/api/faqs',
    {
      schema: {
        tags,
        summary: '常見問題列表（含問法、命中次數與回饋）',
        response: { 200: FaqList, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => ({ items: await svc.list(clinicOf(req)), threshold: svc.threshold }),
  );
  app.post(
    '/api/faqs',
    {
      schema: {
        tags,
        summary: '新增常見問題',
        body: FaqBody,
        response: { 201: FaqRef, ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) => reply.status(201).send(await svc.create(clinicOf(req), req.body, actorOf(req), req.ip)),
  );
  app.put(
    '/api/faqs/:id',
    {
      schema: {
        tags,
        summary: '修改常見問題',
        params: FaqParams,
        body: FaqBody,
        response: { 200: FaqRef, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.update(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );
  app.delete(
    '/api/faqs/:id',
    {
      schema: {
        tags,
        summary: '刪除常見問題',
        params: FaqParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      await svc.remove(clinicOf(req), req.params.id, actorOf(req), req.ip);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/faqs/synonyms',
    {
      schema: { tags, summary: '同義詞列表', response: { 200: SynonymList, ...errorResponses(401) } },
      preHandler: read,
    },
    async (req) => ({ items: await svc.synonyms(clinicOf(req)) }),
  );
  app.post(
    '/api/faqs/synonyms',
    {
      schema: {
        tags,
        summary: '新增同義詞群組',
        description: '比對時，群組中的每個詞都視為第一個詞（代表詞）。一個詞只能屬於一個群組。',
        body: SynonymBody,
        response: { 201: Synonym, ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) =>
      reply.status(201).send(await svc.createSynonym(clinicOf(req), req.body.terms, actorOf(req), req.ip)),
  );
  app.put(
    '/api/faqs/synonyms/:id',
    {
      schema: {
        tags,
        summary: '修改同義詞群組',
        params: FaqParams,
        body: SynonymBody,
        response: { 200: Synonym, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.updateSynonym(clinicOf(req), req.params.id, req.body.terms, actorOf(req), req.ip),
  );
  app.delete(
    '/api/faqs/synonyms/:id',
    {
      schema: {
        tags,
        summary: '刪除同義詞群組',
        params: FaqParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      await svc.removeSynonym(clinicOf(req), req.params.id, actorOf(req), req.ip);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/faqs/test',
    {
      schema: {
        tags,
        summary: '測試：這句話會得到哪個回答',
        description: '回傳最佳的常見問題、信心分數與其他候選；不會記錄到機器人訓練。',
        body: TestBody,
        response: { 200: TestResult, ...errorResponses(401, 422) },
      },
      preHandler: read,
    },
    async (req) => svc.test(clinicOf(req), req.body.text),
  );

  app.get(
    '/api/faqs/trainer',
    {
      schema: {
        tags,
        summary: '機器人訓練：待處理的提問（依相似度分組）',
        description: '機器人沒有回答、信心不足，或病人回覆「沒幫助」的提問。',
        response: { 200: TrainerQueue, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => svc.queue(clinicOf(req)),
  );
  app.post(
    '/api/faqs/trainer/add-wording',
    {
      schema: {
        tags,
        summary: '機器人訓練：加入為既有常見問題的問法',
        body: TrainerAddBody,
        response: { 200: TrainerDone, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.addWording(clinicOf(req), req.body, actorOf(req), req.ip),
  );
  app.post(
    '/api/faqs/trainer/create',
    {
      schema: {
        tags,
        summary: '機器人訓練：新增為一則常見問題',
        body: TrainerCreateBody,
        response: {
          200: Type.Object({ updated: Type.Integer(), faq: FaqRef }),
          ...errorResponses(401, 403, 404, 422),
        },
      },
      preHandler: write,
    },
    async (req) => svc.createFromQuestions(clinicOf(req), req.body, actorOf(req), req.ip),
  );
  app.post(
    '/api/faqs/trainer/dismiss',
    {
      schema: {
        tags,
        summary: '機器人訓練：略過（不需要回答的提問）',
        body: TrainerDismissBody,
        response: { 200: TrainerDone, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.dismiss(clinicOf(req), req.body.questionIds, actorOf(req), req.ip),
  );
}
