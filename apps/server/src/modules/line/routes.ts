import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import {
  ChannelResult,
  Friends,
  FriendsQuery,
  LineChannel,
  PnpBody,
  SaveChannelBody,
  TestResult,
  WebhookParams,
  WebhookResult,
} from './schemas.ts';
import { linePnpService } from './pnp.ts';
import { lineService } from './service.ts';

export function lineRoutes(app: App, deps: Deps): void {
  const svc = lineService(deps);
  const admin = requireStaff(deps, ['admin']);
  app.addSchema(LineChannel);

  app.get(
    '/api/line/channel',
    {
      schema: {
        tags: ['後台：LINE 官方帳號'],
        summary: 'LINE 官方帳號設定',
        response: {
          200: ChannelResult,
          ...errorResponses(401, 403),
        },
      },
      preHandler: admin,
    },
    async (req) => ({ channel: await svc.getChannel(clinicOf(req)) }),
  );

  app.put(
    '/api/line/channel',
    {
      schema: {
        tags: ['後台：LINE 官方帳號'],
        summary: '儲存 LINE 官方帳號設定',
        description: 'Channel secret 與 access token 以加密方式保存，之後不再完整顯示。',
        body: SaveChannelBody,
        response: { 200: Type.Ref('LineChannel'), ...errorResponses(401, 403, 409, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.saveChannel(clinicOf(req), req.body, actorOf(req), req.ip),
  );

  app.put(
    '/api/line/channel/pnp',
    {
      schema: {
        tags: ['後台：LINE 官方帳號'],
        summary: '開啟或關閉 LINE 通知訊息',
        description:
          'LINE 通知訊息以手機號碼傳送給未加入好友的病患，需 LINE 核准此官方帳號，費用與一般訊息分開計算。' +
          '開啟後，未綁定 LINE 的病患先收到 LINE 通知訊息；該號碼沒有 LINE 帳號、或 1 小時內未送達時，依簡訊備援設定改傳簡訊。',
        body: PnpBody,
        response: { 200: Type.Ref('LineChannel'), ...errorResponses(401, 403, 409, 422) },
      },
      preHandler: admin,
    },
    async (req) => {
      await linePnpService(deps).setEnabled(clinicOf(req), req.body.enabled, actorOf(req), req.ip);
      return (await svc.getChannel(clinicOf(req)))!;
    },
  );

  app.post(
    '/api/line/channel/test',
    {
      schema: {
        tags: ['後台：LINE 官方帳號'],
        summary: '測試連線（機器人資訊與訊息額度）',
        response: { 200: TestResult, ...errorResponses(401, 403, 409) },
      },
      preHandler: admin,
    },
    async (req) => svc.testConnection(clinicOf(req)),
  );

  app.get(
    '/api/line/friends',
    {
      schema: {
        tags: ['後台：LINE 官方帳號'],
        summary: 'LINE 好友',
        querystring: FriendsQuery,
        response: { 200: Friends, ...errorResponses(400, 401) },
      },
      preHandler: requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']),
    },
    async (req) => {
      const q = req.query;
      const rows = await svc.listFriends(clinicOf(req), {
        state: q.state,
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
      });
      return {
        items: rows.map((f) => ({
          lineUserId: f.line_user_id,
          displayName: f.display_name,
          pictureUrl: f.picture_url,
          state: f.state,
          followedAt: f.followed_at,
          blockedAt: f.blocked_at,
        })),
      };
    },
  );

  // The clinic's webhook URL, called by LINE. The raw body is verified before anything is stored.
  app.post(
    '/line/webhook/:channelId',
    {
      schema: {
        tags: ['LINE Webhook'],
        summary: 'LINE 平台呼叫的 Webhook（每個診所一個網址）',
        description:
          '以 x-line-signature 驗證原始內容；同一個 webhookEventId 只處理一次；快速回應 200，實際處理交給背景工作。',
        params: WebhookParams,
        response: { 200: WebhookResult, ...errorResponses(400, 401, 404) },
      },
      bodyLimit: 4 * 1024 * 1024,
    },
    async (req) => {
      const sig = req.headers['x-line-signature'];
      return svc.receiveWebhook(req.params.channelId, req.rawBody, typeof sig === 'string' ? sig : undefined, req.body);
    },
  );
}
