// Back office: 衛教追蹤 › 衛教文章 (list, editor, covers, publish, the bubble's preview) and the two
// public routes LINE and patients use without logging in: a cover image by its random id and
// the article page by its public id.
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { errorResponses, handleError, type App } from '../../platform/http.ts';
import { articlePage, gonePage } from './page.ts';
import {
  Article,
  ArticleBody,
  ArticleList,
  ArticleListQuery,
  ArticleParams,
  Cover,
  FlexPreview,
  ImageParams,
  PreviewBody,
  PublicParams,
} from './schemas.ts';
import { careLibraryService, MAX_COVER_BYTES, type ArticleUsage } from './service.ts';

export function careLibraryRoutes(app: App, deps: Deps, opts: { usage?: ArticleUsage[] } = {}): void {
  const svc = careLibraryService(deps, { usage: opts.usage });
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const write = requireStaff(deps, ['admin', 'front_desk']);
  app.addSchema(Article);
  const tags = ['後台：衛教文章'];
  const ArticleRef = Type.Ref('CareArticle');

  app.get(
    '/api/care/articles',
    {
      schema: {
        tags,
        summary: '衛教文章列表（可搜尋、依狀態／分類／標籤篩選）',
        description: '第一次使用時會放入內建的衛教文章（已發布，可修改或刪除）。最近修改的在前。',
        querystring: ArticleListQuery,
        response: { 200: ArticleList, ...errorResponses(400, 401, 403) },
      },
      preHandler: read,
    },
    async (req) => svc.list(clinicOf(req), req.query),
  );

  app.post(
    '/api/care/articles',
    {
      schema: {
        tags,
        summary: '新增衛教文章',
        body: ArticleBody,
        response: { 201: ArticleRef, ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) => reply.status(201).send(await svc.create(clinicOf(req), req.body, actorOf(req), req.ip)),
  );

  app.post(
    '/api/care/articles/preview',
    {
      schema: {
        tags,
        summary: '預覽 LINE 卡片（不儲存）',
        description: '以編輯中的標題、內文、連結與封面組成病患會收到的 Flex 訊息，並列出 LINE 會拒收的地方。',
        body: PreviewBody,
        response: { 200: FlexPreview, ...errorResponses(401, 403, 422) },
      },
      preHandler: read,
    },
    async (req) => svc.preview(clinicOf(req), req.body),
  );

  app.post(
    '/api/care/articles/covers',
    {
      schema: {
        tags,
        summary: '上傳封面圖片',
        description:
          'Content-Type: image/jpeg 或 image/png，原始檔案內容。依 LINE 卡片圖片的限制：最大 10 MB、' +
          '1024×1024 像素以內（超過回 413，其他格式回 415）。回傳的 id 用於文章的 coverId；圖片以無法猜測的公開網址提供給 LINE。',
        response: { 200: Cover, ...errorResponses(400, 401, 403, 413, 415) },
      },
      bodyLimit: MAX_COVER_BYTES + 1024,
      preHandler: write,
      // Fastify's own refusals (a body over the limit, a type no parser takes) in this route's words.
      errorHandler: (err, req, reply) => {
        const code = (err as { code?: string }).code;
        handleError(
          code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? new AppError('IMAGE_TOO_LARGE', 413, '圖片超過 10 MB，LINE 無法顯示，請縮小後再上傳')
            : code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
              ? new AppError('IMAGE_TYPE', 415, '封面只能是 JPEG 或 PNG 圖片')
              : err,
          req,
          reply,
        );
      },
    },
    async (req) =>
      svc.uploadCover(
        clinicOf(req),
        Buffer.isBuffer(req.body) ? req.body : undefined,
        req.headers['content-type'],
        actorOf(req),
      ),
  );

  app.get(
    '/api/care/articles/:id',
    {
      schema: {
        tags,
        summary: '一篇衛教文章',
        params: ArticleParams,
        response: { 200: ArticleRef, ...errorResponses(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (req) => svc.get(clinicOf(req), req.params.id),
  );

  app.put(
    '/api/care/articles/:id',
    {
      schema: {
        tags,
        summary: '修改衛教文章',
        description: '已發布改為草稿時，若有照護計畫正在使用這篇文章則拒絕（409 ARTICLE_IN_USE）。',
        params: ArticleParams,
        body: ArticleBody,
        response: { 200: ArticleRef, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.update(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );

  app.post(
    '/api/care/articles/:id/publish',
    {
      schema: {
        tags,
        summary: '發布衛教文章',
        params: ArticleParams,
        response: { 200: ArticleRef, ...errorResponses(401, 403, 404) },
      },
      preHandler: write,
    },
    async (req) => svc.setStatus(clinicOf(req), req.params.id, 'published', actorOf(req), req.ip),
  );

  app.post(
    '/api/care/articles/:id/unpublish',
    {
      schema: {
        tags,
        summary: '取消發布（改為草稿）',
        description: '有照護計畫正在使用這篇文章時拒絕（409 ARTICLE_IN_USE，usedBy 列出計畫名稱）。',
        params: ArticleParams,
        response: { 200: ArticleRef, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (req) => svc.setStatus(clinicOf(req), req.params.id, 'draft', actorOf(req), req.ip),
  );

  app.delete(
    '/api/care/articles/:id',
    {
      schema: {
        tags,
        summary: '刪除衛教文章',
        description: '有照護計畫正在使用這篇文章時拒絕（409 ARTICLE_IN_USE，usedBy 列出計畫名稱）。',
        params: ArticleParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      await svc.remove(clinicOf(req), req.params.id, actorOf(req), req.ip);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/care/articles/:id/flex',
    {
      schema: {
        tags,
        summary: '這篇文章傳給病患時的 LINE Flex 訊息',
        params: ArticleParams,
        response: { 200: FlexPreview, ...errorResponses(400, 401, 403, 404) },
      },
      preHandler: read,
    },
    async (req) => svc.flex(clinicOf(req), req.params.id),
  );

  app.get(
    '/line/care-images/:id',
    {
      schema: {
        tags: ['LINE Webhook'],
        summary: '衛教文章的封面圖片（LINE 與病患手機由此取得）',
        params: ImageParams,
        response: { ...errorResponses(400, 404) },
      },
    },
    async (req, reply) => {
      const m = await svc.image(req.params.id);
      if (!m) throw errors.notFound('圖片');
      return reply
        .type(m.content_type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(Buffer.from(m.data));
    },
  );

  app.get(
    '/line/articles/:publicId',
    {
      schema: {
        tags: ['LINE Webhook'],
        summary: '衛教文章的公開頁面（病患點「閱讀全文」開啟，不需登入）',
        params: PublicParams,
        response: { 200: Type.String({ description: 'text/html' }), 404: Type.String({ description: 'text/html' }) },
      },
    },
    async (req, reply) => {
      const a = await svc.publicArticle(req.params.publicId);
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache');
      if (!a || !a.published) return reply.status(404).send(gonePage(a?.clinic ?? null));
      return reply.send(articlePage(a));
    },
  );
}
