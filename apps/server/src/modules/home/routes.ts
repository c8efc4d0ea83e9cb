// Back office: the front desk's home page (今日) with its live stream, and the KPI strip.
import { createHash } from 'node:crypto';
import { recordAudit } from '../../platform/audit.ts';
import { actorOf, clinicOf, loadSession, requireStaff, SESSION_COOKIE } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { eventStreams, pollingEventStream } from '../../platform/sse.ts';
import { clinicService } from '../clinics/service.ts';
import { EventStream, KpiQuery, Kpis, Setup, Today } from './schemas.ts';
import { homeService } from './service.ts';
import { setupChecklist } from './setup.ts';

const TAG = '後台：今日';

export function homeRoutes(app: App, deps: Deps): void {
  const anyStaff = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const admin = requireStaff(deps, ['admin']);
  const home = homeService(deps);
  const tzOf = async (clinicId: string) => (await clinicService(deps).get(clinicId)).timeZone;
  const streams = eventStreams(app);

  app.get(
    '/api/home/today',
    {
      schema: {
        tags: [TAG],
        operationId: 'getToday',
        summary: '今日總覽',
        description:
          '今天（診所時區）各時段×醫師的預約數與燈號（看診時間前為病患回覆，之後為實際結果）、未處理的取消改期申請、' +
          '被封鎖且今日有約、提醒發送失敗。',
        response: { 200: Today, ...errorResponses(401, 403) },
      },
      preHandler: anyStaff,
    },
    async (req) => {
      const clinicId = clinicOf(req);
      const out = await home.today(clinicId, await tzOf(clinicId), deps.clock.now());
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor: actorOf(req),
        action: 'home.viewed',
        entityType: 'appointment',
        ip: req.ip,
      });
      return out;
    },
  );

  // One view of the page is one audit entry (the page's first GET /api/home/today): the stream
  // only carries later updates of what was already viewed.
  app.get(
    '/api/home/stream',
    {
      schema: {
        tags: [TAG],
        operationId: 'streamToday',
        summary: '今日總覽即時更新（SSE）',
        description:
          'text/event-stream：連線時送一次 `summary` 事件，之後資料有變動（每 5 秒檢查）或每 15 秒再送一次最新的今日總覽。以登入 cookie 驗證。',
        response: { 200: EventStream, ...errorResponses(401, 403) },
      },
    },
    async (req, reply) => {
      const staff = await loadSession(deps, req.cookies?.[SESSION_COOKIE]);
      if (!staff) throw errors.unauthenticated('登入已失效，請重新登入');
      if (!staff.clinicId) throw errors.forbidden();
      const clinicId = staff.clinicId;
      const tz = await tzOf(clinicId);
      await pollingEventStream(req, reply, deps, streams, {
        event: 'summary',
        everyMs: 5_000,
        read: () => home.today(clinicId, tz, deps.clock.now()),
        fingerprint: (body) =>
          createHash('sha1')
            .update(body.replace(/"generatedAt":"[^"]*"/, ''))
            .digest('hex'),
      });
    },
  );

  app.get(
    '/api/kpis',
    {
      schema: {
        tags: [TAG],
        operationId: 'getKpis',
        summary: 'KPI 指標',
        description:
          '今天或本月（診所時區）的 LINE 綁定率、提醒送達率、確認率、取消率、未到率；每項附分子、分母與定義。分母為 0 時 value 為 null。',
        querystring: KpiQuery,
        response: { 200: Kpis, ...errorResponses(400, 401, 403) },
      },
      preHandler: anyStaff,
    },
    async (req) => {
      const clinicId = clinicOf(req);
      return home.kpis(clinicId, await tzOf(clinicId), deps.clock.now(), req.query.period ?? 'today');
    },
  );

  app.get(
    '/api/home/setup',
    {
      schema: {
        tags: [TAG],
        operationId: 'getSetupChecklist',
        summary: '開始使用清單',
        description:
          '新診所上線前的步驟與進度：LINE 官方帳號與 Webhook、圖文選單、HIS 金鑰與第一次同步、提醒規則、簡訊服務商、' +
          '邀請人員。每一步都依目前的設定自動判斷是否完成，並附說明與設定頁面。僅限管理者。',
        response: { 200: Setup, ...errorResponses(401, 403) },
      },
      preHandler: admin,
    },
    async (req) => setupChecklist(deps, clinicOf(req)),
  );
}
