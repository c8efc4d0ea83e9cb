import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf, clinicOf, CSRF_COOKIE, requireStaff, SESSION_COOKIE } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import {
  AcceptInviteBody,
  IdParams,
  InviteBody,
  LinkResponse,
  LoginBody,
  LoginCodeBody,
  LoginCodeResponse,
  LoginResponse,
  SessionResponse,
  StaffList,
  UpdateStaffBody,
} from './schemas.ts';
import { staffService } from './service.ts';

export function staffRoutes(app: App, deps: Deps): void {
  const svc = staffService(deps);
  const secure = deps.config.publicBaseUrl.startsWith('https:');
  const cookieOpts = { path: '/', sameSite: 'lax' as const, secure, maxAge: deps.config.sessionTtlHours * 3600 };

  function setSession(reply: FastifyReply, s: { token: string; csrfToken: string }) {
    reply.setCookie(SESSION_COOKIE, s.token, { ...cookieOpts, httpOnly: true });
    reply.setCookie(CSRF_COOKIE, s.csrfToken, { ...cookieOpts, httpOnly: false });
  }
  const ua = (req: FastifyRequest) => String(req.headers['user-agent'] ?? '');

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['後台：登入'],
        summary: '員工登入',
        description:
          '以電子郵件與密碼登入，成功後設定 httpOnly session cookie。連續失敗 5 次會鎖定 15 分鐘。' +
          '已啟用兩步驟驗證（或診所要求、平台營運人員）時不設定 cookie，而是回傳 twoFactor，' +
          '再以 POST /api/auth/login/code 帶入驗證碼完成登入。',
        body: LoginBody,
        response: { 200: LoginResponse, ...errorResponses(401, 422, 429) },
      },
    },
    async (req, reply) => {
      const { email, password } = req.body;
      const s = await svc.login(email, password, req.ip, ua(req));
      if ('twoFactor' in s) return s;
      setSession(reply, s);
      return { user: s.user, csrfToken: s.csrfToken };
    },
  );

  app.post(
    '/api/auth/login/code',
    {
      schema: {
        tags: ['後台：登入'],
        summary: '登入第二步驟：驗證碼',
        description:
          '帶入密碼登入時拿到的 challenge 與驗證 App 的 6 位數字（或一組復原碼，用過即失效）。' +
          '同一個 challenge 錯 5 次需重新輸入密碼；同一帳號錯 5 次鎖定 15 分鐘。',
        body: LoginCodeBody,
        response: { 200: LoginCodeResponse, ...errorResponses(401, 422, 429) },
      },
    },
    async (req, reply) => {
      const s = await svc.loginWithCode(req.body.challenge, req.body.code, req.ip, ua(req));
      setSession(reply, s);
      return { user: s.user, csrfToken: s.csrfToken, recoveryCodes: s.recoveryCodes };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: { tags: ['後台：登入'], summary: '登出', response: { 204: Type.Null() } },
      preHandler: requireStaff(deps),
    },
    async (req, reply) => {
      await svc.logout(req.staff!.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      reply.clearCookie(CSRF_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: {
        tags: ['後台：登入'],
        summary: '目前登入的員工',
        response: { 200: SessionResponse, ...errorResponses(401) },
      },
      preHandler: requireStaff(deps),
    },
    async (req) => {
      const s = req.staff!;
      return { user: await svc.me(s), csrfToken: s.csrfToken };
    },
  );

  app.post(
    '/api/auth/accept-invite',
    {
      schema: {
        tags: ['後台：登入'],
        summary: '以邀請或重設連結設定密碼',
        body: AcceptInviteBody,
        response: { 200: LoginResponse, ...errorResponses(400, 422) },
      },
    },
    async (req, reply) => {
      const { token, password } = req.body;
      const s = await svc.acceptInvite(token, password, req.ip, ua(req));
      if ('twoFactor' in s) return s;
      setSession(reply, s);
      return { user: s.user, csrfToken: s.csrfToken };
    },
  );

  const admin = requireStaff(deps, ['admin']);
  app.get(
    '/api/staff',
    {
      schema: {
        tags: ['後台：人員'],
        summary: '人員列表',
        response: { 200: StaffList, ...errorResponses(401, 403) },
      },
      preHandler: admin,
    },
    async (req) => ({ items: await svc.list(clinicOf(req)) }),
  );

  app.post(
    '/api/staff',
    {
      schema: {
        tags: ['後台：人員'],
        summary: '邀請人員',
        description: '建立帳號並產生設定密碼的連結（7 天有效），請把連結交給該人員。',
        body: InviteBody,
        response: { 201: LinkResponse, ...errorResponses(401, 403, 409, 422) },
      },
      preHandler: admin,
    },
    async (req, reply) => {
      const r = await svc.invite(clinicOf(req), req.body, actorOf(req), req.ip);
      return reply.status(201).send(r);
    },
  );

  app.patch(
    '/api/staff/:id',
    {
      schema: {
        tags: ['後台：人員'],
        summary: '修改人員（姓名、角色、停用/啟用）',
        params: IdParams,
        body: UpdateStaffBody,
        response: { 200: Type.Ref('StaffMember'), ...errorResponses(401, 403, 404, 409, 422) },
      },
      preHandler: admin,
    },
    async (req) => {
      const { id } = req.params;
      const body = req.body;
      if (id === req.staff!.userId && (body.status === 'disabled' || (body.role && body.role !== 'admin'))) {
        throw errors.conflict('SELF_LOCKOUT', '不能停用自己或取消自己的管理者身分');
      }
      return svc.update(clinicOf(req), id, body, actorOf(req), req.ip);
    },
  );

  app.post(
    '/api/staff/:id/reset-password',
    {
      schema: {
        tags: ['後台：人員'],
        summary: '產生重設密碼連結',
        params: IdParams,
        response: { 200: LinkResponse, ...errorResponses(401, 403, 404, 409) },
      },
      preHandler: admin,
    },
    async (req) => {
      return svc.resetPassword(clinicOf(req), req.params.id, actorOf(req), req.ip);
    },
  );
}
