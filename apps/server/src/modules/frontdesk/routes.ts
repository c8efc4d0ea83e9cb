// Front-desk back office (issue #8): the appointment list and detail with actions, home page
// summary (+ live stream), KPI strip, calendar data, saved filters, iCalendar feeds.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { recordAudit, systemActor } from '../../platform/audit.ts';
import { actorOf, clinicOf, loadSession, requireStaff, SESSION_COOKIE } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { errorResponses } from '../../platform/http.ts';
import { REPLY_STATUSES, APPOINTMENT_STATUSES, LINE_STATUSES } from '../status/lights.ts';
import { feedService } from './feeds.ts';
import { homeService } from './home.ts';
import { appointmentListService, SORT_KEYS, type ListQuery } from './list.ts';
import { clinicRepository } from '../clinics/repository.ts';
import * as S from './schemas.ts';
import { frontdeskService, type StaffRef } from './service.ts';

const TAG = '後台：櫃台';
const TAG_APPT = '後台：預約';
const TAG_FEED = '後台：行事曆訂閱';

const staffRef = (req: FastifyRequest): StaffRef => ({
  userId: req.staff!.userId,
  name: req.staff!.name,
  email: req.staff!.email,
  role: req.staff!.role,
});
const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });

export function frontdeskRoutes(app: FastifyInstance, deps: Deps): void {
  const anyStaff = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const desk = requireStaff(deps, ['admin', 'front_desk']);
  const admin = requireStaff(deps, ['admin']);
  const list = appointmentListService(deps.db, {
    dialect: deps.dialect,
    phoneHash: (e164) => deps.crypto.lookupHash(e164),
    now: () => deps.clock.now(),
  });
  const home = homeService(deps.db);
  const svc = frontdeskService(deps);
  const feeds = feedService({
    db: deps.db,
    crypto: deps.crypto,
    clock: deps.clock,
    publicBaseUrl: deps.config.publicBaseUrl,
  });
  const streams = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of Array.from(streams)) end();
  });
  const clinics = clinicRepository(deps.db);
  const tzOf = async (clinicId: string) => (await clinics.get(clinicId))!.time_zone;

  app.get(
    '/api/appointments',
    {
      schema: {
        tags: [TAG_APPT],
        summary: '預約列表（櫃台）',
        description:
          '任意日期區間、醫師、門診類別、預約狀態、回覆燈號、LINE 燈號篩選；以病患姓名、電話（任何格式或末幾碼）、病歷號搜尋；可排序、伺服器端分頁（附總筆數）。日期可用 fromDate/toDate（診所當地日期，含頭含尾）或 from/to（RFC 3339，from 含、to 不含）。',
        querystring: Type.Object({
          from: Type.Optional(Type.String({ format: 'date-time', description: '起（含），RFC 3339' })),
          to: Type.Optional(Type.String({ format: 'date-time', description: '迄（不含），RFC 3339' })),
          fromDate: Type.Optional(Type.String({ format: 'date', description: '起日（診所當地日期，含）' })),
          toDate: Type.Optional(Type.String({ format: 'date', description: '迄日（診所當地日期，含）' })),
          doctorId: Type.Optional(Type.String({ maxLength: 64, description: 'HIS 醫師代碼' })),
          visitType: Type.Optional(Type.String({ maxLength: 50, description: '門診類別' })),
          status: Type.Optional(Type.Enum([...APPOINTMENT_STATUSES], { description: '預約狀態' })),
          reply: Type.Optional(Type.Enum([...REPLY_STATUSES], { description: '回覆燈號' })),
          line: Type.Optional(
            Type.Enum([...LINE_STATUSES], { description: 'LINE 燈號（bound 已綁定、unbound 未綁定、blocked 被封鎖）' }),
          ),
          q: Type.Optional(
            Type.String({
              maxLength: 50,
              description: '搜尋：病患姓名（部分）、電話（任何格式或末 3 碼以上）、病歷號或 HIS 病患代碼',
            }),
          ),
          failed: Type.Optional(Type.Boolean({ description: '只列出有提醒發送失敗的預約' })),
          openTasks: Type.Optional(Type.Boolean({ description: '只列出有未處理的取消／改期申請的預約' })),
          sort: Type.Optional(Type.Enum([...SORT_KEYS], { description: '排序欄位（預設看診時間）' })),
          order: Type.Optional(Type.Enum(['asc', 'desc'], { description: '排序方向（預設 asc）' })),
          page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
          pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: { 200: S.ListResponse, ...errorResponses(400, 401, 403) },
      },
      preHandler: anyStaff,
    },
    async (req) => {
      const clinicId = clinicOf(req);
      const q = req.query as ListQuery;
      const out = await list.list(clinicId, await tzOf(clinicId), {
        ...q,
        page: q.page ?? 1,
        pageSize: q.pageSize ?? 50,
      });
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor: actorOf(req),
        action: 'appointment.listed',
        entityType: 'appointment',
        detail: { ...q, results: out.items.length },
        ip: req.ip,
      });
      return out;
    },
  );

  app.get(
    '/api/appointments/visit-types',
    {
      schema: {
        tags: [TAG_APPT],
        summary: '門診類別（本診所使用過的）',
        description: '近兩年預約中出現過的門診類別（HIS 的名稱），依使用次數由多到少；供篩選與分眾條件選擇。',
        response: {
          200: Type.Object({ items: Type.Array(Type.Object({ visitType: Type.String(), count: Type.Integer() })) }),
          ...errorResponses(401, 403),
        },
      },
      preHandler: anyStaff,
    },
    async (req) => list.visitTypes(clinicOf(req)),
  );

  app.get(
    '/api/appointments/:id',
    {
      schema: {
        tags: [TAG_APPT],
        summary: '預約明細',
        description:
          '預約、病患（身分證遮罩、電話遮罩）、醫師、狀態歷程（HIS 與病患）、每一則排定與已發送的提醒及其發送時間的原因、櫃台備註、病患申請。',
        params: Id,
        response: { 200: S.Detail, ...errorResponses(401, 403, 404) },
      },
      preHandler: anyStaff,
    },
    async (req) => svc.detail(clinicOf(req), (req.params as { id: string }).id, actorOf(req), req.ip),
  );

  app.get(
    '/api/appointments/:id/messages',
    {
      schema: {
        tags: [TAG_APPT],
        summary: '與病患的 LINE 對話',
        description: '病患已綁定的 LINE 帳號最近 100 則訊息（舊到新）。',
        params: Id,
        response: { 200: S.Thread, ...errorResponses(401, 403, 404) },
      },
      preHandler: anyStaff,
    },
    async (req) => svc.thread(clinicOf(req), (req.params as { id: string }).id, actorOf(req), req.ip),
  );

  app.post(
    '/api/appointments/:id/notes',
    {
      schema: {
        tags: [TAG_APPT],
        summary: '新增櫃台備註',
        params: Id,
        body: Type.Object(
          { body: Type.String({ minLength: 1, maxLength: 1000, description: '備註內容' }) },
          { additionalProperties: false },
        ),
        response: { 201: S.Note, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: desk,
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await svc.addNote(
            clinicOf(req),
            (req.params as { id: string }).id,
            staffRef(req),
            (req.body as { body: string }).body,
            req.ip,
          ),
        ),
  );

  app.post(
    '/api/appointments/:id/handle',
    {
      schema: {
        tags: [TAG_APPT],
        summary: '標記已處理',
        description: '將這筆預約未處理的取消／改期申請標為已處理，並留下處理紀錄。',
        params: Id,
        body: Type.Object(
          {
            comment: Type.Optional(
              Type.String({ maxLength: 500, description: '處理說明，例如「已電話聯絡改至 5/8 上午」' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ handledTasks: Type.Integer(), note: S.Note }),
          ...errorResponses(401, 403, 404, 422),
        },
      },
      preHandler: desk,
    },
    async (req) =>
      svc.markHandled(
        clinicOf(req),
        (req.params as { id: string }).id,
        staffRef(req),
        (req.body as { comment?: string }).comment,
        req.ip,
      ),
  );

  app.post(
    '/api/appointments/:id/send-message',
    {
      schema: {
        tags: [TAG_APPT],
        summary: '傳送 LINE 訊息給病患',
        description:
          '推播給病患所有已綁定的 LINE 帳號（先寫入含 X-Line-Retry-Key 的工作，再由背景送出）；未綁定回 409 PATIENT_NOT_BOUND。',
        params: Id,
        body: Type.Object(
          { text: Type.String({ minLength: 1, maxLength: 1000, description: '訊息內容' }) },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Object({ recipients: Type.Integer(), note: S.Note }),
          ...errorResponses(401, 403, 404, 409, 422),
        },
      },
      preHandler: desk,
    },
    async (req, reply) =>
      reply
        .status(202)
        .send(
          await svc.sendMessage(
            clinicOf(req),
            (req.params as { id: string }).id,
            staffRef(req),
            (req.body as { text: string }).text,
            req.ip,
          ),
        ),
  );

  app.post(
    '/api/appointments/:id/resend-reminder',
    {
      schema: {
        tags: [TAG_APPT],
        summary: '重送看診提醒',
        description:
          '立即再送一次看診提醒：與排程提醒相同的訊息（含確認赴約、取消、改期按鈕），有綁定 LINE 的以 LINE 推播，' +
          '否則依簡訊備援設定改發簡訊。送出的是最近一則已到期的提醒，沒有時送下一則排程中的提醒。' +
          '已取消或已過看診時間、或上一次重送還在排程中回 409。',
        params: Id,
        response: {
          202: Type.Object({ recipients: Type.Integer(), note: S.Note }),
          ...errorResponses(401, 403, 404, 409),
        },
      },
      preHandler: desk,
    },
    async (req, reply) =>
      reply
        .status(202)
        .send(await svc.resendReminder(clinicOf(req), (req.params as { id: string }).id, staffRef(req), req.ip)),
  );

  app.get(
    '/api/schedule',
    {
      schema: {
        tags: [TAG],
        summary: '行事曆資料',
        description: '日、週、月檢視用的精簡預約清單（最多 5,000 筆），依看診時間排序。',
        querystring: Type.Object({
          fromDate: Type.String({ format: 'date' }),
          toDate: Type.String({ format: 'date' }),
          doctorId: Type.Optional(Type.String({ maxLength: 64, description: 'HIS 醫師代碼；不填為全部醫師' })),
        }),
        response: { 200: S.Schedule, ...errorResponses(400, 401, 403) },
      },
      preHandler: anyStaff,
    },
    async (req) => {
      const clinicId = clinicOf(req);
      const q = req.query as { fromDate: string; toDate: string; doctorId?: string };
      if (q.toDate < q.fromDate || Date.parse(q.toDate) - Date.parse(q.fromDate) > 62 * 86_400_000)
        throw errors.badRequest('日期範圍不正確（最多 62 天）');
      const out = await list.schedule(clinicId, await tzOf(clinicId), q);
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor: actorOf(req),
        action: 'appointment.schedule_viewed',
        entityType: 'appointment',
        detail: q,
        ip: req.ip,
      });
      return out;
    },
  );

  app.get(
    '/api/doctors',
    {
      schema: {
        tags: [TAG],
        summary: '醫師清單',
        description: 'HIS 同步的醫師；myDoctorId 是目前登入者對應的醫師（人員設定的連結，或醫師帳號姓名相同者）。',
        response: { 200: S.Doctors, ...errorResponses(401, 403) },
      },
      preHandler: anyStaff,
    },
    async (req) => svc.doctors(clinicOf(req), staffRef(req)),
  );

  app.get(
    '/api/doctor-links',
    {
      schema: {
        tags: [TAG],
        summary: '醫師帳號與醫師的對應',
        description: '每個醫師角色的帳號連結到哪位 HIS 醫師；未連結時以姓名相同者對應（matchedByName）。',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                staffId: Type.String(),
                name: Type.String(),
                email: Type.String(),
                doctorId: Type.Union([Type.String(), Type.Null()]),
                matchedByName: Type.Union([Type.String(), Type.Null()]),
              }),
            ),
          }),
          ...errorResponses(401, 403),
        },
      },
      preHandler: admin,
    },
    async (req) => ({ items: await svc.doctorLinks(clinicOf(req)) }),
  );

  app.put(
    '/api/doctor-links/:staffId',
    {
      schema: {
        tags: [TAG],
        summary: '連結人員與醫師',
        description: '讓醫師帳號預設看到自己的行事曆；doctorId 為 null 取消連結（改以姓名比對）。',
        params: Type.Object({ staffId: Type.String({ maxLength: 64 }) }),
        body: Type.Object(
          { doctorId: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()]) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ staffId: Type.String(), doctorId: Type.Union([Type.String(), Type.Null()]) }),
          ...errorResponses(401, 403, 404, 422),
        },
      },
      preHandler: admin,
    },
    async (req) =>
      svc.linkDoctor(
        clinicOf(req),
        (req.params as { staffId: string }).staffId,
        (req.body as { doctorId: string | null }).doctorId,
        actorOf(req),
        req.ip,
      ),
  );

  // ---- home
  app.get(
    '/api/home/today',
    {
      schema: {
        tags: [TAG],
        summary: '今日總覽',
        description:
          '今天（診所時區）各時段×醫師的預約數、已確認、尚未回覆、未處理的取消改期申請、被封鎖且今日有約、提醒發送失敗。',
        response: { 200: S.Today, ...errorResponses(401, 403) },
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

  app.get(
    '/api/home/stream',
    {
      schema: {
        tags: [TAG],
        summary: '今日總覽即時更新（SSE）',
        description:
          'text/event-stream：連線時送一次 `summary` 事件，之後資料有變動（每 5 秒檢查）或每 15 秒再送一次最新的今日總覽。以登入 cookie 驗證。',
        response: { 200: Type.String({ description: 'event-stream' }), ...errorResponses(401, 403) },
      },
    },
    async (req, reply) => {
      const staff = await loadSession(deps, req.cookies?.[SESSION_COOKIE]);
      if (!staff) throw errors.unauthenticated('登入已失效，請重新登入');
      if (!staff.clinicId) throw errors.forbidden();
      const clinicId = staff.clinicId;
      const tz = await tzOf(clinicId);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let last = '';
      let lastSent = 0;
      let closed = false;
      const tick = async () => {
        if (closed) return;
        try {
          const body = JSON.stringify(await home.today(clinicId, tz, deps.clock.now()));
          const fp = createHash('sha1')
            .update(body.replace(/"generatedAt":"[^"]*"/, ''))
            .digest('hex');
          if (fp !== last || Date.now() - lastSent >= 15_000) {
            last = fp;
            lastSent = Date.now();
            res.write(`event: summary\nid: ${fp.slice(0, 12)}\ndata: ${body}\n\n`);
          }
        } catch (err) {
          deps.log.warn({ err }, 'home stream tick failed');
        }
      };
      // Not audited: the stream refreshes the summary whose view GET /api/home/today has logged.
      res.write('retry: 5000\n\n');
      await tick();
      const timer = setInterval(() => void tick(), 5_000);
      const stop = () => {
        closed = true;
        clearInterval(timer);
        streams.delete(end);
      };
      const end = () => {
        stop();
        res.end();
      };
      streams.add(end);
      req.raw.on('close', stop);
    },
  );

  app.get(
    '/api/kpis',
    {
      schema: {
        tags: [TAG],
        summary: 'KPI 指標',
        description:
          '今天或本月（診所時區）的 LINE 綁定率、提醒送達率、確認率、取消率、未到率；每項附分子、分母與定義。分母為 0 時 value 為 null。',
        querystring: Type.Object({ period: Type.Optional(Type.Enum(['today', 'month'], { default: 'today' })) }),
        response: { 200: S.Kpis, ...errorResponses(400, 401, 403) },
      },
      preHandler: anyStaff,
    },
    async (req) => {
      const clinicId = clinicOf(req);
      return home.kpis(
        clinicId,
        await tzOf(clinicId),
        deps.clock.now(),
        (req.query as { period?: 'today' | 'month' }).period ?? 'today',
      );
    },
  );

  // ---- saved filters
  app.get(
    '/api/saved-filters',
    {
      schema: {
        tags: [TAG],
        summary: '我的常用篩選',
        response: { 200: Type.Object({ items: Type.Array(S.SavedFilter) }), ...errorResponses(401, 403) },
      },
      preHandler: anyStaff,
    },
    async (req) => ({ items: await svc.savedFilters(clinicOf(req), req.staff!.userId) }),
  );

  app.post(
    '/api/saved-filters',
    {
      schema: {
        tags: [TAG],
        summary: '儲存常用篩選',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 40, description: '名稱，例如「明天尚未回覆」' }),
            filters: S.FilterValues,
          },
          { additionalProperties: false },
        ),
        response: { 201: S.SavedFilter, ...errorResponses(401, 403, 409, 422) },
      },
      preHandler: anyStaff,
    },
    async (req, reply) => {
      const b = req.body as { name: string; filters: Record<string, unknown> };
      return reply.status(201).send(await svc.saveFilter(clinicOf(req), req.staff!.userId, b.name, b.filters));
    },
  );

  app.delete(
    '/api/saved-filters/:id',
    {
      schema: {
        tags: [TAG],
        summary: '刪除常用篩選',
        params: Id,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: anyStaff,
    },
    async (req, reply) => {
      await svc.deleteFilter(clinicOf(req), req.staff!.userId, (req.params as { id: string }).id);
      return reply.status(204).send();
    },
  );

  // ---- settings (民國 dates, feed privacy)
  app.get(
    '/api/frontdesk/settings',
    {
      schema: { tags: [TAG], summary: '櫃台顯示設定', response: { 200: S.Settings, ...errorResponses(401, 403) } },
      preHandler: anyStaff,
    },
    async (req) => feeds.settings(clinicOf(req)),
  );

  app.put(
    '/api/frontdesk/settings',
    {
      schema: {
        tags: [TAG],
        summary: '更新櫃台顯示設定',
        description: 'rocDates：後台日期以民國年顯示；initialsOnly：行事曆訂閱只顯示病患姓名縮寫（王○明）。',
        body: Type.Object(
          { rocDates: Type.Optional(Type.Boolean()), initialsOnly: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 200: S.Settings, ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) =>
      feeds.saveSettings(
        clinicOf(req),
        req.body as { rocDates?: boolean; initialsOnly?: boolean },
        actorOf(req),
        req.ip,
      ),
  );

  // ---- iCalendar feeds
  app.get(
    '/api/calendar-feeds',
    {
      schema: {
        tags: [TAG_FEED],
        summary: '行事曆訂閱網址',
        description: '全部醫師與每位醫師各一個秘密網址（第一次查詢時建立）。',
        response: { 200: S.Feeds, ...errorResponses(401, 403) },
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
        tags: [TAG_FEED],
        summary: '更換訂閱網址',
        description: '產生新的秘密網址，舊網址立即失效（回 404）；已訂閱的日曆需改用新網址。',
        body: Type.Object(
          {
            doctorId: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
              description: 'HIS 醫師代碼；null 為全部醫師',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ doctorId: Type.Union([Type.String(), Type.Null()]), url: Type.String() }),
          ...errorResponses(401, 403, 404, 422),
        },
      },
      preHandler: admin,
    },
    async (req) =>
      feeds.rotate(clinicOf(req), (req.body as { doctorId: string | null }).doctorId, actorOf(req), req.ip),
  );

  app.get(
    '/calendar/:file',
    {
      schema: {
        tags: [TAG_FEED],
        summary: 'iCalendar 訂閱（.ics）',
        description:
          '給 Google 日曆等日曆程式訂閱的秘密網址（不需登入）。from/to 為診所當地日期（預設 30 天前至 90 天後，最多 400 天）。網址更換後舊網址回 404。',
        params: Type.Object({ file: Type.String({ maxLength: 80, description: '<token>.ics' }) }),
        querystring: Type.Object({
          from: Type.Optional(Type.String({ maxLength: 10 })),
          to: Type.Optional(Type.String({ maxLength: 10 })),
        }),
        response: { 200: Type.String({ description: 'text/calendar' }), ...errorResponses(400, 404) },
      },
    },
    async (req, reply) => {
      const file = (req.params as { file: string }).file;
      if (!file.endsWith('.ics')) throw errors.notFound('行事曆');
      const { body, clinicId } = await feeds.render(file.slice(0, -4), req.query as { from?: string; to?: string });
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
