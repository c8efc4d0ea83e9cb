// Google 評論: the clinic's Google Business Profile connected by OAuth (an admin approves on
// Google's consent page; the refresh and access tokens are stored encrypted like the LINE
// channel secrets), the location picked, an hourly sync job that reads the location's reviews
// into google_reviews, the rating trend, and replies from the back office (audited).
//
// A grant the owner revoked on Google's side (or a refresh token Google no longer accepts:
// invalid_grant) turns the connection to `revoked`; every route then answers with a clear
// zh-TW 409 GOOGLE_RECONNECT_REQUIRED and the page asks an admin to connect again — never a 500.
// Roles: only admins connect, pick the location and disconnect; admins and the front desk may
// reply (replies are public, so each is audited with who wrote it).
import { Type } from 'typebox';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { enqueueJob, jobType } from '../../platform/jobs.ts';
import { localParts } from '../../platform/time.ts';
import { clinicService } from '../clinics/service.ts';
import { googleClient, GoogleError, STAR_VALUES, type GbpLocation } from './client.ts';
import { googleReviewRepository, type ConnectionRow, type ReviewRow } from './repository.ts';

export const GOOGLE_REVIEWS_SYNC = jobType({
  type: 'google_reviews.sync',
  defaults: { priority: 'bulk', maxAttempts: 3 },
  payload: Type.Object({ clinicId: Type.String(), repeat: Type.Optional(Type.Boolean()) }),
});
export const SYNC_EVERY_MS = 60 * 60_000;
const STATE_TTL_MS = 15 * 60_000;
export const MAX_REPLY = 4000;

export const reconnectRequired = () =>
  new AppError(
    'GOOGLE_RECONNECT_REQUIRED',
    409,
    'Google 商家檔案的授權已失效（可能已在 Google 帳戶移除 Careline 的存取權），請管理員到「Google 評論」重新連結。',
  );
const notConnected = () =>
  new AppError('GOOGLE_NOT_CONNECTED', 409, '尚未連結 Google 商家檔案，請管理員先到「Google 評論」連結。');
const googleDown = (e: GoogleError) =>
  new AppError('GOOGLE_UNAVAILABLE', 502, `暫時無法連線到 Google（${e.status ?? '網路'}），請稍後再試。`);

export const redirectUriOf = (deps: Deps) => `${deps.config.publicBaseUrl}/api/google/oauth/callback`;

/** What to do with an error of a Google call: revoked → mark and 409; else 502. */
async function failed(deps: Deps, clinicId: string, err: unknown): Promise<never> {
  if (err instanceof GoogleError) {
    if (err.grantRevoked) {
      await googleReviewRepository(deps.db).updateConnection(clinicId, {
        status: 'revoked',
        access_token_enc: null,
        access_expires_at: null,
        last_error: 'Google 授權已失效，請重新連結',
        updated_at: deps.clock.now().toISOString(),
      });
      throw reconnectRequired();
    }
    throw googleDown(err);
  }
  throw err;
}

/** A valid access token for the clinic's connection (refreshed when within a minute of expiry). */
async function accessToken(deps: Deps, c: ConnectionRow, force = false): Promise<string> {
  if (c.status === 'revoked' || !c.refresh_token_enc) throw reconnectRequired();
  const now = deps.clock.now().getTime();
  if (!force && c.access_token_enc && c.access_expires_at && Date.parse(c.access_expires_at) - 60_000 > now)
    return deps.crypto.decrypt(c.access_token_enc);
  try {
    const t = await googleClient(deps.config.google).refresh(deps.crypto.decrypt(c.refresh_token_enc));
    await googleReviewRepository(deps.db).updateConnection(c.clinic_id, {
      access_token_enc: deps.crypto.encrypt(t.accessToken),
      access_expires_at: new Date(now + t.expiresIn * 1000).toISOString(),
      updated_at: new Date(now).toISOString(),
    });
    return t.accessToken;
  } catch (err) {
    return failed(deps, c.clinic_id, err);
  }
}

/** Runs `fn` with an access token; a 401 refreshes the token once and tries again. */
async function withToken<T>(deps: Deps, c: ConnectionRow, fn: (token: string) => Promise<T>): Promise<T> {
  try {
    return await fn(await accessToken(deps, c));
  } catch (err) {
    if (!(err instanceof GoogleError)) throw err;
    if (!err.unauthenticated) return failed(deps, c.clinic_id, err);
    try {
      return await fn(await accessToken(deps, c, true));
    } catch (again) {
      // Still unauthenticated after a fresh token: the grant is gone.
      if (again instanceof GoogleError && again.unauthenticated)
        return failed(deps, c.clinic_id, new GoogleError(401, 'invalid_grant', again.message));
      return failed(deps, c.clinic_id, again);
    }
  }
}

const reviewLinkOf = (placeId: string | null) =>
  placeId ? `https://search.google.com/local/writereview?placeid=${encodeURIComponent(placeId)}` : null;

function toReview(r: ReviewRow, now: Date) {
  return {
    id: r.id,
    reviewerName: r.reviewer_name,
    starRating: r.star_rating,
    comment: r.comment,
    createTime: r.create_time,
    updateTime: r.update_time,
    reply: r.reply_comment,
    replyUpdateTime: r.reply_update_time,
    repliedBy: r.replied_by,
    isNew: Date.parse(r.first_seen_at) > now.getTime() - 7 * 86_400_000,
  };
}

/** Average rating per month (clinic time zone) and the running average up to each month. */
export function ratingTrend(rows: { star_rating: number; create_time: string }[], timeZone: string, months = 12) {
  const by = new Map<string, { n: number; sum: number }>();
  for (const r of rows) {
    const m = localParts(new Date(r.create_time), timeZone).date.slice(0, 7);
    const e = by.get(m) ?? { n: 0, sum: 0 };
    e.n++;
    e.sum += r.star_rating;
    by.set(m, e);
  }
  let n = 0,
    sum = 0;
  const out: { month: string; count: number; average: number | null; cumulativeAverage: number | null }[] = [];
  for (const m of [...by.keys()].sort()) {
    const e = by.get(m)!;
    n += e.n;
    sum += e.sum;
    out.push({
      month: m,
      count: e.n,
      average: Math.round((e.sum / e.n) * 100) / 100,
      cumulativeAverage: Math.round((sum / n) * 100) / 100,
    });
  }
  return out.slice(-months);
}

export function googleReviewService(deps: Deps) {
  const db = deps.db;
  const repo = googleReviewRepository(db);
  const client = googleClient(deps.config.google);
  const now = () => deps.clock.now();

  async function connected(clinicId: string) {
    const c = await repo.connection(clinicId);
    if (!c) throw notConnected();
    if (c.status === 'revoked') throw reconnectRequired();
    return c;
  }

  async function allLocations(c: ConnectionRow) {
    return withToken(deps, c, async (token) => {
      const out: { name: string; title: string; placeId: string | null; accountName: string }[] = [];
      for (const a of await client.accounts(token)) {
        const locs: GbpLocation[] = await client.locations(token, a.name);
        for (const l of locs)
          out.push({
            name: `${a.name}/${l.name}`,
            title: l.title ?? l.name,
            placeId: l.metadata?.placeId ?? null,
            accountName: a.accountName ?? a.name,
          });
      }
      return out;
    });
  }

  const svc = {
    async status(clinicId: string) {
      const c = await repo.connection(clinicId);
      if (!c)
        return {
          status: 'not_connected' as const,
          accountName: null,
          locationTitle: null,
          placeId: null,
          reviewLink: null,
          averageRating: null,
          totalReviewCount: null,
          lastSyncAt: null,
          lastError: null,
          connectedBy: null,
          connectedAt: null,
        };
      return {
        status: c.status as 'connected' | 'needs_location' | 'revoked',
        accountName: c.account_name,
        locationTitle: c.location_title,
        placeId: c.place_id,
        reviewLink: reviewLinkOf(c.place_id),
        averageRating: c.average_rating === null ? null : Number(c.average_rating),
        totalReviewCount: c.total_review_count,
        lastSyncAt: c.last_sync_at,
        lastError: c.last_error,
        connectedBy: c.connected_by,
        connectedAt: c.connected_at,
      };
    },

    /** The consent page's URL; `state` is sealed (clinic, staff, expiry) so the callback needs no session. */
    async connectUrl(clinicId: string, actor: Actor, ip: string) {
      const state = deps.crypto.encrypt(
        JSON.stringify({ c: clinicId, a: actor.id, l: actor.label, e: now().getTime() + STATE_TTL_MS }),
      );
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'google.connect_started',
        entityType: 'google_connection',
        entityId: clinicId,
        ip,
      });
      return { url: client.authorizeUrl(redirectUriOf(deps), Buffer.from(state).toString('base64url')) };
    },

    /**
     * Google's redirect back: exchanges the code, stores the tokens, and picks the location when
     * the account has exactly one. Returns the page to send the browser to (never throws).
     */
    async callback(q: { code?: string; state?: string; error?: string }, ip: string): Promise<string> {
      const page = (r: string) => `/satisfaction/reviews?google=${r}`;
      let st: { c: string; a: string | null; l: string; e: number };
      try {
        st = JSON.parse(deps.crypto.decrypt(Buffer.from(q.state ?? '', 'base64url').toString()));
      } catch {
        return page('invalid_state');
      }
      if (st.e < now().getTime()) return page('expired');
      if (q.error || !q.code) return page('denied');
      const actor: Actor = st.a ? { type: 'staff', id: st.a, label: st.l } : { type: 'system', id: null, label: st.l };
      let tokens;
      try {
        tokens = await client.exchangeCode(q.code, redirectUriOf(deps));
      } catch {
        return page('failed');
      }
      if (!tokens.refreshToken) return page('failed');
      const at = now();
      await repo.saveConnection({
        clinic_id: st.c,
        status: 'needs_location',
        refresh_token_enc: deps.crypto.encrypt(tokens.refreshToken),
        access_token_enc: deps.crypto.encrypt(tokens.accessToken),
        access_expires_at: new Date(at.getTime() + tokens.expiresIn * 1000).toISOString(),
        account_name: null,
        location_name: null,
        location_title: null,
        place_id: null,
        average_rating: null,
        total_review_count: null,
        connected_by: st.l,
        connected_at: at.toISOString(),
        last_sync_at: null,
        last_error: null,
        updated_at: at.toISOString(),
      });
      await recordAudit(db, deps.clock, {
        clinicId: st.c,
        actor,
        action: 'google.connected',
        entityType: 'google_connection',
        entityId: st.c,
        ip,
      });
      try {
        const locs = await allLocations((await repo.connection(st.c))!);
        if (locs.length === 1) {
          await svc.chooseLocation(st.c, locs[0].name, actor, ip);
          return page('connected');
        }
      } catch {
        // the page offers the locations again
      }
      return page('choose_location');
    },

    async locations(clinicId: string) {
      const c = await repo.connection(clinicId);
      if (!c) throw notConnected();
      return { items: await allLocations(c) };
    },

    async chooseLocation(clinicId: string, locationName: string, actor: Actor, ip: string) {
      const c = await repo.connection(clinicId);
      if (!c) throw notConnected();
      const loc = (await allLocations(c)).find((l) => l.name === locationName);
      if (!loc)
        throw errors.validation([
          { field: 'location', code: 'unknown', message: '這個 Google 帳戶沒有這個商家地點，請重新選擇' },
        ]);
      await repo.updateConnection(clinicId, {
        status: 'connected',
        account_name: loc.accountName,
        location_name: loc.name,
        location_title: loc.title,
        place_id: loc.placeId,
        updated_at: now().toISOString(),
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'google.location_chosen',
        entityType: 'google_connection',
        entityId: clinicId,
        detail: { location: loc.title },
        ip,
      });
      await scheduleGoogleSync(deps, clinicId, now());
      try {
        await svc.sync(clinicId);
      } catch {
        // the hourly job tries again; the page shows last_error
      }
      return svc.status(clinicId);
    },

    async disconnect(clinicId: string, actor: Actor, ip: string) {
      const c = await repo.connection(clinicId);
      if (!c) throw notConnected();
      if (c.refresh_token_enc && c.status !== 'revoked')
        await client.revoke(deps.crypto.decrypt(c.refresh_token_enc)).catch(() => {});
      await repo.removeConnection(clinicId);
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'google.disconnected',
        entityType: 'google_connection',
        entityId: clinicId,
        ip,
      });
    },

    /** Reads every page of the location's reviews into google_reviews. */
    async sync(clinicId: string): Promise<{ fetched: number; added: number }> {
      const c = await connected(clinicId);
      if (c.status !== 'connected' || !c.location_name) throw notConnected();
      const location = c.location_name;
      const known = await repo.reviewIds(clinicId, location);
      let fetched = 0,
        added = 0,
        pageToken: string | undefined,
        average: number | null = null,
        total: number | null = null;
      const at = now().toISOString();
      // The first sync brings the location's whole history: none of it is 「新」.
      const firstSync = c.last_sync_at === null;
      for (let i = 0; i < 200; i++) {
        const page = await withToken(deps, c, (t) => client.reviews(t, location, pageToken));
        average = page.averageRating ?? average;
        total = page.totalReviewCount ?? total;
        for (const r of page.reviews ?? []) {
          fetched++;
          if (!known.has(r.reviewId)) added++;
          await repo.upsertReview({
            id: newId(),
            clinic_id: clinicId,
            location_name: location,
            review_id: r.reviewId,
            name: r.name,
            reviewer_name: r.reviewer?.isAnonymous ? '匿名' : (r.reviewer?.displayName ?? '匿名'),
            star_rating: STAR_VALUES[r.starRating ?? ''] ?? 0,
            comment: r.comment ?? '',
            create_time: r.createTime,
            update_time: r.updateTime,
            reply_comment: r.reviewReply?.comment ?? null,
            reply_update_time: r.reviewReply?.updateTime ?? null,
            replied_by: null,
            first_seen_at: firstSync ? r.createTime : at,
          });
        }
        pageToken = page.nextPageToken;
        if (!pageToken) break;
      }
      await repo.updateConnection(clinicId, {
        average_rating: average,
        total_review_count: total,
        last_sync_at: at,
        last_error: null,
        updated_at: at,
      });
      return { fetched, added };
    },

    async syncNow(clinicId: string, actor: Actor, ip: string) {
      const r = await svc.sync(clinicId);
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'google.synced',
        entityType: 'google_connection',
        entityId: clinicId,
        detail: r,
        ip,
      });
      return r;
    },

    async reviews(clinicId: string, f: { unreplied?: boolean; limit?: number }) {
      const c = await repo.connection(clinicId);
      const status = await svc.status(clinicId);
      if (!c?.location_name) return { connection: status, items: [], trend: [] };
      const clinic = await clinicService(deps).get(clinicId);
      const rows = await repo.reviews(clinicId, c.location_name, { unreplied: f.unreplied, limit: f.limit ?? 100 });
      return {
        connection: status,
        items: rows.map((r) => toReview(r, now())),
        trend: ratingTrend(await repo.ratings(clinicId, c.location_name), clinic.timeZone),
      };
    },

    async reply(clinicId: string, id: string, comment: string, actor: Actor, ip: string) {
      const text = comment.trim();
      if (!text) throw errors.validation([{ field: 'comment', code: 'required', message: '請輸入回覆內容' }]);
      if ([...text].length > MAX_REPLY)
        throw errors.validation([
          { field: 'comment', code: 'too_long', message: `回覆最多 ${MAX_REPLY} 字，目前 ${[...text].length} 字` },
        ]);
      const c = await connected(clinicId);
      const r = await repo.review(clinicId, id);
      if (!r || r.location_name !== c.location_name) throw errors.notFound('評論');
      const reply = await withToken(deps, c, (t) => client.putReply(t, r.name, text));
      await repo.updateReview(clinicId, id, {
        reply_comment: reply.comment,
        reply_update_time: reply.updateTime,
        replied_by: actor.label,
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'google.review_replied',
        entityType: 'google_review',
        entityId: id,
        detail: { stars: r.star_rating, length: [...text].length },
        ip,
      });
      return toReview((await repo.review(clinicId, id))!, now());
    },

    async deleteReply(clinicId: string, id: string, actor: Actor, ip: string) {
      const c = await connected(clinicId);
      const r = await repo.review(clinicId, id);
      if (!r || r.location_name !== c.location_name) throw errors.notFound('評論');
      await withToken(deps, c, (t) => client.deleteReply(t, r.name));
      await repo.updateReview(clinicId, id, { reply_comment: null, reply_update_time: null, replied_by: null });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'google.review_reply_deleted',
        entityType: 'google_review',
        entityId: id,
        ip,
      });
      return toReview((await repo.review(clinicId, id))!, now());
    },
  };
  return svc;
}

/** The next hourly sync of the clinic (idempotent per clinic and hour). */
export async function scheduleGoogleSync(deps: Deps, clinicId: string, from: Date): Promise<void> {
  const next = new Date(from.getTime() + SYNC_EVERY_MS);
  await enqueueJob(
    deps.db,
    deps.clock,
    GOOGLE_REVIEWS_SYNC,
    { clinicId, repeat: true },
    { clinicId, runAt: next, idempotencyKey: `google-sync:${clinicId}:${next.toISOString().slice(0, 13)}` },
  );
}

/** The sync job: a revoked grant or a missing connection ends the repetition; other failures are noted. */
export async function runGoogleSync(deps: Deps, clinicId: string, repeat: boolean): Promise<void> {
  const repo = googleReviewRepository(deps.db);
  try {
    await googleReviewService(deps).sync(clinicId);
  } catch (err) {
    if (err instanceof AppError && (err.code === 'GOOGLE_RECONNECT_REQUIRED' || err.code === 'GOOGLE_NOT_CONNECTED'))
      return;
    await repo.updateConnection(clinicId, {
      last_error: err instanceof AppError ? err.message : '同步失敗，稍後會再試',
      updated_at: deps.clock.now().toISOString(),
    });
  }
  if (repeat && (await repo.connection(clinicId))?.status === 'connected')
    await scheduleGoogleSync(deps, clinicId, deps.clock.now());
}
