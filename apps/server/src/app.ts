// Builds the Fastify app from injected dependencies. Tests call buildApp() and app.inject();
// server.ts adds a port and the worker.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import addFormats from 'ajv-formats';
import Fastify from 'fastify';
import { AJV_OPTIONS, validatorPerPart } from './platform/validation.ts';
import { describeDefaultResponses, registerApiDocs } from './api-docs.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { autoReplyRoutes } from './modules/auto-replies/routes.ts';
import { faqRoutes } from './modules/faq/routes.ts';
import { lineRoutes } from './modules/line/routes.ts';
import { inboxRoutes } from './modules/line/inbox.routes.ts';
import { caseAfterStaffReply } from './modules/cases/hooks.ts';
import { bindingRoutes } from './modules/binding/routes.ts';
import { richMenuRoutes } from './modules/rich-menus/routes.ts';
import { smsRoutes } from './modules/sms/routes.ts';
import { apiKeyRoutes } from './modules/api-keys/routes.ts';
import { clinicRoutes } from './modules/clinics/routes.ts';
import { Clinic } from './modules/clinics/schemas.ts';
import { guideRoutes } from './modules/his/guide.ts';
import { supportStatsRoutes } from './modules/support-stats/routes.ts';
import { patientRoutes } from './modules/patients/routes.ts';
import { recallRoutes } from './modules/recalls/routes.ts';
import { carePlanRoutes } from './modules/care-plans/routes.ts';
import { plansUsingArticle } from './modules/care-plans/service.ts';
import { tagRoutes } from './modules/tags/routes.ts';
import { hisRoutes, hisSettingsRoutes } from './modules/his/routes.ts';
import { appointmentRoutes } from './modules/appointments/routes.ts';
import { calendarFeedRoutes } from './modules/calendar-feeds/routes.ts';
import { doctorRoutes } from './modules/doctors/routes.ts';
import { homeRoutes } from './modules/home/routes.ts';
import { jobRoutes } from './modules/jobs/routes.ts';
import { SessionUser, StaffMember, TwoFactorChallenge } from './modules/staff/schemas.ts';
import { staffRoutes } from './modules/staff/routes.ts';
import { systemRoutes } from './modules/system/routes.ts';
import { webhookRoutes } from './modules/webhooks/routes.ts';
import { calendarRoutes } from './modules/calendar/routes.ts';
import { reminderRoutes } from './modules/reminders/routes.ts';
import { reminderLogRoutes } from './modules/reminders/log-routes.ts';
import { caseRoutes } from './modules/cases/routes.ts';
import { careLibraryRoutes } from './modules/care-library/routes.ts';
import { broadcastRoutes } from './modules/broadcasts/routes.ts';
import { broadcastsUsingArticle } from './modules/broadcasts/service.ts';
import { followUpRoutes } from './modules/follow-ups/routes.ts';
import { satisfactionRoutes } from './modules/satisfaction/routes.ts';
import { queueRoutes } from './modules/queue/routes.ts';
import { exportRoutes } from './modules/export/routes.ts';
import { bookingRoutes } from './modules/booking/routes.ts';
import { questionnaireRoutes } from './modules/questionnaires/routes.ts';
import { googleReviewRoutes } from './modules/google-reviews/routes.ts';
import { waitlistRoutes } from './modules/waitlist/routes.ts';
import { reportRoutes } from './modules/reports/routes.ts';
import { twoFactorRoutes } from './modules/two-factor/routes.ts';
import { monthlyReportRoutes } from './modules/monthly-reports/routes.ts';
import { manualRoutes } from './modules/manual/routes.ts';
import type { Deps } from './platform/deps.ts';
import { AppError } from './platform/errors.ts';
import { securityHeaderHooks } from './platform/security-headers.ts';
import { ErrorResponse, errorBody, handleError, type App } from './platform/http.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';

export type AppOptions = { logger?: boolean; bodyLimit?: number };

export const API_VERSION = '1.0.0';

export const OPENAPI_INFO = {
  title: 'Careline API',
  version: API_VERSION,
  description:
    'Careline 把診所的 LINE 官方帳號與 HIS 串接起來。\n\n' +
    '- **HIS Open API v1**（`/his/v1/…`）：以診所的 API 金鑰（`Authorization: Bearer …`）呼叫，給醫院資訊室與 HIS 廠商使用。\n' +
    '- **HIS 串接指南**：[/docs/guide](/docs/guide)（從 API 金鑰、第一筆預約、Webhook 簽章驗證到斷線補同步）。\n' +
    '- **後台 API**（`/api/…`）：後台網頁使用，以登入 cookie 驗證；寫入請求須帶 `x-csrf-token`。\n\n' +
    '錯誤一律回傳 `{"error":{"code","message","details"}}`：`code` 是穩定的英文代碼，`message` 是繁體中文說明。',
};

export async function buildApp(deps: Deps, opts: AppOptions = {}): Promise<App> {
  const app = Fastify({
    logger: opts.logger === false || deps.config.logLevel === 'silent' ? false : { level: deps.config.logLevel },
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    trustProxy: true,
    ajv: { customOptions: AJV_OPTIONS, plugins: [addFormats as never] },
    schemaController: { compilersFactory: { buildValidator: validatorPerPart } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // JSON bodies keep their raw bytes (LINE webhook signatures are computed over them).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    req.rawBody = body;
    if (body.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch {
      done(new AppError('INVALID_JSON', 400, 'JSON 格式錯誤，無法解析'), undefined);
    }
  });

  app.setErrorHandler(handleError);
  // Callback-style hooks: no promise per request for work that is synchronous.
  const headers = securityHeaderHooks(deps.config);
  app.addHook('onRequest', headers.onRequest);
  app.addHook('onSend', headers.onSend);
  app.addHook('onResponse', (req, reply, done) => {
    deps.metrics.observeRequest(
      req.method,
      req.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });

  await app.register(cookie);
  for (const s of [ErrorResponse, SessionUser, StaffMember, TwoFactorChallenge, Clinic]) app.addSchema(s);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      servers: [{ url: '/', description: '此 Careline 伺服器' }],
      components: {
        securitySchemes: {
          hisApiKey: { type: 'http', scheme: 'bearer', description: '診所的 HIS API 金鑰' },
          session: { type: 'apiKey', in: 'cookie', name: 'careline_session' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _base, _frag, i) => String(json.$id ?? `def-${i}`) },
    transformObject: (d) => describeDefaultResponses('openapiObject' in d ? d.openapiObject : d.swaggerObject),
  });
  await registerApiDocs(app);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  systemRoutes(app, deps);
  staffRoutes(app, deps);
  clinicRoutes(app, deps);
  apiKeyRoutes(app, deps);
  auditRoutes(app, deps);
  jobRoutes(app, deps);
  lineRoutes(app, deps);
  // Hooks run after a staff member's reply in the inbox (e.g. a complaint case's reply clock).
  inboxRoutes(app, deps, { afterStaffReply: [caseAfterStaffReply] });
  autoReplyRoutes(app, deps);
  faqRoutes(app, deps);
  bindingRoutes(app, deps);
  richMenuRoutes(app, deps);
  smsRoutes(app, deps);
  hisRoutes(app, deps);
  hisSettingsRoutes(app, deps);
  webhookRoutes(app, deps);
  calendarRoutes(app, deps);
  reminderRoutes(app, deps);
  reminderLogRoutes(app, deps);
  caseRoutes(app, deps);
  // Modules whose records use articles add an ArticleUsage here (an article in use is not deleted or unpublished).
  careLibraryRoutes(app, deps, { usage: [plansUsingArticle, broadcastsUsingArticle] });
  followUpRoutes(app, deps);
  satisfactionRoutes(app, deps);
  bookingRoutes(app, deps);
  appointmentRoutes(app, deps);
  homeRoutes(app, deps);
  doctorRoutes(app, deps);
  calendarFeedRoutes(app, deps);
  patientRoutes(app, deps);
  tagRoutes(app, deps);
  recallRoutes(app, deps);
  broadcastRoutes(app, deps);
  carePlanRoutes(app, deps);
  guideRoutes(app, deps);
  supportStatsRoutes(app, deps);
  questionnaireRoutes(app, deps);
  googleReviewRoutes(app, deps);
  queueRoutes(app, deps);
  exportRoutes(app, deps);
  waitlistRoutes(app, deps);
  reportRoutes(app, deps);
  twoFactorRoutes(app, deps);
  monthlyReportRoutes(app, deps);
  manualRoutes(app, deps);

  // The built back office (apps/web/dist), with index.html for client-side routes.
  const dist = deps.config.webDistDir;
  const indexHtml =
    dist && existsSync(join(dist, 'index.html')) ? readFileSync(join(dist, 'index.html'), 'utf8') : null;
  if (dist && indexHtml) {
    await app.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders: (res, path) => {
        res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  const API_PREFIXES = ['/api/', '/his/', '/line/', '/docs', '/openapi.json', '/liff/api/', '/calendar/'];
  app.setNotFoundHandler((req, reply) => {
    const isApi = API_PREFIXES.some((p) => req.url.startsWith(p));
    if (!isApi && indexHtml && req.method === 'GET') {
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(indexHtml);
    }
    return reply.status(404).send(errorBody('NOT_FOUND', '找不到這個網址'));
  });
  return app;
}
