import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { smsService } from './service.ts';

const Provider = Type.Union(
  [
    Type.Literal('default'),
    Type.Literal('emulator'),
    Type.Literal('mitake'),
    Type.Literal('every8d'),
    Type.Literal('none'),
  ],
  {
    description:
      '簡訊服務商：default（使用系統預設）、mitake（三竹）、every8d（互動資通，未經實機測試）、emulator（模擬器）、none（不發簡訊）',
  },
);

const SmsSettings = Type.Object(
  {
    provider: Provider,
    effectiveProvider: Type.String({ description: '實際使用的服務商' }),
    defaultProvider: Type.String({ description: '系統預設服務商（環境變數 SMS_PROVIDER）' }),
    username: Type.String(),
    passwordSet: Type.Boolean({ description: '密碼已設定（不回傳密碼本身）' }),
    baseUrl: Type.Union([Type.String(), Type.Null()]),
    reminderFallback: Type.Boolean({
      description: '未綁定 LINE 或 LINE 發送失敗時，是否改以簡訊提醒（會產生簡訊費用）',
    }),
    updatedAt: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'SmsSettings' },
);

const SaveBody = Type.Object(
  {
    provider: Provider,
    username: Type.Optional(Type.String({ maxLength: 100, description: '簡訊帳號' })),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: '簡訊密碼；留空表示不變更' })),
    baseUrl: Type.Optional(
      Type.Union([Type.String({ format: 'uri', maxLength: 300 }), Type.Null()], {
        description: 'API 網址；留空用服務商預設',
      }),
    ),
    reminderFallback: Type.Boolean(),
  },
  { additionalProperties: false },
);

const SmsMessage = Type.Object({
  id: Type.String(),
  to: Type.String({ description: '遮罩後的手機號碼' }),
  purpose: Type.String({ description: 'otp 綁定驗證碼 / reminder 提醒 / recall 回診' }),
  provider: Type.String(),
  encoding: Type.String(),
  chars: Type.Integer(),
  segments: Type.Integer({ description: '則數（中文 70 字一則，超過以 67 字計）' }),
  cost: Type.Number({ description: '點數' }),
  status: Type.String({ description: 'queued / retrying / sent / delivered / failed' }),
  providerMessageId: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  deliveryStatus: Type.Union([Type.String(), Type.Null()]),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

// Mitake's delivery report: our signature plus the provider's fields (msgid, statuscode, statusstr …).
const ReportParams = Type.Object({ smsId: Type.String({ maxLength: 64 }) });
const ReportQuery = Type.Object({ sig: Type.Optional(Type.String()) }, { additionalProperties: Type.String() });

export function smsRoutes(app: App, deps: Deps): void {
  const svc = smsService(deps);
  const admin = requireStaff(deps, ['admin']);
  app.addSchema(SmsSettings);
  const tags = ['後台：簡訊'];

  app.get(
    '/api/sms/settings',
    {
      schema: { tags, summary: '簡訊設定', response: { 200: Type.Ref('SmsSettings'), ...errorResponses(401, 403) } },
      preHandler: admin,
    },
    async (req) => svc.getSettings(clinicOf(req)),
  );

  app.put(
    '/api/sms/settings',
    {
      schema: {
        tags,
        summary: '儲存簡訊設定',
        description: '密碼加密保存，之後不再顯示。',
        body: SaveBody,
        response: { 200: Type.Ref('SmsSettings'), ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => svc.saveSettings(clinicOf(req), req.body, actorOf(req), req.ip),
  );

  app.get(
    '/api/sms/messages',
    {
      schema: {
        tags,
        summary: '簡訊發送紀錄',
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(SmsMessage) }), ...errorResponses(400, 401, 403) },
      },
      preHandler: admin,
    },
    async (req) => ({ items: await svc.listMessages(clinicOf(req), req.query.limit ?? 100) }),
  );

  // Delivery report from the SMS gateway (Mitake calls the `response` URL given with each send).
  app.get(
    '/sms/report/:smsId',
    { schema: { hide: true, params: ReportParams, querystring: ReportQuery } },
    async (req, reply) => {
      const q = req.query;
      const ok = await svc.deliveryReport(req.params.smsId, q.sig ?? '', q);
      return reply
        .code(ok ? 200 : 404)
        .type('text/plain')
        .send(ok ? 'OK' : 'NOT FOUND');
    },
  );
}
