// Routes of Google 評論: connect (OAuth), the location, sync, reviews with the trend, replies.
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { IdParams } from '../patients/schemas.ts';
import {
  CallbackQuery,
  ConnectResult,
  GoogleStatus,
  LocationBody,
  Locations,
  ReplyBody,
  Review,
  ReviewList,
  ReviewsQuery,
  SyncResult,
} from './schemas.ts';
import { googleReviewService } from './service.ts';

export function googleReviewRoutes(app: App, deps: Deps): void {
  const svc = googleReviewService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const reply = requireStaff(deps, ['admin', 'front_desk']);
  const admin = requireStaff(deps, ['admin']);
  const tags = ['後台：Google 評論'];
  app.addSchema(GoogleStatus);
  app.addSchema(Review);

  app.get(
    '/api/google/status',
    {
      schema: {
        tags,
        summary: 'Google 商家檔案的連結狀態',
        response: { 200: Type.Ref('GoogleStatus'), ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => svc.status(clinicOf(req)),
  );
  app.post(
    '/api/google/connect',
    {
      schema: {
        tags,
        summary: '開始連結 Google 商家檔案（管理員）',
        description:
          '回傳 Google 授權頁網址；管理員在該頁按「允許」後，Google 會帶著授權碼回到 /api/google/oauth/callback。',
        response: { 200: ConnectResult, ...errorResponses(401, 403) },
      },
      preHandler: admin,
    },
    async (req) => svc.connectUrl(clinicOf(req), actorOf(req), req.ip),
  );
  app.get(
    '/api/google/oauth/callback',
    {
      schema: {
        tags,
        summary: 'Google 授權完成後的返回網址',
        description:
          '由 Google 重新導向呼叫（state 已加密並綁定診所與人員，15 分鐘內有效）；完成後導回「Google 評論」頁，' +
          '網址帶 google=connected、choose_location、denied、expired、invalid_state 或 failed。',
        querystring: CallbackQuery,
        response: { 302: Type.Null() },
      },
    },
    async (req, res) => res.redirect(await svc.callback(req.query, req.ip), 302),
  );
  app.get(
    '/api/google/locations',
    {
      schema: {
        tags,
        summary: '此 Google 帳戶可管理的商家地點（管理員）',
        response: { 200: Locations, ...errorResponses(401, 403, 409, 502) },
      },
      preHandler: admin,
    },
    async (req) => svc.locations(clinicOf(req)),
  );
  app.put(
    '/api/google/location',
    {
      schema: {
        tags,
        summary: '選擇要同步評論的商家地點（管理員）',
        body: LocationBody,
        response: { 200: Type.Ref('GoogleStatus'), ...errorResponses(401, 403, 409, 422, 502) },
      },
      preHandler: admin,
    },
    async (req) => svc.chooseLocation(clinicOf(req), req.body.location, actorOf(req), req.ip),
  );
  app.delete(
    '/api/google/connection',
    {
      schema: {
        tags,
        summary: '中斷連結並撤銷 Google 授權（管理員）',
        response: { 204: Type.Null(), ...errorResponses(401, 403, 409) },
      },
      preHandler: admin,
    },
    async (req, res) => {
      await svc.disconnect(clinicOf(req), actorOf(req), req.ip);
      return res.status(204).send(null);
    },
  );
  app.post(
    '/api/google/sync',
    {
      schema: {
        tags,
        summary: '立即同步 Google 評論',
        description: '平常每小時自動同步一次。授權失效時回 409 GOOGLE_RECONNECT_REQUIRED。',
        response: { 200: SyncResult, ...errorResponses(401, 403, 409, 502) },
      },
      preHandler: reply,
    },
    async (req) => svc.syncNow(clinicOf(req), actorOf(req), req.ip),
  );
  app.get(
    '/api/google/reviews',
    {
      schema: {
        tags,
        summary: 'Google 評論、星等趨勢與連結狀態',
        querystring: ReviewsQuery,
        response: { 200: ReviewList, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => svc.reviews(clinicOf(req), { unreplied: req.query.unreplied }),
  );
  app.put(
    '/api/google/reviews/:id/reply',
    {
      schema: {
        tags,
        summary: '回覆 Google 評論（公開顯示在 Google 上）',
        description: '管理員與櫃台可回覆；每則回覆都記錄在稽核紀錄。再次送出會更新回覆。',
        params: IdParams,
        body: ReplyBody,
        response: { 200: Type.Ref('GoogleReview'), ...errorResponses(401, 403, 404, 409, 422, 502) },
      },
      preHandler: reply,
    },
    async (req) => svc.reply(clinicOf(req), req.params.id, req.body.comment, actorOf(req), req.ip),
  );
  app.delete(
    '/api/google/reviews/:id/reply',
    {
      schema: {
        tags,
        summary: '刪除對 Google 評論的回覆',
        params: IdParams,
        response: { 200: Type.Ref('GoogleReview'), ...errorResponses(401, 403, 404, 409, 502) },
      },
      preHandler: reply,
    },
    async (req) => svc.deleteReply(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );
}
