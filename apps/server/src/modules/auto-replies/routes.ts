import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { autoReplyService } from './service.ts';

const ReplyContent = Type.Union([
  Type.Object({ type: Type.Literal('text'), text: Type.String({ maxLength: 5000 }) }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('flex'),
      altText: Type.String({ maxLength: 1500 }),
      contents: Type.Record(Type.String(), Type.Unknown()),
    },
    { additionalProperties: false },
  ),
]);

const AutoReplyBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: '名稱，例如「門診時間」' }),
    matchType: Type.Union([Type.Literal('exact'), Type.Literal('keyword')], {
      description: 'keyword：訊息包含關鍵字；exact：訊息與關鍵字完全相同',
    }),
    triggers: Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: 50 }),
    priority: Type.Optional(Type.Integer({ minimum: -100, maximum: 100, default: 0, description: '數字越大越優先' })),
    reply: ReplyContent,
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

// One CSV row's outcome: its line number, whether it was saved (with the new id) and what is wrong with it.
const ImportRow = Type.Object({
  row: Type.Integer(),
  ok: Type.Boolean(),
  errors: Type.Array(
    Type.Object({ field: Type.Optional(Type.String()), code: Type.Optional(Type.String()), message: Type.String() }),
  ),
  id: Type.Optional(Type.String()),
});

const AutoReply = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    matchType: AutoReplyBody.properties.matchType,
    triggers: Type.Array(Type.String()),
    priority: Type.Integer(),
    reply: ReplyContent,
    enabled: Type.Boolean(),
    hits: Type.Integer(),
    updatedAt: Type.String(),
  },
  { $id: 'AutoReply' },
);

export function autoReplyRoutes(app: App, deps: Deps): void {
  const svc = autoReplyService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const write = requireStaff(deps, ['admin', 'front_desk']);
  const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
  app.addSchema(AutoReply);
  const tags = ['後台：罐頭訊息與關鍵字回覆'];

  app.get(
    '/api/auto-replies',
    {
      schema: {
        tags,
        summary: '自動回覆列表',
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('AutoReply')) }), ...errorResponses(401) },
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
        params: Id,
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
        params: Id,
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
        body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 5000 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            match: Type.Union([Type.Object({ reply: Type.Ref('AutoReply'), trigger: Type.String() }), Type.Null()]),
          }),
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
        body: Type.Object(
          { csv: Type.String({ minLength: 1, maxLength: 2_000_000 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ imported: Type.Integer(), failed: Type.Integer(), rows: Type.Array(ImportRow) }),
          ...errorResponses(401, 403, 422),
        },
      },
      preHandler: write,
      bodyLimit: 3 * 1024 * 1024,
    },
    async (req) => svc.importCsv(clinicOf(req), req.body.csv, actorOf(req), req.ip),
  );
}
