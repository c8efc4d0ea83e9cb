// Google's OAuth 2.0 and Business Profile APIs, as far as reviews need them: the token endpoint
// (authorization code, refresh), revocation, Account Management (accounts), Business
// Information (locations) and My Business v4 reviews (list, reply, delete reply). Base URLs
// come from config (the emulator's stand-in by default; docs/contracts.md names Google's).
import type { Config } from '../../config.ts';

export const GBP_SCOPE = 'https://www.googleapis.com/auth/business.manage';
const TIMEOUT_MS = 15_000;

/** A failed call: `grantRevoked` when the refresh token or code is no longer valid (invalid_grant). */
export class GoogleError extends Error {
  readonly status: number | null;
  readonly reason: string;
  constructor(status: number | null, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
  get grantRevoked(): boolean {
    return this.reason === 'invalid_grant';
  }
  get unauthenticated(): boolean {
    return this.status === 401;
  }
}

export type Tokens = { accessToken: string; expiresIn: number; refreshToken: string | null };
export type GbpAccount = { name: string; accountName?: string; type?: string };
export type GbpLocation = { name: string; title?: string; metadata?: { placeId?: string; newReviewUri?: string } };
export type GbpReview = {
  name: string;
  reviewId: string;
  reviewer?: { displayName?: string; isAnonymous?: boolean };
  starRating?: string;
  comment?: string;
  createTime: string;
  updateTime: string;
  reviewReply?: { comment: string; updateTime: string };
};
export type GbpReviewPage = {
  reviews?: GbpReview[];
  averageRating?: number;
  totalReviewCount?: number;
  nextPageToken?: string;
};

export const STAR_VALUES: Record<string, number> = { ONE: 1, TWO: 2, THREE: 3, FOUR: 4, FIVE: 5 };

async function call<T>(url: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new GoogleError(null, 'network', `Google unreachable: ${(err as Error).message}`);
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const b = body as { error?: unknown; error_description?: string } | null;
    // OAuth endpoints: {error: "invalid_grant", error_description}; APIs: {error: {code, message, status}}.
    if (b && typeof b.error === 'string') throw new GoogleError(res.status, b.error, b.error_description ?? b.error);
    const e = (b?.error ?? {}) as { status?: string; message?: string };
    throw new GoogleError(res.status, e.status ?? `HTTP_${res.status}`, e.message ?? `HTTP ${res.status}`);
  }
  return body as T;
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

export function googleClient(cfg: Config['google']) {
  const bearer = (token: string, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    accept: 'application/json',
    ...extra,
  });
  return {
    authorizeUrl(redirectUri: string, state: string): string {
      const u = new URL(cfg.authUrl);
      u.searchParams.set('client_id', cfg.clientId);
      u.searchParams.set('redirect_uri', redirectUri);
      u.searchParams.set('response_type', 'code');
      u.searchParams.set('scope', GBP_SCOPE);
      u.searchParams.set('access_type', 'offline');
      u.searchParams.set('prompt', 'consent');
      u.searchParams.set('include_granted_scopes', 'true');
      u.searchParams.set('state', state);
      return u.toString();
    },
    async exchangeCode(code: string, redirectUri: string): Promise<Tokens> {
      const r = await call<{ access_token: string; expires_in: number; refresh_token?: string }>(
        cfg.tokenUrl,
        form({
          grant_type: 'authorization_code',
          code,
          client_id: cfg.clientId,
          client_secret: cfg.clientSecret,
          redirect_uri: redirectUri,
        }),
      );
      return { accessToken: r.access_token, expiresIn: r.expires_in, refreshToken: r.refresh_token ?? null };
    },
    async refresh(refreshToken: string): Promise<Tokens> {
      const r = await call<{ access_token: string; expires_in: number }>(
        cfg.tokenUrl,
        form({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: cfg.clientId,
          client_secret: cfg.clientSecret,
        }),
      );
      return { accessToken: r.access_token, expiresIn: r.expires_in, refreshToken: null };
    },
    async revoke(token: string): Promise<void> {
      await call(cfg.revokeUrl, form({ token }));
    },
    async accounts(token: string): Promise<GbpAccount[]> {
      const r = await call<{ accounts?: GbpAccount[] }>(`${cfg.accountApiBaseUrl}/v1/accounts`, {
        headers: bearer(token),
      });
      return r.accounts ?? [];
    },
    async locations(token: string, account: string): Promise<GbpLocation[]> {
      const u = `${cfg.businessInfoApiBaseUrl}/v1/${account}/locations?readMask=name,title,metadata&pageSize=100`;
      const r = await call<{ locations?: GbpLocation[] }>(u, { headers: bearer(token) });
      return r.locations ?? [];
    },
    /** One page of a location's reviews (`location` is accounts/…/locations/…). */
    async reviews(token: string, location: string, pageToken?: string): Promise<GbpReviewPage> {
      const u = new URL(`${cfg.reviewsApiBaseUrl}/v4/${location}/reviews`);
      u.searchParams.set('pageSize', '50');
      if (pageToken) u.searchParams.set('pageToken', pageToken);
      return call<GbpReviewPage>(u.toString(), { headers: bearer(token) });
    },
    async putReply(
      token: string,
      reviewName: string,
      comment: string,
    ): Promise<{ comment: string; updateTime: string }> {
      return call(`${cfg.reviewsApiBaseUrl}/v4/${reviewName}/reply`, {
        method: 'PUT',
        headers: bearer(token, { 'content-type': 'application/json' }),
        body: JSON.stringify({ comment }),
      });
    },
    async deleteReply(token: string, reviewName: string): Promise<void> {
      await call(`${cfg.reviewsApiBaseUrl}/v4/${reviewName}/reply`, { method: 'DELETE', headers: bearer(token) });
    },
  };
}
