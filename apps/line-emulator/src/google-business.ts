// A stand-in for Google Business Profile under /gbp, with the shape of Google's APIs so the
// review features run and are tested offline (docs/contracts.md "Google Business Profile
// stand-in"):
//   OAuth 2.0          GET  /gbp/o/oauth2/v2/auth (a consent page the admin approves),
//                      POST /gbp/token (authorization_code, refresh_token), POST /gbp/revoke
//   Account Management GET  /gbp/v1/accounts
//   Business Info      GET  /gbp/v1/accounts/{a}/locations?readMask=…
//   Reviews (v4)       GET  /gbp/v4/accounts/{a}/locations/{l}/reviews (pageSize ≤ 50, pageToken),
//                      GET  …/reviews/{r}, PUT …/reviews/{r}/reply, DELETE …/reviews/{r}/reply
//   Control (tests)    POST /gbp/control/reviews, GET /gbp/control/state, POST /gbp/control/revoke-all,
//                      POST /gbp/control/expire-access-tokens, POST /gbp/control/reset
// Errors as Google sends them: OAuth endpoints {error, error_description}; APIs
// {error: {code, message, status}}.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const STARS = ['STAR_RATING_UNSPECIFIED', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE'] as const;
const SCOPE = 'https://www.googleapis.com/auth/business.manage';
const ACCESS_TTL_S = 3599;

type Review = {
  reviewId: string;
  locationId: string;
  reviewer: { displayName: string; isAnonymous: boolean; profilePhotoUrl?: string };
  starRating: number;
  comment: string;
  createTime: string;
  updateTime: string;
  reviewReply: { comment: string; updateTime: string } | null;
};
type Location = { id: string; accountId: string; title: string; placeId: string; address: string };
type Grant = { clientId: string; refreshToken: string; revoked: boolean };
type Code = { clientId: string; redirectUri: string; expiresAt: number; used: boolean };
type Access = { grant: Grant; expiresAt: number };

const ACCOUNT_ID = '108000000000000000001';
const ACCOUNT_NAME = '晴光牙醫診所';

class GbpStore {
  codes = new Map<string, Code>();
  grants = new Map<string, Grant>();
  access = new Map<string, Access>();
  locations = new Map<string, Location>();
  reviews: Review[] = [];
  seq = 0;
  readonly now: () => number;
  constructor(now: () => number) {
    this.now = now;
    this.reset();
  }
  reset() {
    this.codes.clear();
    this.grants.clear();
    this.access.clear();
    this.locations.clear();
    this.reviews = [];
    this.locations.set('4100000000000000001', {
      id: '4100000000000000001',
      accountId: ACCOUNT_ID,
      title: '晴光牙醫診所',
      placeId: 'ChIJemulatorClinic0001',
      address: '台北市大安區復興南路一段 100 號',
    });
    // A few older reviews so a fresh demo has a rating trend.
    const day = 86_400_000;
    const seed: [number, number, string, string][] = [
      [150, 5, '陳先生', '醫師很細心，洗牙完全不痛。'],
      [120, 4, '林小姐', '環境乾淨，候診稍久。'],
      [95, 3, '匿名', '預約時間到了還等了 40 分鐘。'],
      [60, 5, '黃太太', '櫃台人員很親切，說明很清楚。'],
      [32, 4, '張同學', '矯正諮詢很詳細。'],
      [12, 5, '王先生', '拔智齒很快，術後還有 LINE 關心。'],
    ];
    for (const [ago, stars, name, comment] of seed)
      this.addReview({ starRating: stars, reviewerName: name, comment, createTime: new Date(this.now() - ago * day) });
  }
  addReview(r: {
    locationId?: string;
    starRating: number;
    reviewerName?: string;
    comment?: string;
    createTime?: Date;
  }): Review {
    const t = (r.createTime ?? new Date(this.now())).toISOString();
    const review: Review = {
      reviewId: `AbFvOq${randomBytes(12).toString('base64url')}`,
      locationId: r.locationId ?? '4100000000000000001',
      reviewer: { displayName: r.reviewerName || 'Google 使用者', isAnonymous: !r.reviewerName },
      starRating: r.starRating,
      comment: r.comment ?? '',
      createTime: t,
      updateTime: t,
      reviewReply: null,
    };
    this.reviews.push(review);
    return review;
  }
}

const name = (r: Review, l: Location) => `accounts/${l.accountId}/locations/${l.id}/reviews/${r.reviewId}`;
const reviewJson = (r: Review, l: Location) => ({
  name: name(r, l),
  reviewId: r.reviewId,
  reviewer: r.reviewer,
  starRating: STARS[r.starRating],
  ...(r.comment ? { comment: r.comment } : {}),
  createTime: r.createTime,
  updateTime: r.updateTime,
  ...(r.reviewReply ? { reviewReply: r.reviewReply } : {}),
});
const apiError = (reply: FastifyReply, code: number, status: string, message: string) =>
  reply.code(code).send({ error: { code, message, status } });
const oauthError = (reply: FastifyReply, code: number, error: string, description: string) =>
  reply.code(code).send({ error, error_description: description });
const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const token = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

export function googleBusinessRoutes(app: FastifyInstance, opts: { now?: () => number } = {}): GbpStore {
  const store = new GbpStore(opts.now ?? Date.now);

  // ---- OAuth 2.0 ----
  app.get('/gbp/o/oauth2/v2/auth', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const missing = ['client_id', 'redirect_uri', 'response_type', 'scope'].filter((k) => !q[k]);
    if (missing.length || q.response_type !== 'code')
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html><meta charset="utf-8"><title>Error 400</title><h1>Error 400: invalid_request</h1>` +
            `<p>${esc(missing.length ? `Missing required parameter: ${missing[0]}` : 'response_type must be code')}` +
            '</p>',
        );
    const hidden = Object.entries(q)
      .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v ?? '')}">`)
      .join('');
    return reply.type('text/html; charset=utf-8').send(`<!doctype html>
<html lang="zh-TW"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>使用 Google 帳戶登入（模擬器）</title>
<style>
body{font-family:system-ui,"Noto Sans TC",sans-serif;background:#f0f4f9;margin:0;display:flex;justify-content:center}
main{background:#fff;border-radius:24px;padding:36px 40px;margin-top:64px;max-width:520px}
h1{font-size:24px;font-weight:400;margin:8px 0 16px}
.acct{border:1px solid #dadce0;border-radius:20px;padding:6px 14px;display:inline-block;margin-bottom:16px}
ul{padding-left:20px;color:#3c4043}.row{display:flex;gap:12px;justify-content:flex-end;margin-top:28px}
button{border-radius:20px;padding:10px 24px;font-size:14px;cursor:pointer;border:1px solid #dadce0;background:#fff}
button{color:#0b57d0}button.primary{background:#0b57d0;color:#fff;border-color:#0b57d0}
.note{color:#5f6368;font-size:12px;margin-top:20px}</style></head>
<body><main><div style="color:#5f6368">Google（Careline 模擬器）</div>
<h1>「${esc(q.client_id!)}」想要存取你的 Google 帳戶</h1>
<div class="acct">owner@${esc(ACCOUNT_NAME)}.example</div>
<p>這會讓應用程式：</p><ul><li>查看及管理你的 Google 商家檔案（${esc(q.scope!)}）</li></ul>
<form method="post" action="/gbp/o/oauth2/v2/auth/decision">${hidden}
<div class="row"><button type="submit" name="decision" value="deny">取消</button>
<button class="primary" type="submit" name="decision" value="allow">允許</button></div></form>
<p class="note">這是 LINE 平台模擬器內的 Google 商家檔案替身，不會連到 Google。</p></main></body></html>`);
  });
  app.post('/gbp/o/oauth2/v2/auth/decision', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, string | undefined>;
    let target: URL;
    try {
      target = new URL(b.redirect_uri ?? '');
    } catch {
      return reply.code(400).send('redirect_uri is not a URL');
    }
    if (b.decision === 'allow') {
      const code = token('4/0A');
      store.codes.set(code, {
        clientId: b.client_id ?? '',
        redirectUri: b.redirect_uri ?? '',
        expiresAt: store.now() + 10 * 60_000,
        used: false,
      });
      target.searchParams.set('code', code);
      target.searchParams.set('scope', b.scope ?? SCOPE);
    } else target.searchParams.set('error', 'access_denied');
    if (b.state) target.searchParams.set('state', b.state);
    return reply.redirect(target.toString(), 302);
  });
  app.post('/gbp/token', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, string | undefined>;
    if (!b.client_id || !b.client_secret)
      return oauthError(reply, 401, 'invalid_client', 'The OAuth client was not found.');
    const issue = (grant: Grant) => {
      const at = token('ya29.');
      store.access.set(at, { grant, expiresAt: store.now() + ACCESS_TTL_S * 1000 });
      return at;
    };
    if (b.grant_type === 'authorization_code') {
      const c = b.code ? store.codes.get(b.code) : undefined;
      if (!c || c.used || c.expiresAt < store.now() || c.clientId !== b.client_id)
        return oauthError(reply, 400, 'invalid_grant', 'Malformed auth code.');
      if (c.redirectUri !== b.redirect_uri) return oauthError(reply, 400, 'redirect_uri_mismatch', 'Bad Request');
      c.used = true;
      const grant: Grant = { clientId: b.client_id, refreshToken: token('1//0e'), revoked: false };
      store.grants.set(grant.refreshToken, grant);
      return {
        access_token: issue(grant),
        expires_in: ACCESS_TTL_S,
        refresh_token: grant.refreshToken,
        scope: SCOPE,
        token_type: 'Bearer',
      };
    }
    if (b.grant_type === 'refresh_token') {
      const g = b.refresh_token ? store.grants.get(b.refresh_token) : undefined;
      if (!g || g.revoked || g.clientId !== b.client_id)
        return oauthError(reply, 400, 'invalid_grant', 'Token has been expired or revoked.');
      return { access_token: issue(g), expires_in: ACCESS_TTL_S, scope: SCOPE, token_type: 'Bearer' };
    }
    return oauthError(reply, 400, 'unsupported_grant_type', `Invalid grant_type: ${b.grant_type ?? ''}`);
  });
  app.post('/gbp/revoke', async (req, reply) => {
    const t =
      (req.query as Record<string, string | undefined>).token ?? ((req.body ?? {}) as Record<string, string>).token;
    const g = t ? (store.grants.get(t) ?? store.access.get(t)?.grant) : undefined;
    if (!g) return oauthError(reply, 400, 'invalid_token', 'Token expired or revoked');
    g.revoked = true;
    return {};
  });

  // ---- APIs (bearer access token) ----
  const authed = (req: FastifyRequest, reply: FastifyReply): boolean => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const a = m ? store.access.get(m[1]) : undefined;
    if (!a || a.grant.revoked || a.expiresAt < store.now()) {
      apiError(
        reply,
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other ' +
          'valid authentication credential.',
      );
      return false;
    }
    return true;
  };
  const locationOf = (reply: FastifyReply, accountId: string, locationId: string): Location | null => {
    const l = store.locations.get(locationId);
    if (accountId !== ACCOUNT_ID) {
      apiError(reply, 403, 'PERMISSION_DENIED', 'The caller does not have permission');
      return null;
    }
    if (!l || l.accountId !== accountId) {
      apiError(reply, 404, 'NOT_FOUND', 'Requested entity was not found.');
      return null;
    }
    return l;
  };

  app.get('/gbp/v1/accounts', async (req, reply) => {
    if (!authed(req, reply)) return reply;
    return {
      accounts: [
        {
          name: `accounts/${ACCOUNT_ID}`,
          accountName: ACCOUNT_NAME,
          type: 'LOCATION_GROUP',
          role: 'OWNER',
          verificationState: 'VERIFIED',
          vettedState: 'NOT_VETTED',
        },
      ],
    };
  });
  app.get('/gbp/v1/accounts/:account/locations', async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const { account } = req.params as { account: string };
    if (!(req.query as Record<string, string>).readMask)
      return apiError(reply, 400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
    if (account !== ACCOUNT_ID) return apiError(reply, 403, 'PERMISSION_DENIED', 'The caller does not have permission');
    return {
      locations: [...store.locations.values()]
        .filter((l) => l.accountId === account)
        .map((l) => ({
          name: `locations/${l.id}`,
          title: l.title,
          storefrontAddress: { regionCode: 'TW', languageCode: 'zh-TW', addressLines: [l.address] },
          metadata: {
            placeId: l.placeId,
            mapsUri: `https://maps.google.com/maps?cid=${l.id}`,
            newReviewUri: `https://search.google.com/local/writereview?placeid=${l.placeId}`,
          },
        })),
    };
  });
  app.get('/gbp/v4/accounts/:account/locations/:location/reviews', async (req, reply) => {
    if (!authed(req, reply)) return reply;
    const p = req.params as { account: string; location: string };
    const l = locationOf(reply, p.account, p.location);
    if (!l) return reply;
    const q = req.query as Record<string, string | undefined>;
    const size = Math.min(50, Math.max(1, Number(q.pageSize) || 50));
    const start = q.pageToken ? Number(Buffer.from(q.pageToken, 'base64url').toString()) : 0;
    if (!Number.isInteger(start) || start < 0)
      return apiError(reply, 400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
    const all = store.reviews
      .filter((r) => r.locationId === l.id)
      .sort((a, b) => b.updateTime.localeCompare(a.updateTime));
    const page = all.slice(start, start + size);
    const avg = all.length ? all.reduce((n, r) => n + r.starRating, 0) / all.length : 0;
    return {
      reviews: page.map((r) => reviewJson(r, l)),
      averageRating: Math.round(avg * 10) / 10,
      totalReviewCount: all.length,
      ...(start + size < all.length ? { nextPageToken: Buffer.from(String(start + size)).toString('base64url') } : {}),
    };
  });
  const reviewOf = (req: FastifyRequest, reply: FastifyReply) => {
    if (!authed(req, reply)) return null;
    const p = req.params as { account: string; location: string; review: string };
    const l = locationOf(reply, p.account, p.location);
    if (!l) return null;
    const r = store.reviews.find((x) => x.locationId === l.id && x.reviewId === p.review);
    if (!r) {
      apiError(reply, 404, 'NOT_FOUND', 'Requested entity was not found.');
      return null;
    }
    return { r, l };
  };
  const R = '/gbp/v4/accounts/:account/locations/:location/reviews/:review';
  app.get(R, async (req, reply) => {
    const f = reviewOf(req, reply);
    return f ? reviewJson(f.r, f.l) : reply;
  });
  app.put(`${R}/reply`, async (req, reply) => {
    const f = reviewOf(req, reply);
    if (!f) return reply;
    const comment = (req.body as { comment?: unknown } | undefined)?.comment;
    if (typeof comment !== 'string' || !comment.trim() || comment.length > 4096)
      return apiError(reply, 400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
    f.r.reviewReply = { comment, updateTime: new Date(store.now()).toISOString() };
    return f.r.reviewReply;
  });
  app.delete(`${R}/reply`, async (req, reply) => {
    const f = reviewOf(req, reply);
    if (!f) return reply;
    f.r.reviewReply = null;
    return {};
  });

  // ---- Control API (tests and demos) ----
  app.post('/gbp/control/reviews', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const stars = typeof b.starRating === 'string' ? STARS.indexOf(b.starRating as never) : Number(b.starRating);
    if (!Number.isInteger(stars) || stars < 1 || stars > 5)
      return reply.code(400).send({ message: 'starRating must be 1–5 or ONE…FIVE' });
    const locationId = typeof b.locationId === 'string' ? b.locationId : undefined;
    if (locationId && !store.locations.has(locationId)) return reply.code(404).send({ message: 'unknown location' });
    const r = store.addReview({
      locationId,
      starRating: stars,
      reviewerName: typeof b.reviewerName === 'string' ? b.reviewerName : undefined,
      comment: typeof b.comment === 'string' ? b.comment : undefined,
      createTime: typeof b.createTime === 'string' ? new Date(b.createTime) : undefined,
    });
    return reply.code(201).send(reviewJson(r, store.locations.get(r.locationId)!));
  });
  app.get('/gbp/control/state', async () => ({
    accounts: [{ name: `accounts/${ACCOUNT_ID}`, accountName: ACCOUNT_NAME }],
    locations: [...store.locations.values()].map((l) => ({ name: `locations/${l.id}`, ...l })),
    reviews: store.reviews.map((r) => reviewJson(r, store.locations.get(r.locationId)!)),
    grants: [...store.grants.values()].map((g) => ({ clientId: g.clientId, revoked: g.revoked })),
  }));
  app.post('/gbp/control/revoke-all', async () => {
    for (const g of store.grants.values()) g.revoked = true;
    return { revoked: store.grants.size };
  });
  app.post('/gbp/control/expire-access-tokens', async () => {
    for (const a of store.access.values()) a.expiresAt = 0;
    return { expired: store.access.size };
  });
  app.post('/gbp/control/reset', async () => {
    store.reset();
    return { ok: true };
  });
  return store;
}
