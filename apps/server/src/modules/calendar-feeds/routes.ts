// Back office: the iCalendar feed URLs (admins) and the front desk's display settings; the
// feeds themselves at /calendar/<token>.ics for calendar apps (no login: the token is the key).
import { recordAudit, systemActor } from '../../platform/audit.ts';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { FeedParams, FeedQuery, Feeds, FeedText, RotateBody, Rotated, Settings, SettingsBody } from './schemas.ts';
import { calendarFeedService } from './service.ts';

const TAG = '後台：行事曆訂閱';

export function calendarFeedRoutes(app: App, deps: Deps): void {
  const anyStaff = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const admin = requireStaff(deps, ['admin']);
  const feeds = calendarFeedService(deps);

  app.get(
    '/api/frontdesk/settings',
    {
      schema: {
        tags: [TAG],
        operationId: 'getFrontdeskSettings',
        summary: '櫃台顯示設定',
        response: { 200: Settings, ...errorResponses(401, 403) },
      },
      preHandler: anyStaff,
    },
    async (req) => feeds.settings(clinicOf(req)),
  );

  app.put(
    '/api/frontdesk/settings',
    {
      schema: {
        tags: [TAG],
        operationId: 'updateFrontdeskSettings',
        summary: '更新櫃台顯示設定',
        description: 'rocDates：後台日期以民國年顯示；initialsOnly：行事曆訂閱只顯示病患姓名縮寫（王○明）。',
        body: SettingsBody,
        response: { 200: Settings, ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => feeds.saveSettings(clinicOf(req), req.body, actorOf(req), req.ip),
  );

  app.get(
    '/api/calendar-feeds',
    {
      schema: {
        tags: [TAG],
        operationId: 'listCalendarFeeds',
        summary: '行事曆訂閱網址',
        description: '全部醫師與每位醫師各一個秘密網址（第一次查詢時建立）。',
        response: { 200: Feeds, ...errorResponses(401, 403) },
      },
      preHandler: admin,
    },
    async (req) => {
      const out = await feeds.list(clinicOf(req));
      await recordAudit(deps.db, deps.clock, {
        clinicId: clinicOf(req),
        actor: actorOf(req),
        action: 'calendar_feed.listed',
        entityType: 'calendar_feed',
        ip: req.ip,
      });
      return out;
    },
  );

  app.post(
    '/api/calendar-feeds/rotate',
    {
      schema: {
        tags: [TAG],
        operationId: 'rotateCalendarFeed',
        summary: '更換訂閱網址',
        description: '產生新的秘密網址，舊網址立即失效（回 404）；已訂閱的日曆需改用新網址。',
        body: RotateBody,
        response: { 200: Rotated, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: admin,
    },
    async (req) => feeds.rotate(clinicOf(req), req.body.doctorId, actorOf(req), req.ip),
  );

  app.get(
    '/calendar/:file',
    {
      schema: {
        tags: [TAG],
        operationId: 'getCalendarFeed',
        summary: 'iCalendar 訂閱（.ics）',
        description:
          '給 Google 日曆等日曆程式訂閱的秘密網址（不需登入）。from/to 為診所當地日期（預設 30 天前至 90 天後，最多 400 天）。' +
          '網址更換後舊網址回 404。',
        params: FeedParams,
        querystring: FeedQuery,
        response: { 200: FeedText, ...errorResponses(400, 404) },
      },
    },
    async (req, reply) => {
      const file = req.params.file;
      if (!file.endsWith('.ics')) throw errors.notFound('行事曆');
      const { body, clinicId } = await feeds.render(file.slice(0, -4), req.query);
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor: { ...systemActor, label: 'calendar feed' },
        action: 'calendar_feed.fetched',
        entityType: 'calendar_feed',
        ip: req.ip,
      });
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('cache-control', 'private, max-age=300')
        .header('x-robots-tag', 'noindex')
        .send(body);
    },
  );
}
