// Routes of two-factor login outside the login itself: the signed-in user's own set-up
// (/api/account/two-factor…) and the clinic's policy with each staff member's state
// (/api/security/…, admins).
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff, type StaffContext } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { staffService } from '../staff/service.ts';
import {
  CodeBody,
  RecoveryCodesResponse,
  SecuritySettings,
  SecuritySettingsBody,
  SetupResponse,
  StaffIdParams,
  TwoFactorStatus,
} from './schemas.ts';
import { twoFactorService } from './service.ts';

const me = (s: StaffContext) => ({ id: s.userId, clinicId: s.clinicId, role: s.role, email: s.email });

export function twoFactorRoutes(app: App, deps: Deps): void {
  const svc = twoFactorService(deps);
  const staff = staffService(deps);
  const anyone = requireStaff(deps);
  const admin = requireStaff(deps, ['admin']);
  const tags = ['後台：帳號安全'];

  app.get(
    '/api/account/two-factor',
    {
      schema: { tags, summary: '我的兩步驟驗證狀態', response: { 200: TwoFactorStatus, ...errorResponses(401) } },
      preHandler: anyone,
    },
    async (req) => svc.status(me(req.staff!)),
  );
  app.post(
    '/api/account/two-factor/setup',
    {
      schema: {
        tags,
        summary: '開始設定兩步驟驗證',
        description: '產生新的金鑰（取代尚未完成的設定），以驗證 App 掃描 QR code 後用 enable 輸入第一組驗證碼。',
        response: { 200: SetupResponse, ...errorResponses(401, 409) },
      },
      preHandler: anyone,
    },
    async (req) => svc.beginSetup(me(req.staff!)),
  );
  app.post(
    '/api/account/two-factor/enable',
    {
      schema: {
        tags,
        summary: '以第一組驗證碼啟用兩步驟驗證',
        description: '啟用後，此帳號在其他裝置或瀏覽器的登入全部登出（目前這個保留）。',
        body: CodeBody,
        response: { 200: RecoveryCodesResponse, ...errorResponses(401, 409, 422, 429) },
      },
      preHandler: anyone,
    },
    async (req) => {
      const r = await svc.confirmSetup(me(req.staff!), req.body.code, actorOf(req), req.ip);
      await staff.endSessionsOf(req.staff!.userId, { except: req.staff!.sessionId });
      return r;
    },
  );
  app.post(
    '/api/account/two-factor/recovery-codes',
    {
      schema: {
        tags,
        summary: '重新產生復原碼',
        description: '需要目前的驗證碼；舊的復原碼全部失效。',
        body: CodeBody,
        response: { 200: RecoveryCodesResponse, ...errorResponses(401, 409, 422, 429) },
      },
      preHandler: anyone,
    },
    async (req) => svc.regenerateRecoveryCodes(me(req.staff!), req.body.code, actorOf(req), req.ip),
  );
  app.post(
    '/api/account/two-factor/disable',
    {
      schema: {
        tags,
        summary: '停用兩步驟驗證',
        description:
          '需要目前的驗證碼（或復原碼）；診所要求時（與平台營運人員）不能停用，回 409。' +
          '停用後，此帳號在其他裝置或瀏覽器的登入全部登出（目前這個保留）。',
        body: CodeBody,
        response: { 204: Type.Null(), ...errorResponses(401, 409, 422, 429) },
      },
      preHandler: anyone,
    },
    async (req, reply) => {
      await svc.disable(me(req.staff!), req.body.code, actorOf(req), req.ip);
      await staff.endSessionsOf(req.staff!.userId, { except: req.staff!.sessionId });
      return reply.status(204).send(null);
    },
  );

  async function settingsView(clinicId: string) {
    const [settings, people, enabled] = await Promise.all([
      svc.settings(clinicId),
      staff.list(clinicId),
      svc.enabledIn(clinicId),
    ]);
    const on = new Set(enabled);
    return {
      ...settings,
      staff: people.map((p) => ({
        id: p.id,
        name: p.name,
        email: p.email,
        roleLabel: p.roleLabel,
        status: p.status,
        twoFactorEnabled: on.has(p.id),
      })),
    };
  }

  app.get(
    '/api/security/settings',
    {
      schema: {
        tags,
        summary: '診所的登入安全設定（管理者）',
        response: { 200: SecuritySettings, ...errorResponses(401, 403) },
      },
      preHandler: admin,
    },
    async (req) => settingsView(clinicOf(req)),
  );
  app.put(
    '/api/security/settings',
    {
      schema: {
        tags,
        summary: '修改診所的登入安全設定（管理者）',
        description: '要求兩步驟驗證後，尚未設定的人員在下次登入時會先被引導完成設定；已登入的工作階段不受影響。',
        body: SecuritySettingsBody,
        response: { 200: SecuritySettings, ...errorResponses(401, 403, 422) },
      },
      preHandler: admin,
    },
    async (req) => {
      await svc.saveSettings(clinicOf(req), req.body, actorOf(req), req.ip);
      return settingsView(clinicOf(req));
    },
  );
  app.post(
    '/api/security/staff/:id/reset-two-factor',
    {
      schema: {
        tags,
        summary: '重設人員的兩步驟驗證（管理者）',
        description:
          '人員遺失手機與復原碼時使用：清除其兩步驟驗證，下次登入時（診所要求時）重新設定；' +
          '該人員目前的登入全部登出。',
        params: StaffIdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: admin,
    },
    async (req, reply) => {
      const clinicId = clinicOf(req);
      if (!(await staff.list(clinicId)).some((p) => p.id === req.params.id)) throw errors.notFound('人員');
      await svc.reset(clinicId, req.params.id, actorOf(req), req.ip);
      const self = req.params.id === req.staff!.userId;
      await staff.endSessionsOf(req.params.id, self ? { except: req.staff!.sessionId } : {});
      return reply.status(204).send(null);
    },
  );
}
