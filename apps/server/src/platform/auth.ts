// Who is calling: staff by session cookie (with CSRF check on writes), HIS systems by API
// key. Route guards check roles; every later query is scoped to the caller's clinic.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from './audit.ts';
import { safeEqual, sha256Hex } from './crypto.ts';
import type { Deps } from './deps.ts';
import { AppError, errors } from './errors.ts';
import { precompiled } from '../db/precompiled.ts';

export const CLINIC_ROLES = ['admin', 'front_desk', 'doctor', 'viewer'] as const;
export type ClinicRole = (typeof CLINIC_ROLES)[number];
export type Role = ClinicRole | 'platform_operator';

export const ROLE_LABELS: Record<Role, string> = {
  admin: '管理者',
  front_desk: '櫃台人員',
  doctor: '醫師',
  viewer: '唯讀',
  platform_operator: '平台營運',
};

export const SESSION_COOKIE = 'careline_session';
export const CSRF_COOKIE = 'careline_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export type StaffContext = {
  userId: string;
  clinicId: string | null;
  role: Role;
  email: string;
  name: string;
  sessionId: string;
  csrfToken: string;
};

export type ApiClientContext = { keyId: string; clinicId: string; name: string };

declare module 'fastify' {
  interface FastifyRequest {
    staff?: StaffContext;
    apiClient?: ApiClientContext;
    rawBody?: Buffer;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

// Run on every authenticated request: built and compiled once per database handle.
const sessionById = precompiled(1, (db, id) =>
  db
    .selectFrom('sessions')
    .innerJoin('staff_users', 'staff_users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.csrf_token',
      'sessions.expires_at',
      'sessions.last_seen_at',
      'staff_users.id as user_id',
      'staff_users.clinic_id',
      'staff_users.role',
      'staff_users.email',
      'staff_users.name',
      'staff_users.status',
    ])
    .where('sessions.id', '=', id),
);
const apiKeyByHash = precompiled(1, (db, hash) =>
  db
    .selectFrom('api_keys')
    .select(['id', 'clinic_id', 'name', 'last_used_at'])
    .where('key_hash', '=', hash)
    .where('revoked_at', 'is', null),
);

/** Reads and checks the session cookie; null when absent, expired, tampered or the user is disabled. */
export async function loadSession(deps: Deps, token: string | undefined): Promise<StaffContext | null> {
  if (!token || token.length > 200) return null;
  const id = sha256Hex(token);
  const now = deps.clock.now();
  const [row] = await sessionById(deps.db, id);
  if (!row || row.status !== 'active' || row.expires_at <= now.toISOString()) return null;
  if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) {
    await deps.db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', id).execute();
  }
  return {
    userId: row.user_id,
    clinicId: row.clinic_id,
    role: row.role as Role,
    email: row.email,
    name: row.name,
    sessionId: row.id,
    csrfToken: row.csrf_token,
  };
}

/** Guard for back-office routes: a valid session, the CSRF token on writes, one of `roles`. */
export function requireStaff(deps: Deps, roles?: readonly Role[]) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const staff = await loadSession(deps, req.cookies?.[SESSION_COOKIE]);
    if (!staff) throw errors.unauthenticated('登入已失效，請重新登入');
    if (!SAFE_METHODS.has(req.method)) {
      const header = req.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !safeEqual(header, staff.csrfToken)) {
        throw new AppError('CSRF_FAILED', 403, '安全驗證失敗，請重新整理頁面後再試');
      }
    }
    if (roles && !roles.includes(staff.role)) throw errors.forbidden();
    if (staff.role !== 'platform_operator' && !staff.clinicId) throw errors.forbidden();
    req.staff = staff;
  };
}

/** The clinic of the calling staff member (guards guarantee there is one for clinic routes). */
export function clinicOf(req: FastifyRequest): string {
  const id = req.staff?.clinicId ?? req.apiClient?.clinicId;
  if (!id) throw errors.forbidden();
  return id;
}

export function actorOf(req: FastifyRequest): Actor {
  if (req.staff) return { type: 'staff', id: req.staff.userId, label: req.staff.email };
  if (req.apiClient) return { type: 'api_key', id: req.apiClient.keyId, label: `API 金鑰：${req.apiClient.name}` };
  return { type: 'system', id: null, label: 'anonymous' };
}

/** Guard for the HIS Open API: `Authorization: Bearer <clinic API key>`. */
export function requireApiKey(deps: Deps) {
  return async (req: FastifyRequest): Promise<void> => {
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
    if (!m) throw new AppError('INVALID_API_KEY', 401, '缺少 API 金鑰：請在 Authorization 標頭帶入 Bearer <API 金鑰>');
    const [row] = await apiKeyByHash(deps.db, sha256Hex(m[1]));
    if (!row) throw new AppError('INVALID_API_KEY', 401, 'API 金鑰無效或已撤銷');
    const now = deps.clock.now();
    if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
      await deps.db.updateTable('api_keys').set({ last_used_at: now.toISOString() }).where('id', '=', row.id).execute();
    }
    req.apiClient = { keyId: row.id, clinicId: row.clinic_id, name: row.name };
  };
}
