// The back-office API client: openapi-fetch typed from the checked-in OpenAPI document
// (packages/sdk/src/schema.ts, generated from apps/server/openapi.json by `npm run openapi`), so
// a change of a response schema breaks the web type check. Around openapi-fetch it sends the
// session cookie and the CSRF header on writes, turns `{error:{code,message,details}}` into an
// ApiError carrying the server's zh-TW message and sends the browser to /login when the session
// is gone.
//
//   const clinic = await api.get('/api/clinic');
//   await api.patch('/api/staff/{id}', { params: { path: { id } }, body: { role } });
//   type Clinic = Schema<'Clinic'>;  type Page = ApiResponse<'/api/audit'>;
import createClient, { type FetchOptions } from 'openapi-fetch';
import type { components, paths } from '@careline/sdk/schema';

/** A named schema of the OpenAPI document, e.g. `Schema<'Clinic'>`. */
export type Schema<N extends keyof components['schemas']> = components['schemas'][N];

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The paths that answer method `M`. */
export type PathOf<M extends Method> = {
  [P in keyof paths]: paths[P] extends { [K in M]: object } ? P : never;
}[keyof paths];
type Operation<P extends PathOf<M>, M extends Method> = paths[P][M];
type Json<R> = R extends { content: { 'application/json': infer J } } ? J : undefined;
type Success = 200 | 201 | 202 | 204;

/** The JSON of a successful answer to `M path` (undefined for a 204). */
export type ApiResponse<P extends PathOf<M>, M extends Method = 'get'> =
  Operation<P, M> extends { responses: infer R } ? { [C in keyof R & Success]: Json<R[C]> }[keyof R & Success] : never;
/** The JSON body `M path` takes. */
export type ApiBody<P extends PathOf<M>, M extends Method> =
  Operation<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;
/** The query-string parameters of `M path`. */
export type ApiQuery<P extends PathOf<M>, M extends Method = 'get'> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type ErrorDetail = Schema<'Error'>['error']['details'][number];

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

/** Query strings leave out empty values (undefined, null, ''), as the filters on every page expect. */
function queryString(query: Record<string, unknown>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  return qs.toString();
}

/** What every call takes besides the typed params and body. */
export type CallOptions = {
  /** Do not redirect to /login on 401 (login itself, the session probe). */
  allowUnauthenticated?: boolean;
  signal?: AbortSignal;
};
type Init<P extends PathOf<M>, M extends Method> = Omit<FetchOptions<Operation<P, M>>, 'headers'> & CallOptions;
// The init argument is required exactly when the operation has required params or a body.
type Args<P extends PathOf<M>, M extends Method> =
  Operation<P, M> extends { parameters: infer Params }
    ? {} extends Params
      ? {} extends Pick<Operation<P, M>, 'requestBody' & keyof Operation<P, M>>
        ? [init?: Init<P, M>]
        : [init: Init<P, M>]
      : [init: Init<P, M>]
    : [init?: Init<P, M>];

/**
 * The typed calls: `await api.get('/api/clinic')` resolves to the answer's JSON or throws an
 * ApiError. `baseUrl` only where the page's own origin is not the server (tests).
 */
export function createApi(baseUrl = '') {
  const client = createClient<paths>({
    baseUrl,
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
    querySerializer: queryString,
    // late-bound, so tests can stub the global fetch
    fetch: (req) => globalThis.fetch(req),
  });

  async function call<P extends PathOf<M>, M extends Method>(
    method: M,
    path: P,
    init: Init<P, M> = {} as Init<P, M>,
    file?: Blob,
  ): Promise<ApiResponse<P, M>> {
    const { allowUnauthenticated, ...rest } = init;
    const headers: Record<string, string> = {};
    if (method !== 'get') {
      const token = csrfToken();
      if (token) headers['x-csrf-token'] = token;
    }
    // A POST without a body still sends `{}`: JSON routes refuse an empty JSON body.
    let body: unknown = method === 'post' && rest.body === undefined ? {} : rest.body;
    let bodySerializer: ((b: unknown) => unknown) | undefined;
    if (file) {
      body = file;
      bodySerializer = (b) => b;
      headers['content-type'] = file.type;
    }
    let res: { data?: unknown; error?: unknown; response: Response };
    try {
      res = await client.request(method, path as never, { ...rest, body, bodySerializer, headers } as never);
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      throw new ApiError(0, 'NETWORK_ERROR', '無法連線到伺服器，請檢查網路後再試一次');
    }
    const { response } = res;
    if (response.ok) return res.data as ApiResponse<P, M>;
    const e = (res.error as Partial<Schema<'Error'>> | undefined)?.error;
    if (response.status === 401 && !allowUnauthenticated) onUnauthorized();
    throw new ApiError(
      response.status,
      e?.code ?? `HTTP_${response.status}`,
      e?.message ?? `伺服器發生錯誤（${response.status}），請稍後再試`,
      e?.details ?? [],
    );
  }

  return {
    get: <P extends PathOf<'get'>>(path: P, ...[init]: Args<P, 'get'>) => call('get', path, init),
    post: <P extends PathOf<'post'>>(path: P, ...[init]: Args<P, 'post'>) => call('post', path, init),
    put: <P extends PathOf<'put'>>(path: P, ...[init]: Args<P, 'put'>) => call('put', path, init),
    patch: <P extends PathOf<'patch'>>(path: P, ...[init]: Args<P, 'patch'>) => call('patch', path, init),
    delete: <P extends PathOf<'delete'>>(path: P, ...[init]: Args<P, 'delete'>) => call('delete', path, init),
    /** PUTs a file as the raw request body (its type as the content type), e.g. a rich menu's image. */
    upload: <P extends PathOf<'put'>>(path: P, file: Blob, ...[init]: Args<P, 'put'>) => call('put', path, init, file),
    /** POSTs a file as the raw request body, creating something (e.g. an image to send on LINE). */
    uploadNew: <P extends PathOf<'post'>>(path: P, file: Blob, ...[init]: Args<P, 'post'>) =>
      call('post', path, init, file),
  };
}

export const api = createApi();

/** The message to show for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.message) return err.message;
  return '發生未預期的錯誤，請稍後再試';
}
