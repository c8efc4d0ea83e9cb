// Patient LIFF pages and their API (binding, appointments, family): /liff/<channelId>/… serves the built page with
// the clinic's settings injected; /liff/api/<channelId>/… identifies the LINE user from the
// LIFF ID token (verified with LINE Login, never trusted from the client).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { recordAudit } from '../../platform/audit.ts';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';

import { errorResponses, type App } from '../../platform/http.ts';
import { answerService, type Answer } from '../answers/service.ts';
import { clinicService } from '../clinics/service.ts';
import { lineService } from '../line/service.ts';
import { lineLinksOf, linkByStaff } from './family.ts';
import {
  ApptParams,
  CancelBody,
  ChannelParams,
  ConfirmBody,
  FamilyAppointments,
  LinkBody,
  LiffAppointment,
  MeResponse,
  OtpBody,
  OtpSent,
  Params,
  PatientLine,
  PatientParams,
  RescheduleBody,
  UnbindPatientResult,
  UnbindResult,
  VerifyBody,
  VerifyResult,
} from './schemas.ts';
import { channelIdOf, liffAuthHook } from './liff-auth.ts';
import { bindingService, type LiffUser } from './service.ts';

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
  return `<!doctype html><html lang="zh-TW"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title>
<style>
body{font-family:"Noto Sans TC","PingFang TC","Microsoft JhengHei",sans-serif;margin:0;padding:32px 20px;color:#1f2937;
background:#f6f7f9;line-height:1.7}
main{max-width:420px;margin:0 auto;background:#fff;border-radius:16px;padding:24px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 12px}
</style></head>
<body><main><h1>${esc(title)}</h1>${body}</main></body></html>`;
}

export function bindingRoutes(app: App, deps: Deps): void {
  const svc = bindingService(deps);
  const line = lineService(deps);
  app.addSchema(LiffAppointment);
  const tags = ['LIFF：病患頁面 API（Authorization: Bearer <LIFF ID token>）'];

  const liffAuth = liffAuthHook(deps);
  const user = (req: FastifyRequest) => req.liffUser!;

  app.get(
    '/liff/api/:channelId/me',
    {
      schema: {
        tags,
        summary: '目前的 LINE 使用者與綁定狀態',
        params: Params,
        response: { 200: MeResponse, ...errorResponses(401, 404) },
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
        body: OtpBody,
        response: { 200: OtpSent, ...errorResponses(401, 404, 422, 429, 503) },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.requestOtp(user(req), req.body, req.ip),
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
        body: VerifyBody,
        response: { 200: VerifyResult, ...errorResponses(400, 401, 410, 422, 429) },
      },
      preHandler: liffAuth,
    },
    async (req) => svc.verifyOtp(user(req), req.body, req.ip),
  );

  app.post(
    '/liff/api/:channelId/unbind',
    {
      schema: {
        tags,
        summary: '解除 LINE 綁定',
        params: Params,
        response: { 200: UnbindResult, ...errorResponses(401, 404) },
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
        response: { 200: FamilyAppointments, ...errorResponses(401, 404) },
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

  const answerSchema = (summary: string) => ({
    tags,
    summary,
    params: ApptParams,
    response: { 200: Type.Ref('LiffAppointment'), ...errorResponses(401, 404, 409, 422) },
  });
  const answer = (
    u: LiffUser,
    appointmentId: string,
    a: Answer,
    ip: string,
    b: { reason?: string; preferredTimes?: string[]; note?: string } = {},
  ) =>
    answerService(deps).answer({
      clinicId: u.clinicId,
      appointmentId,
      lineUserId: u.lineUserId,
      answer: a,
      reason: b.reason,
      preferredTimes: b.preferredTimes,
      note: b.note,
      source: 'liff',
      ip,
    });
  app.post(
    '/liff/api/:channelId/appointments/:id/confirm',
    { schema: { ...answerSchema('確認赴約'), body: ConfirmBody }, preHandler: liffAuth },
    async (req) => answer(user(req), req.params.id, 'confirm', req.ip),
  );
  app.post(
    '/liff/api/:channelId/appointments/:id/cancel-request',
    { schema: { ...answerSchema('申請取消預約'), body: CancelBody }, preHandler: liffAuth },
    async (req) => answer(user(req), req.params.id, 'cancel', req.ip, req.body),
  );
  app.post(
    '/liff/api/:channelId/appointments/:id/reschedule-request',
    { schema: { ...answerSchema('申請改期'), body: RescheduleBody }, preHandler: liffAuth },
    async (req) => answer(user(req), req.params.id, 'reschedule', req.ip, req.body),
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
        appointmentId: req.params.id,
        lineUserId: u.lineUserId,
        source: 'liff',
        ip: req.ip,
      });
    },
  );

  // Staff: the patient's LINE users, and linking one who proved the same phone (a family member
  // the HIS added after that user bound).
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
    async (req) => lineLinksOf(deps, clinicOf(req), req.params.id),
  );
  app.post(
    '/api/patients/:id/line/link',
    {
      schema: {
        tags: ['後台：病患'],
        summary: '連結驗證過同一支手機的 LINE 帳號（新增的家人）',
        params: PatientParams,
        body: LinkBody,
        response: { 200: PatientLine, ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: requireStaff(deps, ['admin', 'front_desk']),
    },
    async (req) => linkByStaff(deps, clinicOf(req), req.params.id, req.body.lineUserId, actorOf(req)),
  );

  // Staff: unbind a patient's LINE.
  app.post(
    '/api/patients/:id/unbind-line',
    {
      schema: {
        tags: ['後台：病患'],
        summary: '解除病患的 LINE 綁定',
        params: PatientParams,
        response: { 200: UnbindPatientResult, ...errorResponses(401, 403, 404) },
      },
      preHandler: requireStaff(deps, ['admin', 'front_desk']),
    },
    async (req) => svc.unbindPatient(clinicOf(req), req.params.id, actorOf(req), req.ip),
  );

  // The LIFF pages themselves (built by apps/web as liff.html), with the clinic's settings injected.
  const page = async (req: FastifyRequest, reply: FastifyReply) => {
    const channelId = channelIdOf(req.params);
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
    const ch = /^[0-9]{6,20}$/.test(channelId) ? await line.channelById(channelId) : undefined;
    if (!ch)
      return reply
        .code(404)
        .send(
          simplePage('找不到頁面', '<p>這個連結不屬於任何診所的 LINE 官方帳號，請從診所的 LINE 選單重新開啟。</p>'),
        );
    const clinic = await clinicService(deps).get(ch.clinic_id);
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
      clinic: { name: clinic.name, phone: clinic.phone, address: clinic.address, timeZone: clinic.timeZone },
      sdkUrl: isRealLine(login) ? 'https://static.line-scdn.net/liff/edge/2/sdk.js' : `${login}/liff/sdk.js`,
      apiBase: `/liff/api/${ch.channel_id}`,
    };
    const html = readFileSync(file, 'utf8');
    const tag = `<script>window.__CARELINE_LIFF__ = ${jsonForScript(cfg)};</script>`;
    return reply.send(html.includes('</head>') ? html.replace('</head>', `${tag}</head>`) : tag + html);
  };
  const pageSchema = { hide: true, params: ChannelParams };
  app.get('/liff/:channelId', { schema: pageSchema }, async (req, reply) =>
    reply.redirect(`/liff/${req.params.channelId}/`),
  );
  app.get('/liff/:channelId/', { schema: pageSchema }, page);
  app.get('/liff/:channelId/*', { schema: pageSchema }, page);
}
