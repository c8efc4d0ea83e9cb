// Google 評論 against the emulator's Business Profile stand-in: an admin connects through the
// OAuth consent page (tokens stored encrypted), the only location is picked, the sync stores
// the reviews with the rating, a new review arrives on the next sync, a reply reaches Google
// (audited), an expired access token is refreshed, a revoked grant becomes a clear zh-TW 409
// and a `revoked` status (never a 500), roles and another clinic's isolation hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../../line-emulator/src/index.ts';
import { startWorker, type Worker } from '../../platform/jobs.ts';
import { jobDefinitions } from '../../jobs.ts';
import { as, createTestApp, createTestClinic, type TestApp, type TestClinic } from '../../testing/helpers.ts';

let emu: RunningEmulator;
let t: TestApp;
let worker: Worker;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, host: '127.0.0.1', rateLimits: false });
  t = await createTestApp({ env: { LINE_API_BASE_URL: emu.url } });
  worker = startWorker(t.deps, jobDefinitions(), { workerId: 'gbp-test', autoStart: false });
});
afterAll(async () => {
  await worker.stop();
  await t.close();
  await emu.close();
});

const gbp = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${emu.url}/gbp${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return r.json() as Promise<any>;
};

/** The admin's browser: the connect URL → the consent page → 允許 → back to Careline's callback. */
async function connect(c: TestClinic, decision: 'allow' | 'deny' = 'allow'): Promise<string> {
  const api = as(t.app, c.admin);
  const start = await api.post('/api/google/connect');
  expect(start.statusCode).toBe(200);
  const consent = await fetch(start.json().url);
  const html = await consent.text();
  expect(html).toContain('想要存取你的 Google 帳戶');
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields.set(m[1], m[2].replaceAll('&amp;', '&'));
  fields.set('decision', decision);
  const back = await fetch(`${emu.url}/gbp/o/oauth2/v2/auth/decision`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
    redirect: 'manual',
  });
  const loc = new URL(back.headers.get('location')!);
  expect(loc.pathname).toBe('/api/google/oauth/callback');
  const cb = await t.app.inject({ method: 'GET', url: `${loc.pathname}${loc.search}` });
  expect(cb.statusCode).toBe(302);
  return cb.headers.location as string;
}

describe('Google Business Profile', () => {
  it('connect → location → reviews synced → a new review → reply reaches Google → refresh → revoked', async () => {
    await gbp('POST', '/control/reset');
    const c = await createTestClinic(t);
    const api = as(t.app, c.admin);
    expect((await api.get('/api/google/status')).json().status).toBe('not_connected');
    // the front desk may not connect
    const desk = as(t.app, await c.staff('front_desk'));
    expect((await desk.post('/api/google/connect')).statusCode).toBe(403);

    expect(await connect(c)).toBe('/satisfaction/reviews?google=connected');
    const st = (await api.get('/api/google/status')).json();
    expect(st).toMatchObject({ status: 'connected', locationTitle: '晴光牙醫診所', totalReviewCount: 6 });
    expect(st.reviewLink).toBe('https://search.google.com/local/writereview?placeid=ChIJemulatorClinic0001');
    // tokens are stored encrypted, never in clear
    const row = await t.deps.db
      .selectFrom('google_connections')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .executeTakeFirstOrThrow();
    expect(row.refresh_token_enc).toMatch(/^v1:/);
    expect(row.access_token_enc).toMatch(/^v1:/);

    let list = (await api.get('/api/google/reviews')).json();
    expect(list.items).toHaveLength(6);
    expect(list.trend.length).toBeGreaterThanOrEqual(5);

    const added = await gbp('POST', '/control/reviews', { starRating: 2, comment: '等太久了', reviewerName: '李小姐' });
    expect(added.starRating).toBe('TWO');
    expect((await desk.post('/api/google/sync')).json()).toMatchObject({ fetched: 7, added: 1 });
    list = (await api.get('/api/google/reviews?unreplied=true')).json();
    const mine = list.items.find((r: { comment: string }) => r.comment === '等太久了');
    expect(mine).toMatchObject({ starRating: 2, reviewerName: '李小姐', reply: null, isNew: true });
    // the location's history from the first sync is not 「新」
    expect(list.items.filter((r: { isNew: boolean }) => r.isNew)).toHaveLength(1);

    // a reply from the front desk reaches Google and is audited
    const tooLong = await desk.put(`/api/google/reviews/${mine.id}/reply`, { comment: '謝'.repeat(4001) });
    expect(tooLong.statusCode).toBe(422);
    const replied = await desk.put(`/api/google/reviews/${mine.id}/reply`, {
      comment: '很抱歉讓您久候，我們已調整預約間隔。',
    });
    expect(replied.statusCode).toBe(200);
    expect(replied.json().reply).toBe('很抱歉讓您久候，我們已調整預約間隔。');
    const onGoogle = (await gbp('GET', '/control/state')).reviews.find(
      (r: { reviewId: string }) => r.reviewId === added.reviewId,
    );
    expect(onGoogle.reviewReply.comment).toBe('很抱歉讓您久候，我們已調整預約間隔。');
    const audit = (await api.get('/api/audit?action=google.review_replied')).json();
    expect(audit.items).toHaveLength(1);
    // a viewer reads but does not reply
    const viewer = as(t.app, await c.staff('viewer'));
    expect((await viewer.get('/api/google/reviews')).statusCode).toBe(200);
    expect((await viewer.put(`/api/google/reviews/${mine.id}/reply`, { comment: '好' })).statusCode).toBe(403);

    // an expired access token is refreshed without anyone noticing
    await gbp('POST', '/control/expire-access-tokens');
    expect((await api.post('/api/google/sync')).statusCode).toBe(200);

    // the owner removes Careline's access on Google's side: a clear state, never a 500
    await gbp('POST', '/control/revoke-all');
    await gbp('POST', '/control/expire-access-tokens');
    const sync = await api.post('/api/google/sync');
    expect(sync.statusCode).toBe(409);
    expect(sync.json().error.code).toBe('GOOGLE_RECONNECT_REQUIRED');
    expect(sync.json().error.message).toContain('重新連結');
    const rep = await desk.put(`/api/google/reviews/${mine.id}/reply`, { comment: '再試一次' });
    expect(rep.statusCode).toBe(409);
    expect((await api.get('/api/google/status')).json().status).toBe('revoked');
    const page = (await api.get('/api/google/reviews')).json();
    expect(page.connection.status).toBe('revoked');
    expect(page.items.length).toBe(7);

    // connecting again repairs it
    expect(await connect(c)).toBe('/satisfaction/reviews?google=connected');
    expect((await api.get('/api/google/status')).json().status).toBe('connected');
  });

  it('the hourly job syncs, stops for a revoked grant; a denied consent or forged state change nothing', async () => {
    await gbp('POST', '/control/reset');
    const c = await createTestClinic(t);
    const api = as(t.app, c.admin);
    expect(await connect(c, 'deny')).toBe('/satisfaction/reviews?google=denied');
    expect((await api.get('/api/google/status')).json().status).toBe('not_connected');
    const forged = await t.app.inject({ method: 'GET', url: '/api/google/oauth/callback?code=x&state=not-sealed' });
    expect(forged.headers.location).toBe('/satisfaction/reviews?google=invalid_state');

    await connect(c);
    await gbp('POST', '/control/reviews', { starRating: 5, comment: '很棒' });
    t.clock.advance(61 * 60_000);
    await worker.runOnce();
    const list = (await api.get('/api/google/reviews')).json();
    expect(list.items.some((r: { comment: string }) => r.comment === '很棒')).toBe(true);
    const next = await t.deps.db
      .selectFrom('jobs')
      .select(['run_at', 'status'])
      .where('clinic_id', '=', c.clinicId)
      .where('type', '=', 'google_reviews.sync')
      .where('status', '=', 'pending')
      .execute();
    expect(next).toHaveLength(1);

    await gbp('POST', '/control/revoke-all');
    await gbp('POST', '/control/expire-access-tokens');
    t.clock.advance(61 * 60_000);
    await worker.runOnce();
    expect((await api.get('/api/google/status')).json().status).toBe('revoked');
    const pending = await t.deps.db
      .selectFrom('jobs')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('type', '=', 'google_reviews.sync')
      .where('status', '=', 'pending')
      .execute();
    expect(pending).toHaveLength(0);
    // disconnecting is clean
    expect((await api.delete('/api/google/connection')).statusCode).toBe(204);
    expect((await api.get('/api/google/status')).json().status).toBe('not_connected');
  });

  it('another clinic sees and changes nothing', async () => {
    await gbp('POST', '/control/reset');
    const c = await createTestClinic(t);
    await connect(c);
    const review = (await as(t.app, c.admin).get('/api/google/reviews')).json().items[0];
    const other = await createTestClinic(t);
    const them = as(t.app, other.admin);
    expect((await them.get('/api/google/status')).json().status).toBe('not_connected');
    expect((await them.get('/api/google/reviews')).json().items).toHaveLength(0);
    const r = await them.put(`/api/google/reviews/${review.id}/reply`, { comment: '不是我們的' });
    expect(r.statusCode).toBe(409);
    expect((await gbp('GET', '/control/state')).reviews.every((x: { reviewReply?: unknown }) => !x.reviewReply)).toBe(
      true,
    );
    await connect(other);
    const r2 = await them.put(`/api/google/reviews/${review.id}/reply`, { comment: '不是我們的' });
    expect(r2.statusCode).toBe(404);
  });
});
