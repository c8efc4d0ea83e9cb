// Channel access tokens (v2 short-lived, v3 stateless, verify, revoke) and LINE Login for
// LIFF (emulated login page, ID token HS256-signed with the channel secret, verify, profile).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { token } from './ids.ts';
import type { Store } from './store.ts';

type Obj = Record<string, unknown>;

const b64url = (s: string | Buffer): string => Buffer.from(s).toString('base64url');

export function signIdToken(payload: Obj, secret: string): string {
  const head = b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).send({ error, error_description: description });
}

function form(body: unknown): Obj {
  return typeof body === 'object' && body !== null ? (body as Obj) : {};
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The LIFF id is "<login channel id>-<suffix>" as on LINE. */
export function channelIdOfLiff(liffId: string): string {
  return liffId.split('-')[0];
}

export function authRoutes(app: FastifyInstance, store: Store): void {
  const clientCredentials = (b: Obj, reply: FastifyReply): string | null => {
    const ch = store.channels.get(String(b.client_id ?? ''));
    if (!ch) {
      oauthError(reply, 400, 'invalid_client', 'invalid client_id');
      return null;
    }
    if (ch.channelSecret !== b.client_secret) {
      oauthError(reply, 400, 'invalid_client', 'invalid client_secret');
      return null;
    }
    return ch.channelId;
  };

  app.post('/v2/oauth/accessToken', async (req, reply) => {
    const b = form(req.body);
    if (b.grant_type !== 'client_credentials')
      return oauthError(reply, 400, 'unsupported_grant_type', 'unsupported grant_type');
    const channelId = clientCredentials(b, reply);
    if (!channelId) return reply;
    const t = token(48);
    store.tokens.set(t, { channelId, kind: 'short-lived', expiresAt: store.now() + 2_592_000_000, scope: 'P CM' });
    return { access_token: t, expires_in: 2592000, token_type: 'Bearer' };
  });

  app.post('/oauth2/v3/token', async (req, reply) => {
    const b = form(req.body);
    if (b.grant_type !== 'client_credentials')
      return oauthError(reply, 400, 'unsupported_grant_type', 'unsupported grant_type');
    if (b.client_assertion_type !== undefined)
      return oauthError(
        reply,
        400,
        'invalid_request',
        'JWT assertions are not supported by the emulator; use client_id and client_secret',
      );
    const channelId = clientCredentials(b, reply);
    if (!channelId) return reply;
    const t = token(48);
    store.tokens.set(t, { channelId, kind: 'stateless', expiresAt: store.now() + 900_000, scope: 'P CM' });
    return { token_type: 'Bearer', access_token: t, expires_in: 900 };
  });

  const verifyChannelToken = (t: unknown, reply: FastifyReply): unknown => {
    const info = typeof t === 'string' ? store.tokens.get(t) : undefined;
    if (!info) return oauthError(reply, 400, 'invalid_request', 'access token expired');
    const expiresIn = info.expiresAt === null ? 3_138_007_490 : Math.floor((info.expiresAt - store.now()) / 1000);
    if (expiresIn <= 0) return oauthError(reply, 400, 'invalid_request', 'access token expired');
    return { client_id: info.channelId, expires_in: expiresIn, scope: info.kind === 'login' ? info.scope : 'P CM' };
  };
  app.post('/v2/oauth/verify', async (req, reply) => verifyChannelToken(form(req.body).access_token, reply));
  app.get('/oauth2/v2.1/verify', async (req, reply) => verifyChannelToken((req.query as Obj).access_token, reply));
  app.post('/v2/oauth/revoke', async (req) => {
    store.tokens.delete(String(form(req.body).access_token ?? ''));
    return {};
  });
  app.post('/oauth2/v2.1/revoke', async (req) => {
    store.tokens.delete(String(form(req.body).access_token ?? ''));
    return {};
  });

  // LINE Login: verify an ID token (form: id_token, client_id, nonce?, user_id?).
  app.post('/oauth2/v2.1/verify', async (req, reply) => {
    const b = form(req.body);
    if (typeof b.id_token !== 'string' || typeof b.client_id !== 'string')
      return oauthError(reply, 400, 'invalid_request', 'id_token and client_id are required');
    const parts = b.id_token.split('.');
    const ch = store.channels.get(b.client_id);
    if (parts.length !== 3 || !ch) return oauthError(reply, 400, 'invalid_request', 'Invalid IdToken.');
    const expected = createHmac('sha256', ch.channelSecret).update(`${parts[0]}.${parts[1]}`).digest();
    const got = Buffer.from(parts[2], 'base64url');
    if (got.length !== expected.length || !timingSafeEqual(got, expected))
      return oauthError(reply, 400, 'invalid_request', 'Invalid IdToken Signature.');
    let payload: Obj;
    try {
      payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as Obj;
    } catch {
      return oauthError(reply, 400, 'invalid_request', 'Invalid IdToken.');
    }
    if (payload.aud !== b.client_id) return oauthError(reply, 400, 'invalid_request', 'Invalid IdToken Audience.');
    if (typeof payload.exp !== 'number' || payload.exp * 1000 < store.now())
      return oauthError(reply, 400, 'invalid_request', 'IdToken expired.');
    if (b.nonce !== undefined && payload.nonce !== b.nonce)
      return oauthError(reply, 400, 'invalid_request', 'Invalid IdToken Nonce.');
    if (b.user_id !== undefined && payload.sub !== b.user_id)
      return oauthError(reply, 400, 'invalid_request', 'Invalid IdToken Subject Identifier.');
    return payload;
  });

  // LINE Login profile (bearer = login access token).
  app.get('/v2/profile', async (req, reply) => {
    const auth = String(req.headers.authorization ?? '');
    const info = auth.startsWith('Bearer ') ? store.tokens.get(auth.slice(7)) : undefined;
    if (!info || info.kind !== 'login' || !info.userId || (info.expiresAt !== null && info.expiresAt < store.now())) {
      return reply.code(401).send({ message: 'invalid token' });
    }
    const u = store.users.get(info.userId);
    if (!u) return reply.code(401).send({ message: 'invalid token' });
    const out: Obj = { userId: u.userId, displayName: u.displayName };
    if (u.pictureUrl) out.pictureUrl = u.pictureUrl;
    if (u.statusMessage) out.statusMessage = u.statusMessage;
    return out;
  });

  /** Issues an ID token + access token for a user of a login channel. */
  const login = (
    channelId: string,
    userId: string,
    nonce?: string,
  ): { idToken: string; accessToken: string } | null => {
    const ch = store.channels.get(channelId);
    const u = store.users.get(userId);
    if (!ch || !u) return null;
    const now = Math.floor(store.now() / 1000);
    const payload: Obj = {
      iss: 'https://access.line.me',
      sub: u.userId,
      aud: ch.channelId,
      exp: now + 3600,
      iat: now,
      amr: ['linesso'],
      name: u.displayName,
    };
    if (u.pictureUrl) payload.picture = u.pictureUrl;
    if (nonce) payload.nonce = nonce;
    const accessToken = token(32);
    store.tokens.set(accessToken, {
      channelId: ch.channelId,
      kind: 'login',
      userId: u.userId,
      expiresAt: store.now() + 30 * 86400_000,
      scope: 'profile openid',
    });
    return { idToken: signIdToken(payload, ch.channelSecret), accessToken };
  };

  // Emulated LINE Login page: pick a virtual user, go back to the LIFF URL with tokens in the fragment.
  app.get('/_emulator/liff-login', async (req, reply) => {
    const q = req.query as Obj;
    const redirect = String(q.redirect ?? '');
    const liffId = String(q.liffId ?? '');
    const channelId = String(q.channelId ?? channelIdOfLiff(liffId));
    if (!/^https?:\/\//.test(redirect))
      return reply.code(400).send({ error: 'invalid_request', error_description: 'redirect must be an http(s) URL' });
    if (typeof q.userId === 'string') {
      const r = login(channelId, q.userId, typeof q.nonce === 'string' ? q.nonce : undefined);
      if (!r) return reply.code(400).send({ error: 'invalid_request', error_description: 'unknown channel or user' });
      const url = new URL(redirect);
      url.hash = new URLSearchParams({
        liff_emulator_id_token: r.idToken,
        liff_emulator_access_token: r.accessToken,
        liffId,
      }).toString();
      return reply.redirect(url.toString(), 302);
    }
    const users = [...store.users.values()];
    const base = `/_emulator/liff-login?${new URLSearchParams({ redirect, liffId, channelId }).toString()}`;
    const items = users
      .map(
        (u) =>
          `<a class="u" data-user="${esc(u.userId)}" href="${esc(base)}&amp;userId=${esc(u.userId)}">` +
          `<span class="av">${esc(u.displayName.slice(0, 1))}</span>${esc(u.displayName)}</a>`,
      )
      .join('');
    return reply.type('text/html; charset=utf-8').send(`<!doctype html><html lang="zh-TW"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>LINE 登入</title>
<style>body{font-family:"Noto Sans CJK TC","Noto Sans TC",sans-serif;margin:0;background:#fff;color:#111}
.top{background:#06c755;color:#fff;padding:28px 20px 20px;font-size:22px;font-weight:700}
.top small{display:block;font-size:13px;font-weight:400;opacity:.9;margin-top:6px}.list{padding:12px 16px}
.u{display:flex;align-items:center;gap:12px;padding:12px;border:1px solid #e5e5e5;border-radius:12px;margin-bottom:10px;
text-decoration:none;color:#111;font-size:16px}
.av{width:40px;height:40px;border-radius:50%;background:#d8f5e3;color:#06c755;display:flex;align-items:center;
justify-content:center;font-weight:700}.empty{color:#888;padding:20px}</style></head>
<body><div class="top">LINE<small>選擇要登入的使用者（LINE 平台模擬器）</small></div>
<div class="list">${items || '<div class="empty">尚無虛擬使用者，請先在手機頁面建立。</div>'}</div>
<script>try{var cur=localStorage.getItem('emu.currentUser');var auto=window.top!==window&&cur;
if(auto){var a=document.querySelector('[data-user="'+cur+'"]');if(a)location.replace(a.href)}}catch(e){}</script>
</body></html>`);
  });
}
