// A small typed fetch wrapper for the back-office API: sends the session cookie, adds the
// CSRF header on writes, turns `{error:{code,message,details}}` into an ApiError and sends
// the browser to /login when the session is gone.

export type ErrorDetail = { field?: string; code?: string; message: string };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  constructor(status: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const CSRF_COOKIE = 'careline_csrf';
let lastCsrfToken: string | null = null;

/** Remember the token of the last login / me / accept-invite response. */
export function setCsrfToken(token: string | null): void {
  lastCsrfToken = token;
}

function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

export function csrfToken(): string | null {
  return readCookie(CSRF_COOKIE) ?? lastCsrfToken;
}

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler = () => {
  const here = window.location.pathname + window.location.search;
  if (!window.location.pathname.startsWith('/login')) {
    window.location.assign(`/login?next=${encodeURIComponent(here)}`);
  }
};
/** The app replaces the default full-page redirect with a router navigation. */
export function setUnauthorizedHandler(fn: UnauthorizedHandler): void {
  onUnauthorized = fn;
}

export type RequestOptions = {
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  /** Do not redirect to /login on 401 (login itself, the session probe). */
  allowUnauthenticated?: boolean;
  signal?: AbortSignal;
};

function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK_ERROR', '無法連線到伺服器，請檢查網路後再試一次');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; details?: ErrorDetail[] } } | null)?.error;
    const err = new ApiError(
      res.status,
      e?.code ?? `HTTP_${res.status}`,
      e?.message ?? `伺服器發生錯誤（${res.status}），請稍後再試`,
      e?.details ?? [],
    );
    if (res.status === 401 && !opts.allowUnauthenticated) onUnauthorized();
    throw err;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query'], opts?: Omit<RequestOptions, 'query' | 'body'>) =>
    request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>) =>
    request<T>('POST', path, { ...opts, body: body ?? {} }),
  patch: <T>(path: string, body: unknown, opts?: Omit<RequestOptions, 'body'>) =>
    request<T>('PATCH', path, { ...opts, body }),
  put: <T>(path: string, body: unknown, opts?: Omit<RequestOptions, 'body'>) =>
    request<T>('PUT', path, { ...opts, body }),
  delete: <T = void>(path: string, opts?: Omit<RequestOptions, 'body'>) => request<T>('DELETE', path, opts),
};

/** The message to show for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.message) return err.message;
  return '發生未預期的錯誤，請稍後再試';
}

// ---- Response types of the back-office API ----

export type Role = 'admin' | 'front_desk' | 'doctor' | 'viewer' | 'platform_operator';
export type StaffRole = Exclude<Role, 'platform_operator'>;

export type SessionUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  roleLabel: string;
  clinicId: string | null;
  clinicName: string | null;
};
export type SessionResponse = { user: SessionUser; csrfToken: string };

export type BusinessHour = { weekday: number; open: string; close: string };
export type Clinic = {
  id: string;
  name: string;
  timeZone: string;
  address: string;
  phone: string;
  businessHours: BusinessHour[];
  status: string;
  isSandbox: boolean;
  createdAt: string;
};

export type StaffStatus = 'invited' | 'active' | 'disabled';
export type StaffMember = {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  roleLabel: string;
  status: StaffStatus;
  lastLoginAt: string | null;
  createdAt: string;
};
export type LinkResponse = { staff: StaffMember; link: string };

export type ApiKey = {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export type AuditEntry = {
  id: number;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  detail: Record<string, unknown>;
  ip: string;
  createdAt: string;
};
export type AuditPage = { items: AuditEntry[]; nextBefore: number | null };

export type JobStatus = 'pending' | 'running' | 'done' | 'dead';
export type Job = {
  id: number;
  type: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
};
export type JobsResponse = { items: Job[]; counts: Partial<Record<JobStatus, number>> };
