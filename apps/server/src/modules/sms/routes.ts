import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { ReportParams, ReportQuery, SmsMessages, SmsMessagesQuery, SmsSettings, SmsSettingsBody } from './schemas.ts';
import { smsService } from './service.ts';

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
        body: SmsSettingsBody,
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
        querystring: SmsMessagesQuery,
        response: { 200: SmsMessages, ...errorResponses(400, 401, 403) },
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
