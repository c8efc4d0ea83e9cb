// LINE Login's ID token verification (POST {LINE_LOGIN_BASE_URL}/oauth2/v2.1/verify). The
// official @line/bot-sdk covers the Messaging API only, not LINE Login, so this is a small
// fetch wrapper. Verified tokens are cached in memory (keyed by a hash of the token, never
// longer than the token's own expiry and at most 5 minutes) so LIFF pages stay fast.
import { sha256Hex } from './crypto.ts';

export type IdTokenClaims = {
  sub: string;
  aud: string;
  exp: number;
  name?: string;
  picture?: string;
  iss?: string;
  nonce?: string;
};

export type VerifyResult = { ok: true; claims: IdTokenClaims } | { ok: false; reason: string; status: number | null };

const CACHE_MAX = 5_000;
const CACHE_MS = 5 * 60_000;

export function lineLoginVerifier(baseUrl: string, nowMs: () => number, fetchImpl: typeof fetch = fetch) {
  const cache = new Map<string, { claims: IdTokenClaims; until: number }>();
  return {
    async verifyIdToken(idToken: string, clientId: string): Promise<VerifyResult> {
      const key = sha256Hex(`${clientId}\n${idToken}`);
      const hit = cache.get(key);
      if (hit && hit.until > nowMs()) return { ok: true, claims: hit.claims };
      if (hit) cache.delete(key);
      let res: Response;
      try {
        res = await fetchImpl(`${baseUrl}/oauth2/v2.1/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ id_token: idToken, client_id: clientId }),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (err) {
        return { ok: false, reason: err instanceof Error ? err.message : String(err), status: null };
      }
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (!res.ok)
        return { ok: false, reason: String(body.error_description ?? body.error ?? res.status), status: res.status };
      if (typeof body.sub !== 'string' || String(body.aud) !== clientId || typeof body.exp !== 'number')
        return { ok: false, reason: 'unexpected verify answer', status: res.status };
      const claims = body as unknown as IdTokenClaims;
      const until = Math.min(claims.exp * 1000, nowMs() + CACHE_MS);
      if (until > nowMs()) {
        if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
        cache.set(key, { claims, until });
      }
      return { ok: true, claims };
    },
  };
}

export type LineLoginVerifier = ReturnType<typeof lineLoginVerifier>;
