import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { MenuKindParams, RichMenu, RichMenuList, SaveMenuBody } from './schemas.ts';
import { richMenuService } from './service.ts';

export function richMenuRoutes(app: App, deps: Deps): void {
  const svc = richMenuService(deps);
  const admin = requireStaff(deps, ['admin']);
  app.addSchema(RichMenu);
  const tags = ['後台：圖文選單'];
  // Raw image uploads for the rich menu image route (checked again in the service).
  app.addContentTypeParser(
    ['image/png', 'image/jpeg'],
    { parseAs: 'buffer', bodyLimit: 2 * 1024 * 1024 },
    (_req, body, done) => done(null, body),
  );

  app.get(
    '/api/rich-menus',
    {
      schema: {
        tags,
        summary: '圖文選單（未綁定 / 已綁定）與範本',
        response: {
          200: RichMenuList,
          ...errorResponses(401, 403),
        },
      },
      preHandler: admin,
    },
    async (req) => svc.list(clinicOf(req)),
  );

  app.put(
    '/api/rich-menus/:kind',
    {
      schema: {
        tags,
        summary: '儲存圖文選單',
        params: MenuKindParams,
        description:
          '最多 20 個點擊區域，須在圖片範圍內；選單列文字最多 14 字、按鈕名稱最多 20 字（LINE 的限制）。變更尺寸會清除已上傳的圖片。',
        body: SaveMenuBody,
        response: { 200: Type.Ref('RichMenu'), ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.save(clinicOf(req), req.params.kind, req.body, actorOf(req), req.ip),
  );

  app.put(
    '/api/rich-menus/:kind/image',
    {
      schema: {
        tags,
        summary: '上傳圖文選單圖片',
        params: MenuKindParams,
        description: 'Content-Type: image/png 或 image/jpeg，原始檔案內容；最大 1 MB，尺寸須與選單相同。',
        response: { 200: Type.Ref('RichMenu'), ...errorResponses(401, 403, 413, 415, 422) },
      },
      bodyLimit: 2 * 1024 * 1024,
      preHandler: admin,
    },
    async (req) =>
      svc.setImage(
        clinicOf(req),
        req.params.kind,
        Buffer.isBuffer(req.body) ? req.body : undefined,
        actorOf(req),
        req.ip,
      ),
  );

  app.get(
    '/api/rich-menus/:kind/image',
    {
      schema: {
        tags,
        summary: '圖文選單圖片（未上傳時為系統預設圖）',
        params: MenuKindParams,
        response: { ...errorResponses(401, 403) },
      },
      preHandler: admin,
    },
    async (req, reply) => {
      const img = await svc.image(clinicOf(req), req.params.kind);
      return reply.type(img.type).header('cache-control', 'no-cache').send(img.body);
    },
  );

  app.post(
    '/api/rich-menus/:kind/publish',
    {
      schema: {
        tags,
        summary: '發布到 LINE',
        params: MenuKindParams,
        description:
          '透過 Messaging API 建立選單並上傳圖片；未綁定選單設為預設選單，已綁定選單套用到每位已綁定的好友；之後刪除先前發布的選單。LINE 的錯誤以中文說明。',
        response: { 200: Type.Ref('RichMenu'), ...errorResponses(401, 403, 409, 422, 502) },
      },
      preHandler: admin,
    },
    async (req) => svc.publish(clinicOf(req), req.params.kind, actorOf(req), req.ip),
  );
}
