// Patient LIFF pages and their API (D1–D3): /liff/<channelId>/… serves the built page with
// the clinic's settings injected; /liff/api/<channelId>/… identifies the LINE user from the
// LIFF ID token (verified with LINE Login, never trusted from the client).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { recordAudit } from '../../platform/audit.ts';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { errorResponses } from '../../platform/http.ts';
import { lineLoginVerifier } from '../../platform/line-login.ts';
import { answerService, type Answer } from '../answers/service.ts';
import { clinicRepository } from '../clinics/repository.ts';
import { lineRepository } from '../line/repository.ts';
import { lineLinksOf, linkByStaff } from './family.ts';
import { bindingService, type LiffUser } from './service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    liffUser?: LiffUser;
  }
}

const Member = Type.Object({
  id: Type.String(),
  name: Type.String(),
  birthYear: Type.Union([Type.Integer(), Type.Null()]),
});
const Appt = Type.Object(
  {
    id: Type.String(),
    startsAt: Type.String({ description: 'ISO 8601（UTC）' }),
    dateLabel: Type.String({ description: '診所時區的日期時間，例如「11月27日（五）14:30」' }),
    doctorName: Type.String(),
    visitType: Type.Union([Type.String(), Type.Null()]),
    status: Type.String(),
    statusLabel: Type.String(),
    reply: Type.String(),
    replyLabel: Type.String(),
    canConfirm: Type.Boolean(),
    canCancel: Type.Boolean(),
    canReschedule: Type.Boolean(),
    canWithdraw: Type.Boolean({ description: '有處理中的取消或改期申請，可以撤回' }),
    pendingLabel: Type.Union([Type.String(), Type.Null()], {
      description: '處理中的申請，例如「取消申請處理中」；沒有則為 null',
    }),
  },
  { $id: 'LiffAppointment' },
);
const Params = Type.Object({ channelId: Type.String({ pattern: '^[0-9]{6,20}$' }) });
const ApptParams = Type.Object({
  channelId: Type.String({ pattern: '^[0-9]{6,20}$' }),
  id: Type.String({ maxLength: 64 }),
});
const Phone = Type.String({
  minLength: 1,
  maxLength: 30,
  description: '手機號碼，例如 0912-345-678',
  examples: ['0912345678'],
});

/** The LINE Login channel of the clinic's LIFF app: the numeric prefix of the LIFF id, else the Messaging channel. */
export const loginChannelOf = (ch: { liff_id: string; channel_id: string }) =>
  ch.liff_id ? ch.liff_id.split('-')[0] : ch.channel_id;

function isRealLine(url: string): boolean {
  try {
    return /(^|\.)line\.me$/.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const jsonForScript = (v: unknown) =>
  JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

function simplePage(title: string, body: string): string {
  return `<!doctype html><html lang="zh-TW"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>
<style>body{font-family:"Noto Sans TC","PingFang TC","Microsoft JhengHei",sans-serif;margin:0;padding:32px 20px;color:#1f2937;background:#f6f7f9;line-height:1.7}main{max-width:420px;margin:0 auto;background:#fff;border-radius:16px;padding:24px;box-shadow:0 1px 3px rgba(0,0,0,.08)}h1{font-size:20px;margin:0 0 12px}</style></head>
<body><main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

export function bindingRoutes(app: FastifyInstance, deps: Deps): void {
  const svc = bindingService(deps);
  const repo = lineRepository(deps.db);
  const verifier = lineLoginVerifier(deps.config.lineLoginBaseUrl, () => deps.clock.now().getTime());
  app.addSchema(Appt);
  const tags = ['LIFF：病患頁面 API（Authorization: Bearer <LIFF ID token>）'];

  const liffAuth = async (req: FastifyRequest) => {
    const { channelId } = req.params as { channelId: string };
    const ch = await repo.channelById(channelId);
    if (!ch) throw new AppError('CHANNEL_NOT_FOUND', 404, '找不到這個診所的 LINE 官方帳號');
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
    if (!m)
      throw new AppError('LIFF_TOKEN_INVALID', 401, '無法確認您的 LINE 身分，請從診所的 LINE 官方帳號重新開啟此頁面');
    const r = await verifier.verifyIdToken(m[1], loginChannelOf(ch));
    if (!r.ok) {
      if (r.status === null)
        throw new AppError('LINE_LOGIN_UNAVAILABLE', 503, '暫時無法連線到 LINE 驗證身分，請稍後再試');
      throw new AppError(
        'LIFF_TOKEN_INVALID',
        401,
        'LINE 登入已過期或不屬於這個診所，請關閉頁面後從診所的 LINE 官方帳號重新開啟',
      );
    }
    req.liffUser = {
      clinicId: ch.clinic_id,
      channelId,
      lineUserId: r.claims.sub,
      displayName: r.claims.name ?? '',
      pictureUrl: r.claims.picture ?? null,
    };
  };
  const user = (req: FastifyRequest) => req.liffUser!;

  app.get(
    '/liff/api/:channelId/me',
    {
      schema: {
        tags,
        summary: '目前的 LINE 使用者與綁定狀態',
        params: Params,
        response: {
          200: Type.Object({
            lineUser: Type.Object({
              userId: Type.String(),
              displayName: Type.String(),
              pictureUrl: Type.Union([Type.String(), Type.Null()]),
            }),
            bound: Type.Boolean(),
            phoneMasked: Type.Union([Type.String(), Type.Null()], { description: '例如 0912-***-678' }),
            patients: Type.Array(Member),
            privacyNotice: Type.Object({ version: Type.String(), title: Type.String(), text: Type.String() }),
          }),
          ...errorResponses(401, 404),
        },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.me(user(req)),
  );

  app.post(
    '/liff/api/:channelId/otp',
    {
      schema: {
        tags,
        summary: '傳送綁定驗證碼（簡訊）',
        params: Params,
        description:
          '需同意個資告知；只接受台灣手機號碼；驗證碼 5 分鐘內有效，60 秒後才可重送；依手機、LINE 使用者與 IP 限制次數。',
        body: Type.Object(
          { phone: Phone, consent: Type.Boolean({ description: '已閱讀並同意個資告知' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            sentTo: Type.String(),
            expiresInSeconds: Type.Integer(),
            resendAfterSeconds: Type.Integer(),
          }),
          ...errorResponses(401, 404, 422, 429, 503),
        },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.requestOtp(user(req), req.body as { phone: string; consent: boolean }, req.ip),
  );

  app.post(
    '/liff/api/:channelId/otp/verify',
    {
      schema: {
        tags,
        summary: '驗證簡訊驗證碼並完成綁定',
        params: Params,
        description:
          '成功時綁定同一手機號碼登記的所有家人（家庭共用）。每組驗證碼最多錯 5 次，之後這支手機暫停驗證 15 分鐘。',
        body: Type.Object(
          { phone: Phone, code: Type.String({ pattern: '^[0-9]{6}$', description: '6 位數驗證碼' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ bound: Type.Boolean(), patients: Type.Array(Member) }),
          ...errorResponses(400, 401, 410, 422, 429),
        },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.verifyOtp(user(req), req.body as { phone: string; code: string }, req.ip),
  );

  app.post(
    '/liff/api/:channelId/unbind',
    {
      schema: {
        tags,
        summary: '解除 LINE 綁定',
        params: Params,
        response: { 200: Type.Object({ bound: Type.Boolean() }), ...errorResponses(401, 404) },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.unbindSelf(user(req), req.ip),
  );

  app.get(
    '/liff/api/:channelId/appointments',
    {
      schema: {
        tags,
        summary: '我的預約與家人的預約',
        params: Params,
        description: '綁定在這個 LINE 帳號下的每位病患，各自的即將到來與近 90 天的預約。',
        response: {
          200: Type.Object({
            members: Type.Array(
              Type.Object({
                patient: Type.Object({ id: Type.String(), name: Type.String() }),
                upcoming: Type.Array(Type.Ref('LiffAppointment')),
                recent: Type.Array(Type.Ref('LiffAppointment')),
              }),
            ),
          }),
          ...errorResponses(401, 404),
        },
      },
      preHandler: liffAuth,
    },
    async (req) => {
      const u = user(req);
      const out = await answerService(deps).ofLineUser(u.clinicId, u.lineUserId);
      if (out.members.length) {
        await recordAudit(deps.db, deps.clock, {
          clinicId: u.clinicId,
          actor: {
            type: 'patient',
            id: u.lineUserId,
            label: `病患本人（LINE ${u.displayName || u.lineUserId.slice(0, 8)}）`,
          },
          action: 'liff.appointments_viewed',
          entityType: 'line_user',
          entityId: u.lineUserId,
          ip: req.ip,
          detail: { patients: out.members.map((m) => m.patient.id) },
        });
      }
      return out;
    },
  );

  const answerRoute = (path: string, answer: Answer, summary: string, body: ReturnType<typeof Type.Object>) =>
    app.post(
      `/liff/api/:channelId/appointments/:id/${path}`,
      {
        schema: {
          tags,
          summary,
          params: ApptParams,
          body,
          response: { 200: Type.Ref('LiffAppointment'), ...errorResponses(401, 404, 409, 422) },
        },
        preHandler: liffAuth,
      },
      async (req) => {
        const u = user(req);
        const b = (req.body ?? {}) as { reason?: string; preferredTimes?: string[]; note?: string };
        return answerService(deps).answer({
          clinicId: u.clinicId,
          appointmentId: (req.params as { id: string }).id,
          lineUserId: u.lineUserId,
          answer,
          reason: b.reason,
          preferredTimes: b.preferredTimes,
          note: b.note,
          source: 'liff',
          ip: req.ip,
        });
      },
    );
  answerRoute('confirm', 'confirm', '確認赴約', Type.Object({}, { additionalProperties: false }));
  answerRoute(
    'cancel-request',
    'cancel',
    '申請取消預約',
    Type.Object({ reason: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
  );
  answerRoute(
    'reschedule-request',
    'reschedule',
    '申請改期',
    Type.Object(
      {
        preferredTimes: Type.Optional(
          Type.Array(Type.String({ format: 'date-time' }), { maxItems: 5, description: '希望的時段（可多選）' }),
        ),
        note: Type.Optional(Type.String({ maxLength: 300 })),
      },
      { additionalProperties: false },
    ),
  );

  app.post(
    '/liff/api/:channelId/appointments/:id/withdraw-request',
    {
      schema: {
        tags,
        summary: '撤回取消或改期申請',
        description: '預約恢復申請前的回覆狀態，櫃台的待辦關閉為「病患撤回」，HIS 會收到燈號變更。',
        params: ApptParams,
        response: { 200: Type.Ref('LiffAppointment'), ...errorResponses(401, 404, 409) },
      },
      preHandler: liffAuth,
    },
    async (req) => {
      const u = user(req);
      return answerService(deps).withdraw({
        clinicId: u.clinicId,
        appointmentId: (req.params as { id: string }).id,
        lineUserId: u.lineUserId,
        source: 'liff',
        ip: req.ip,
      });
    },
  );

  // Staff: the patient's LINE users, and linking one who proved the same phone (a family member
  // the HIS added after that user bound).
  const LineUserOfPatient = Type.Object({
    lineUserId: Type.String(),
    displayName: Type.String(),
    family: Type.Array(Type.String(), { description: '這個 LINE 帳號已綁定的病患姓名' }),
  });
  const PatientLine = Type.Object({
    bound: Type.Array(LineUserOfPatient, { description: '已綁定這位病患的 LINE 帳號' }),
    candidates: Type.Array(LineUserOfPatient, { description: '驗證過同一支手機、尚未綁定這位病患的 LINE 帳號' }),
  });
  const PatientParams = Type.Object({ id: Type.String({ maxLength: 64, description: '病患的內部 id' }) });
  app.get(
    '/api/patients/:id/line',
    {
      schema: {
        tags: ['後台：病患'],
        summary: '病患的 LINE 綁定與可連結的家人帳號',
        params: PatientParams,
        response: { 200: PatientLine, ...errorResponses(401, 403, 404) },
      },
      preHandler: requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']),
    },
    async (req) => lineLinksOf(deps, clinicOf(req), (req.params as { id: string }).id),
  );
  app.post(
    '/api/patients/:id/line/link',
    {
      schema: {
        tags: ['後台：病患'],
        summary: '連結驗證過同一支手機的 LINE 帳號（新增的家人）',
        params: PatientParams,
        body: Type.Object({ lineUserId: Type.String({ pattern: '^U[0-9a-f]{32}$' }) }, { additionalProperties: false }),
        response: { 200: PatientLine, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: requireStaff(deps, ['admin', 'front_desk']),
    },
    async (req) =>
      linkByStaff(
        deps,
        clinicOf(req),
        (req.params as { id: string }).id,
        (req.body as { lineUserId: string }).lineUserId,
        actorOf(req),
      ),
  );

  // Staff: unbind a patient's LINE.
  app.post(
    '/api/patients/:id/unbind-line',
    {
      schema: {
        tags: ['後台：病患'],
        summary: '解除病患的 LINE 綁定',
        params: Type.Object({ id: Type.String({ maxLength: 64, description: '病患的內部 id' }) }),
        response: {
          200: Type.Object({ patientId: Type.String(), unboundLineUsers: Type.Integer() }),
          ...errorResponses(401, 403, 404),
        },
      },
      preHandler: requireStaff(deps, ['admin', 'front_desk']),
    },
    async (req) => svc.unbindPatient(clinicOf(req), (req.params as { id: string }).id, actorOf(req), req.ip),
  );

  // The LIFF pages themselves (built by apps/web as liff.html), with the clinic's settings injected.
  const page = async (req: FastifyRequest, reply: FastifyReply) => {
    const { channelId } = req.params as { channelId: string };
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
    const ch = /^[0-9]{6,20}$/.test(channelId) ? await repo.channelById(channelId) : undefined;
    if (!ch)
      return reply
        .code(404)
        .send(
          simplePage('找不到頁面', '<p>這個連結不屬於任何診所的 LINE 官方帳號，請從診所的 LINE 選單重新開啟。</p>'),
        );
    const clinic = (await clinicRepository(deps.db).get(ch.clinic_id))!;
    const file = deps.config.webDistDir ? join(deps.config.webDistDir, 'liff.html') : null;
    if (!file || !existsSync(file)) {
      return reply.send(
        simplePage(
          clinic.name,
          `<p>病患頁面尚未建置完成（找不到 liff.html）。</p><p>如需查詢預約，請致電 ${esc(clinic.phone || '診所')}。</p>`,
        ),
      );
    }
    const login = deps.config.lineLoginBaseUrl;
    const cfg = {
      channelId: ch.channel_id,
      liffId: ch.liff_id || null,
      clinic: { name: clinic.name, phone: clinic.phone, address: clinic.address },
      sdkUrl: isRealLine(login) ? 'https://static.line-scdn.net/liff/edge/2/sdk.js' : `${login}/liff/sdk.js`,
      apiBase: `/liff/api/${ch.channel_id}`,
    };
    const html = readFileSync(file, 'utf8');
    const tag = `<script>window.__CARELINE_LIFF__ = ${jsonForScript(cfg)};</script>`;
    return reply.send(html.includes('</head>') ? html.replace('</head>', `${tag}</head>`) : tag + html);
  };
  const pageSchema = { hide: true };
  app.get('/liff/:channelId', { schema: pageSchema }, async (req, reply) =>
    reply.redirect(`/liff/${(req.params as { channelId: string }).channelId}/`),
  );
  app.get('/liff/:channelId/', { schema: pageSchema }, page);
  app.get('/liff/:channelId/*', { schema: pageSchema }, page);
}
