// Staff accounts: login with lockout, sessions, invitations and password resets.
// argon2 is loaded at the first password check, not at start: worker processes import this
// module and never hash a password (the native library and its dummy hash cost them ~25 MB).
const argon2 = () => import('@node-rs/argon2');
const hash = async (password: string) => (await argon2()).hash(password);
const verify = async (hashed: string, password: string) => (await argon2()).verify(hashed, password);
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { ROLE_LABELS, type AuthLookups, type Role, type StaffContext } from '../../platform/auth.ts';
import { newId, randomToken, sha256Hex } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { blockedFor, hit, resetLimit } from '../../platform/rate-limit.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { clinicService } from '../clinics/service.ts';
import { twoFactorService } from '../two-factor/service.ts';
import { staffRepository, type StaffRow } from './repository.ts';

const FAIL_WINDOW = { limit: 4, windowMs: 15 * 60_000, blockMs: 15 * 60_000 };
const IP_WINDOW = { limit: 30, windowMs: 60_000 };
const INVITE_TTL_MS = 7 * 24 * 3600_000;
// Verifying against a real hash when the user is unknown keeps timing the same.
let dummyHash: Promise<string> | null = null;
const DUMMY_HASH = () => (dummyHash ??= hash('careline-dummy-password-for-timing'));

export type SessionUser = {
  id: string;
  email: string;
  name: string;
  role: string;
  roleLabel: string;
  clinicId: string | null;
  clinicName: string | null;
};

export const normaliseEmail = (e: string) => e.trim().toLowerCase();

export function toStaffMember(
  r: Pick<StaffRow, 'id' | 'email' | 'name' | 'role' | 'status' | 'last_login_at' | 'created_at'>,
) {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    roleLabel: ROLE_LABELS[r.role as Role] ?? r.role,
    status: r.status,
    lastLoginAt: r.last_login_at,
    createdAt: r.created_at,
  };
}

/** The session lookups of platform/auth.ts's guards (wired into Deps by deps-factory). */
export function sessionLookups(db: Kysely<DB>): Pick<AuthLookups, 'session' | 'touchSession'> {
  const repo = staffRepository(db);
  return {
    async session(id) {
      const r = await repo.sessionWithUser(id);
      return r
        ? {
            id: r.id,
            csrfToken: r.csrf_token,
            expiresAt: r.expires_at,
            lastSeenAt: r.last_seen_at,
            userId: r.user_id,
            clinicId: r.clinic_id,
            role: r.role,
            email: r.email,
            name: r.name,
            status: r.status,
          }
        : null;
    },
    async touchSession(id, at) {
      await repo.touchSession(id, at);
    },
  };
}

export function staffService(deps: Deps) {
  const repo = staffRepository(deps.db);
  const now = () => deps.clock.now();
  const clinicName = async (clinicId: string | null) =>
    clinicId ? ((await clinicService(deps).find(clinicId))?.name ?? null) : null;

  async function sessionUser(r: StaffRow): Promise<SessionUser> {
    return {
      id: r.id,
      email: r.email,
      name: r.name,
      role: r.role,
      roleLabel: ROLE_LABELS[r.role as Role] ?? r.role,
      clinicId: r.clinic_id,
      clinicName: await clinicName(r.clinic_id),
    };
  }

  async function startSession(user: StaffRow, ip: string, userAgent: string) {
    const token = randomToken();
    const csrfToken = randomToken(24);
    const t = now();
    await repo.createSession({
      id: sha256Hex(token),
      user_id: user.id,
      clinic_id: user.clinic_id,
      csrf_token: csrfToken,
      ip,
      user_agent: userAgent.slice(0, 300),
      created_at: t.toISOString(),
      last_seen_at: t.toISOString(),
      expires_at: new Date(t.getTime() + deps.config.sessionTtlHours * 3600_000).toISOString(),
    });
    await repo.update(user.clinic_id, user.id, { last_login_at: t.toISOString() });
    return { token, csrfToken, user: await sessionUser(user) };
  }

  async function finishLogin(user: StaffRow, ip: string, userAgent: string, twoFactor: 'totp' | 'recovery' | null) {
    const s = await startSession(user, ip, userAgent);
    await recordAudit(deps.db, deps.clock, {
      clinicId: user.clinic_id,
      actor: { type: 'staff', id: user.id, label: user.email },
      action: 'auth.login',
      entityType: 'staff_user',
      entityId: user.id,
      ...(twoFactor ? { detail: { twoFactor } } : {}),
      ip,
    });
    return s;
  }

  async function issueLink(user: StaffRow): Promise<string> {
    const token = randomToken();
    await repo.update(user.clinic_id, user.id, {
      invite_token_hash: sha256Hex(token),
      invite_expires_at: new Date(now().getTime() + INVITE_TTL_MS).toISOString(),
      updated_at: now().toISOString(),
    });
    return `${deps.config.publicBaseUrl}/invite/${token}`;
  }

  return {
    sessionUser,

    me: async (s: StaffContext): Promise<SessionUser> => ({
      id: s.userId,
      email: s.email,
      name: s.name,
      role: s.role,
      roleLabel: ROLE_LABELS[s.role],
      clinicId: s.clinicId,
      clinicName: await clinicName(s.clinicId),
    }),

    async login(emailRaw: string, password: string, ip: string, userAgent: string) {
      const email = normaliseEmail(emailRaw);
      const ipHit = await hit(deps.db, deps.clock, `login:ip:${ip}`, IP_WINDOW);
      if (!ipHit.allowed) throw errors.tooMany('RATE_LIMITED', '登入嘗試太頻繁，請稍後再試', ipHit.retryAfterSeconds);
      const failKey = `login:fail:${email}`;
      const blocked = await blockedFor(deps.db, deps.clock, failKey);
      if (blocked > 0)
        throw errors.tooMany('LOGIN_LOCKED', `登入失敗次數過多，請 ${Math.ceil(blocked / 60)} 分鐘後再試`, blocked);
      const user = await repo.findByEmail(email);
      const ok = await verify(user?.password_hash ?? (await DUMMY_HASH()), password).catch(() => false);
      if (!user || !ok || user.status !== 'active' || !user.password_hash) {
        const f = await hit(deps.db, deps.clock, failKey, FAIL_WINDOW);
        await recordAudit(deps.db, deps.clock, {
          clinicId: user?.clinic_id ?? null,
          actor: { type: 'system', id: null, label: email },
          action: 'auth.login_failed',
          entityType: 'staff_user',
          entityId: user?.id ?? null,
          ip,
        });
        if (!f.allowed) throw errors.tooMany('LOGIN_LOCKED', '登入失敗次數過多，請 15 分鐘後再試', f.retryAfterSeconds);
        throw errors.unauthenticated();
      }
      await resetLimit(deps.db, failKey);
      // The right password is only half of a login for staff with two-factor login (or who
      // must set it up): the session starts after the code (loginWithCode).
      const tf = twoFactorService(deps);
      const loginUser = { id: user.id, clinicId: user.clinic_id, role: user.role, email: user.email };
      const need = await tf.loginRequirement(loginUser);
      if (need !== 'none') return { twoFactor: await tf.startChallenge(loginUser, need) };
      return finishLogin(user, ip, userAgent, null);
    },

    /** The second step of a login: the code from the app (or a recovery code) for the challenge. */
    async loginWithCode(challenge: string, code: string, ip: string, userAgent: string) {
      const ipHit = await hit(deps.db, deps.clock, `login:ip:${ip}`, IP_WINDOW);
      if (!ipHit.allowed) throw errors.tooMany('RATE_LIMITED', '登入嘗試太頻繁，請稍後再試', ipHit.retryAfterSeconds);
      const r = await twoFactorService(deps).completeChallenge(challenge, code, ip, async (id) => {
        const u = await repo.findById(id);
        return u ? { type: 'staff', id, label: u.email } : { type: 'system', id: null, label: id };
      });
      const user = await repo.findById(r.userId);
      if (!user || user.status !== 'active') throw errors.unauthenticated();
      const s = await finishLogin(user, ip, userAgent, r.method);
      return { ...s, recoveryCodes: r.recoveryCodes };
    },

    async logout(sessionId: string) {
      await repo.deleteSession(sessionId);
    },

    /**
     * Signs the user out everywhere after a change of their login factors (two-factor login on,
     * off or reset): a session opened with the old factors — perhaps by someone who had them —
     * does not outlive the change. `except`: the session making the change stays signed in.
     */
    async endSessionsOf(userId: string, opts: { except?: string } = {}) {
      if (opts.except) await repo.deleteOtherSessionsOf(userId, opts.except);
      else await repo.deleteSessionsOf(userId);
    },

    async acceptInvite(token: string, password: string, ip: string, userAgent: string) {
      const user = await repo.findByInviteHash(sha256Hex(token));
      if (
        !user ||
        !user.invite_expires_at ||
        user.invite_expires_at <= now().toISOString() ||
        user.status === 'disabled'
      ) {
        throw new AppError('INVITE_INVALID', 400, '連結無效或已過期，請向診所管理者索取新的連結');
      }
      await repo.update(user.clinic_id, user.id, {
        password_hash: await hash(password),
        status: 'active',
        invite_token_hash: null,
        invite_expires_at: null,
        updated_at: now().toISOString(),
      });
      await repo.deleteSessionsOf(user.id);
      await recordAudit(deps.db, deps.clock, {
        clinicId: user.clinic_id,
        actor: { type: 'staff', id: user.id, label: user.email },
        action: 'staff.password_set',
        entityType: 'staff_user',
        entityId: user.id,
        ip,
      });
      const fresh = (await repo.findByEmail(user.email))!;
      // A reset link sets the password, not the second factor: the code is still asked for.
      const tf = twoFactorService(deps);
      const loginUser = { id: fresh.id, clinicId: fresh.clinic_id, role: fresh.role, email: fresh.email };
      const need = await tf.loginRequirement(loginUser);
      if (need !== 'none') return { twoFactor: await tf.startChallenge(loginUser, need) };
      return startSession(fresh, ip, userAgent);
    },

    list: async (clinicId: string) => (await repo.listInClinic(clinicId)).map(toStaffMember),

    /** The login with this e-mail address (any clinic, any status), or undefined. */
    findLogin: async (email: string) => {
      const r = await repo.findByEmail(normaliseEmail(email));
      return r && { id: r.id, clinicId: r.clinic_id, role: r.role, email: r.email };
    },

    /** Whether a login with this e-mail address exists (any clinic, any status). */
    emailTaken: async (email: string) => (await repo.findByEmail(normaliseEmail(email))) !== undefined,

    /** The HIS doctor (doctors.id) a login is linked to, or null. */
    doctorLinkOf: async (clinicId: string, staffId: string) =>
      (await repo.findInClinic(clinicId, staffId))?.doctor_id ?? null,

    /** The clinic's doctor logins that are not disabled, with the doctor (doctors.id) each is linked to. */
    doctorLogins: async (clinicId: string) =>
      (await repo.listDoctorLogins(clinicId)).map((r) => ({
        id: r.id,
        name: r.name,
        email: r.email,
        status: r.status,
        doctorId: r.doctor_id,
      })),

    /** Links a login to an HIS doctor (doctors.id) or unlinks it (null). The caller audits. */
    async setDoctorLink(clinicId: string, staffId: string, doctorId: string | null) {
      if (!(await repo.findInClinic(clinicId, staffId))) throw errors.notFound('人員');
      await repo.update(clinicId, staffId, { doctor_id: doctorId, updated_at: now().toISOString() });
    },

    async invite(
      clinicId: string | null,
      input: { email: string; name: string; role: Role },
      actor: Actor,
      ip: string,
    ) {
      const email = normaliseEmail(input.email);
      if (await repo.findByEmail(email)) throw errors.conflict('EMAIL_TAKEN', '此電子郵件已有帳號，請改用其他電子郵件');
      const t = now().toISOString();
      const row: StaffRow = {
        id: newId(),
        clinic_id: clinicId,
        email,
        name: input.name.trim(),
        role: input.role,
        status: 'invited',
        password_hash: null,
        invite_token_hash: null,
        invite_expires_at: null,
        last_login_at: null,
        doctor_id: null,
        created_at: t,
        updated_at: t,
      };
      await repo.insert(row);
      const link = await issueLink(row);
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'staff.invited',
        entityType: 'staff_user',
        entityId: row.id,
        detail: { email, role: input.role },
        ip,
      });
      return { staff: toStaffMember((await repo.findByEmail(email))!), link };
    },

    /** Creates an active account with a password (seeding and platform set-up). */
    async createWithPassword(
      clinicId: string | null,
      input: { email: string; name: string; role: Role; password: string },
    ) {
      const t = now().toISOString();
      const row: StaffRow = {
        id: newId(),
        clinic_id: clinicId,
        email: normaliseEmail(input.email),
        name: input.name,
        role: input.role,
        status: 'active',
        password_hash: await hash(input.password),
        invite_token_hash: null,
        invite_expires_at: null,
        last_login_at: null,
        doctor_id: null,
        created_at: t,
        updated_at: t,
      };
      await repo.insert(row);
      return row;
    },

    async update(
      clinicId: string,
      id: string,
      patch: { name?: string; role?: Role; status?: 'active' | 'disabled' },
      actor: Actor,
      ip: string,
    ) {
      const user = await repo.findInClinic(clinicId, id);
      if (!user) throw errors.notFound('人員');
      const demotesAdmin =
        user.role === 'admin' &&
        user.status === 'active' &&
        ((patch.role && patch.role !== 'admin') || patch.status === 'disabled');
      if (demotesAdmin && (await repo.countActiveAdmins(clinicId)) <= 1) {
        throw errors.conflict('LAST_ADMIN', '診所至少要保留一位啟用中的管理者');
      }
      if (patch.status === 'active' && user.status === 'invited')
        throw errors.conflict('NOT_YET_ACTIVE', '此人員尚未完成邀請，請重新產生設定密碼連結');
      await repo.update(clinicId, id, {
        ...(patch.name ? { name: patch.name.trim() } : {}),
        ...(patch.role ? { role: patch.role } : {}),
        ...(patch.status ? { status: patch.status } : {}),
        updated_at: now().toISOString(),
      });
      if (patch.status === 'disabled' || (patch.role && patch.role !== user.role)) await repo.deleteSessionsOf(id);
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'staff.updated',
        entityType: 'staff_user',
        entityId: id,
        detail: { before: { name: user.name, role: user.role, status: user.status }, change: patch },
        ip,
      });
      return toStaffMember((await repo.findInClinic(clinicId, id))!);
    },

    async resetPassword(clinicId: string, id: string, actor: Actor, ip: string) {
      const user = await repo.findInClinic(clinicId, id);
      if (!user) throw errors.notFound('人員');
      if (user.status === 'disabled') throw errors.conflict('STAFF_DISABLED', '此人員已停用，請先啟用再重設密碼');
      const link = await issueLink(user);
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'staff.password_reset_issued',
        entityType: 'staff_user',
        entityId: id,
        ip,
      });
      return { staff: toStaffMember(user), link };
    },
  };
}
