import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses } from '../../platform/http.ts';
import { lineService } from './service.ts';

const LineChannel = Type.Object(
  {
    channelId: Type.String(),
    accessTokenHint: Type.String({ description: '存取權杖只顯示頭尾幾碼' }),
    liffId: Type.String(),
    greetingText: Type.String(),
    webhookUrl: Type.String({ description: '貼到 LINE Developers → Messaging API → Webhook URL' }),
    botName: Type.Union([Type.String(), Type.Null()]),
    botUserId: Type.Union([Type.String(), Type.Null()]),
    lastTest: Type.Union([Type.Object({ at: Type.String(), ok: Type.Boolean(), message: Type.String() }), Type.Null()]),
    updatedAt: Type.String(),
  },
  { $id: 'LineChannel' },
);

const SaveChannelBody = Type.Object(
  {
    channelId: Type.String({
      pattern: '^[0-9]{6,20}$',
      description: 'LINE Developers 的 Channel ID（數字）',
      examples: ['1000000001'],
    }),
    channelSecret: Type.Optional(
      Type.String({ minLength: 8, maxLength: 100, description: 'Channel secret；留空表示不變更' }),
    ),
    accessToken: Type.Optional(
      Type.String({ minLength: 8, maxLength: 1000, description: 'Channel access token（長期）；留空表示不變更' }),
    ),
    liffId: Type.Optional(
      Type.String({
        maxLength: 100,
        pattern: '^$|^[0-9]+-[A-Za-z0-9]+$',
        description: 'LIFF ID，例如 1234567890-AbCdEfGh',
      }),
    ),
    greetingText: Type.Optional(
      Type.String({ maxLength: 500, description: '加入好友時的歡迎訊息，{clinic} 會換成診所名稱' }),
    ),
  },
  { additionalProperties: false },
);

export function lineRoutes(app: FastifyInstance, deps: Deps): void {
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
          200: Type.Object({ channel: Type.Union([Type.Ref('LineChannel'), Type.Null()]) }),
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
    async (req) => svc.saveChannel(clinicOf(req), req.body as never, actorOf(req), req.ip),
  );

  app.post(
    '/api/line/channel/test',
    {
      schema: {
        tags: ['後台：LINE 官方帳號'],
        summary: '測試連線（機器人資訊與訊息額度）',
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            message: Type.String(),
            bot: Type.Unknown(),
            quota: Type.Unknown(),
            lineStatus: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
            lineMessage: Type.Optional(Type.String()),
          }),
          ...errorResponses(401, 403, 409),
        },
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
        querystring: Type.Object(
          {
            state: Type.Optional(Type.Union([Type.Literal('friend'), Type.Literal('blocked')])),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                lineUserId: Type.String(),
                displayName: Type.String(),
                pictureUrl: Type.Union([Type.String(), Type.Null()]),
                state: Type.String(),
                followedAt: Type.Union([Type.String(), Type.Null()]),
                blockedAt: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
          ...errorResponses(400, 401),
        },
      },
      preHandler: requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']),
    },
    async (req) => {
      const q = req.query as { state?: string; limit?: number; offset?: number };
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
        params: Type.Object({ channelId: Type.String({ maxLength: 30 }) }),
        response: {
          200: Type.Object({ received: Type.Integer(), stored: Type.Integer() }),
          ...errorResponses(400, 401, 404),
        },
      },
      bodyLimit: 4 * 1024 * 1024,
    },
    async (req) => {
      const sig = req.headers['x-line-signature'];
      return svc.receiveWebhook(
        (req.params as { channelId: string }).channelId,
        req.rawBody,
        typeof sig === 'string' ? sig : undefined,
      );
    },
  );
}
