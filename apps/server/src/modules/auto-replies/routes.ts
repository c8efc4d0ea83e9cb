import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import {
  AutoReply,
  AutoReplyBody,
  AutoReplyList,
  AutoReplyParams,
  ImportBody,
  ImportResult,
  PreviewBody,
  PreviewResult,
} from './schemas.ts';
import { autoReplyService } from './service.ts';

export function autoReplyRoutes(app: App, deps: Deps): void {
  const svc = autoReplyService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const write = requireStaff(deps, ['admin', 'front_desk']);
  app.addSchema(AutoReply);
  const tags = ['後台：罐頭訊息與關鍵字回覆'];

  app.get(
    '/api/auto-replies',
    {
      schema: {
        tags,
        summary: '自動回覆列表',
        response: { 200: AutoReplyList, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => ({
      items: await svc.list(clinicOf(req)),
    }),
  );
  app.post(
    '/api/auto-replies',
    {
      schema: {
        tags,
        summary: '新增自動回覆',
        body: AutoReplyBody,
        response: { 201: Type.Ref('AutoReply'), ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) => reply.status(201).send(await svc.create(clinicOf(req), req.body, actorOf(req), req.ip)),
  );
  app.put(
    '/api/auto-replies/:id',
    {
      schema: {
        tags,
        summary: '修改自動回覆',
        params: AutoReplyParams,
        body: AutoReplyBody,
        response: { 200: Type.Ref('AutoReply'), ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.update(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );
  app.delete(
    '/api/auto-replies/:id',
    {
      schema: {
        tags,
        summary: '刪除自動回覆',
        params: AutoReplyParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      await svc.remove(clinicOf(req), req.params.id, actorOf(req), req.ip);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/auto-replies/preview',
    {
      schema: {
        tags,
        summary: '試算：這句話會得到哪個回覆',
        body: PreviewBody,
        response: {
          200: PreviewResult,
          ...errorResponses(401, 422),
        },
      },
      preHandler: read,
    },
    async (req) => ({ match: await svc.match(clinicOf(req), req.body.text) }),
  );
  app.post(
    '/api/auto-replies/import',
    {
      schema: {
        tags,
        summary: '由 CSV 匯入',
        description:
          '欄位：名稱, 比對方式(keyword/exact), 關鍵字(以 | 分隔), 優先順序, 回覆內容。第一列為標題。錯誤的列逐列回報，正確的列照常匯入。',
        body: ImportBody,
        response: {
          200: ImportResult,
          ...errorResponses(401, 403, 422),
        },
      },
      preHandler: write,
      bodyLimit: 3 * 1024 * 1024,
    },
    async (req) => svc.importCsv(clinicOf(req), req.body.csv, actorOf(req), req.ip),
  );
}
