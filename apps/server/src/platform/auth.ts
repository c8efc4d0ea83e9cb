// Who is calling: staff by session cookie (with CSRF check on writes), HIS systems by API
// key. Route guards check roles; every later query is scoped to the caller's clinic.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from './audit.ts';
import { safeEqual, sha256Hex } from './crypto.ts';
import type { Deps } from './deps.ts';
import { AppError, errors } from './errors.ts';

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
/** How stale a session's / API key's "last used" may get before it is written again. */
const TOUCH_AFTER_MS = 60_000;

/** A session (looked up by the SHA-256 of its cookie token) with its user, as the staff module keeps it. */
export type SessionRecord = {
  id: string;
  csrfToken: string;
  expiresAt: string;
  lastSeenAt: string;
  userId: string;
  clinicId: string | null;
  role: string;
  email: string;
  name: string;
  status: string;
};

/** An unrevoked HIS API key (looked up by the SHA-256 of the key), as the api-keys module keeps it. */
export type ApiKeyRecord = { id: string; clinicId: string; name: string; lastUsedAt: string | null };

/**
 * What the guards read on every request, given by the modules that own sessions and API keys
 * (deps-factory wires them): the platform knows no tables of theirs.
 */
export interface AuthLookups {
  session(id: string): Promise<SessionRecord | null>;
  touchSession(id: string, at: string): Promise<void>;
  apiKey(keyHash: string): Promise<ApiKeyRecord | null>;
  touchApiKey(id: string, at: string): Promise<void>;
}

/** Reads and checks the session cookie; null when absent, expired, tampered or the user is disabled. */
export async function loadSession(deps: Deps, token: string | undefined): Promise<StaffContext | null> {
  if (!token || token.length > 200) return null;
  const id = sha256Hex(token);
  const now = deps.clock.now();
  const row = await deps.auth.session(id);
  if (!row || row.status !== 'active' || row.expiresAt <= now.toISOString()) return null;
  if (now.getTime() - new Date(row.lastSeenAt).getTime() > TOUCH_AFTER_MS) {
    await deps.auth.touchSession(id, now.toISOString());
  }
  return {
    userId: row.userId,
    clinicId: row.clinicId,
    role: row.role as Role,
    email: row.email,
    name: row.name,
    sessionId: row.id,
    csrfToken: row.csrfToken,
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
    const key = await deps.auth.apiKey(sha256Hex(m[1]));
    if (!key) throw new AppError('INVALID_API_KEY', 401, 'API 金鑰無效或已撤銷');
    const now = deps.clock.now();
    if (!key.lastUsedAt || now.getTime() - new Date(key.lastUsedAt).getTime() > TOUCH_AFTER_MS) {
      await deps.auth.touchApiKey(key.id, now.toISOString());
    }
    req.apiClient = { keyId: key.id, clinicId: key.clinicId, name: key.name };
  };
}
