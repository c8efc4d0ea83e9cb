// Routes of 群發 (訊息 › 群發): the back office under /api/broadcasts, and the public redirect of
// tracked links (/r/<token>).
//
// Roles: admin, front desk and viewer read; admin and front desk write drafts, upload images and
// send tests; only an admin sends or schedules to patients and resumes a paused broadcast (it
// spends the month's messages and money); admin and front desk may cancel or stop one (stopping a
// mistake must not wait for the admin).
import { randomBytes } from 'node:crypto';
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { IdParams } from '../patients/schemas.ts';
import { MAX_IMAGE_BYTES } from '../line/inbox.service.ts';
import {
  BroadcastBody,
  BroadcastDetail,
  BroadcastList,
  BroadcastSummary,
  Estimate,
  EstimateBody,
  FriendList,
  FriendQuery,
  ListQuery,
  RecipientList,
  RecipientQuery,
  SendBody,
  TestBody,
  TestResult,
  TokenParams,
  UploadResult,
} from './schemas.ts';
import { broadcastService } from './service.ts';

const VISITOR_COOKIE = 'careline_v';

export function broadcastRoutes(app: App, deps: Deps): void {
  const svc = broadcastService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'viewer']);
  const write = requireStaff(deps, ['admin', 'front_desk']);
  const admin = requireStaff(deps, ['admin']);
  app.addSchema(BroadcastSummary);
  app.addSchema(BroadcastDetail);
  const tags = ['後台：群發'];
  const detail = { 200: Type.Ref('BroadcastDetail') };

  app.get(
    '/api/broadcasts',
    {
      schema: {
        tags,
        summary: '群發列表（新的在前）',
        description: '每則群發的狀態與人數：LINE 已送出（送達）、失敗、封鎖、改傳簡訊、略過與點擊人數。',
        querystring: ListQuery,
        response: { 200: BroadcastList, ...errorResponses(401, 403) },
      },
      preHandler: read,
    },
    async (req) => svc.list(clinicOf(req), req.query.page ?? 1, req.query.pageSize ?? 30),
  );

  app.post(
    '/api/broadcasts/estimate',
    {
      schema: {
        tags,
        summary: '傳送前估算：人數、則數與費用',
        description:
          '對象中多少人可用 LINE 傳送（綁定且仍是好友）、多少人改傳簡訊（須勾選 smsFallback、診所已設定簡訊、病患有手機）、' +
          '多少人略過與原因；LINE 則數（每位收件人 1 則）、方案剩餘額度、本月非必要訊息上限，以及簡訊則數 × 單價。' +
          '對象人數為 0 時回 422（AUDIENCE_EMPTY）。',
        body: EstimateBody,
        response: { 200: Estimate, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: read,
    },
    async (req) => svc.estimate(clinicOf(req), req.body),
  );

  app.post(
    '/api/broadcasts',
    {
      schema: {
        tags,
        summary: '新增群發草稿',
        description:
          '對象：分眾、標籤或所有 LINE 好友；訊息最多 5 個（文字或圖片）。建立後為草稿，由管理員傳送或排程。',
        body: BroadcastBody,
        response: { 201: Type.Ref('BroadcastDetail'), ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req, reply) => reply.status(201).send(await svc.create(clinicOf(req), req.body, actorOf(req), req.ip)),
  );

  app.post(
    '/api/broadcasts/uploads',
    {
      schema: {
        tags,
        summary: '上傳群發圖片',
        description:
          'Content-Type: image/jpeg 或 image/png，原始檔案內容，最大 10 MB（LINE 的上限；超過回 413，其他格式回 415）。' +
          '回傳的 id 用於訊息的 imageId／previewId。',
        response: { 200: UploadResult, ...errorResponses(400, 401, 403, 413, 415) },
      },
      bodyLimit: MAX_IMAGE_BYTES + 1024,
      preHandler: write,
    },
    async (req) =>
      svc.upload(
        clinicOf(req),
        Buffer.isBuffer(req.body) ? req.body : undefined,
        req.headers['content-type'],
        actorOf(req),
      ),
  );

  app.get(
    '/api/broadcasts/test-recipients',
    {
      schema: {
        tags,
        summary: '可收測試訊息的 LINE 好友（依顯示名稱搜尋）',
        querystring: FriendQuery,
        response: { 200: FriendList, ...errorResponses(401, 403) },
      },
      preHandler: write,
    },
    async (req) => svc.friends(clinicOf(req), req.query.q),
  );

  app.get(
    '/api/broadcasts/:id',
    {
      schema: {
        tags,
        summary: '群發內容、進度、結果與點擊',
        params: IdParams,
        response: { ...detail, ...errorResponses(401, 403, 404) },
      },
      preHandler: read,
    },
    async (req) => svc.get(clinicOf(req), req.params.id),
  );

  app.put(
    '/api/broadcasts/:id',
    {
      schema: {
        tags,
        summary: '修改群發（草稿或已排程）',
        params: IdParams,
        body: BroadcastBody,
        response: { ...detail, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.update(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );

  app.delete(
    '/api/broadcasts/:id',
    {
      schema: {
        tags,
        summary: '刪除草稿',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      await svc.remove(clinicOf(req), req.params.id, actorOf(req), req.ip);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/broadcasts/:id/send',
    {
      schema: {
        tags,
        summary: '立即傳送或排程（管理員）',
        description:
          'sendAt 為 null 時立即開始；否則在該時間開始（診所時區）。過去的時間回 422（SEND_AT_PAST）；落在安靜時段時延到安靜時段結束' +
          '（movedForQuietHours）。沒有任何可傳送的人回 422。LINE 以 multicast 每批最多 500 人傳送，每批帶自己的 X-Line-Retry-Key；' +
          '達本月非必要訊息上限時暫停。',
        params: IdParams,
        body: SendBody,
        response: { ...detail, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.send(clinicOf(req), req.params.id, req.body.sendAt, actorOf(req), req.ip),
  );

  app.post(
    '/api/broadcasts/:id/cancel',
    {
      schema: {
        tags,
        summary: '取消排程或停止傳送',
        description: '已排程的不會開始；傳送中或暫停的，尚未交給 LINE 的批次取消，已送出的維持已送出。',
        params: IdParams,
        response: { ...detail, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: write,
    },
    async (req) => svc.cancel(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );

  app.post(
    '/api/broadcasts/:id/resume',
    {
      schema: {
        tags,
        summary: '繼續傳送因上限暫停的群發（管理員）',
        description: '本月非必要訊息額度仍不足時回 422（OVER_CAP）。已送出的不會重送。',
        params: IdParams,
        response: { ...detail, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.resume(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );

  app.post(
    '/api/broadcasts/:id/test',
    {
      schema: {
        tags,
        summary: '傳送測試訊息給一位 LINE 好友',
        description: '把群發內容推播給指定的好友（例如員工自己的 LINE），連結不經追蹤；計入本月「測試」用量。',
        params: IdParams,
        body: TestBody,
        response: { 200: TestResult, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.test(clinicOf(req), req.params.id, req.body.lineUserId, actorOf(req), req.ip),
  );

  app.get(
    '/api/broadcasts/:id/recipients',
    {
      schema: {
        tags,
        summary: '每位收件人的結果',
        params: IdParams,
        querystring: RecipientQuery,
        response: { 200: RecipientList, ...errorResponses(401, 403, 404) },
      },
      preHandler: read,
    },
    async (req) =>
      svc.recipients(clinicOf(req), req.params.id, {
        status: req.query.status,
        page: req.query.page ?? 1,
        pageSize: req.query.pageSize ?? 50,
      }),
  );

  app.get(
    '/r/:token',
    {
      schema: {
        tags: ['公開頁面'],
        summary: '群發訊息中的連結（計算點擊後轉址）',
        description: '每個連結、每支手機（cookie）只計一次點擊，然後以 302 轉到原本的網址。',
        params: TokenParams,
        response: { ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      let visitor = req.cookies?.[VISITOR_COOKIE];
      if (!visitor || !/^[A-Za-z0-9_-]{16,64}$/.test(visitor)) {
        visitor = randomBytes(16).toString('base64url');
        reply.setCookie(VISITOR_COOKIE, visitor, {
          path: '/r/',
          httpOnly: true,
          sameSite: 'lax',
          secure: deps.config.publicBaseUrl.startsWith('https:'),
          maxAge: 400 * 86_400,
        });
      }
      const url = await svc.click(req.params.token, visitor);
      if (!url)
        return reply
          .status(404)
          .type('text/html; charset=utf-8')
          .send('<!doctype html><meta charset="utf-8"><title>找不到連結</title><p>這個連結已失效或不存在。</p>');
      return reply.header('cache-control', 'no-store').redirect(url, 302);
    },
  );
}
