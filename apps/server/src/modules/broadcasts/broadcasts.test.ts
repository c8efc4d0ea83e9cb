// 群發: the estimate (LINE, SMS, skipped and why, cost), sending in chunks of at most 500 with a
// retry key each (a chunk LINE accepted but whose answer was lost is sent once), cancel and stop,
// schedules in the past and in quiet hours, the monthly cap mid-send (paused, nothing twice),
// images over LINE's size, roles, another clinic, and taps counted once.
import { HTTPFetchError } from '@line/bot-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobDefinitions } from '../../jobs.ts';
import { startWorker, type Worker } from '../../platform/jobs.ts';
import type { LineChannelClient, LineGateway } from '../../platform/line.ts';
import { fakeLine, fakeSms } from '../../testing/fakes.ts';
import {
  as,
  bindForTest,
  createTestApp,
  createTestClinic,
  type TestApp,
  type TestClinic,
} from '../../testing/helpers.ts';

// 10:00 in Taipei: outside the default quiet hours (21:00–08:00).
const START = '2026-06-10T02:00:00.000Z';

/** LINE as the tests need it: records multicasts; `lostAnswers` accepts and then answers 500 once per key. */
function lineGateway() {
  const base = fakeLine();
  const accepted = new Map<string, string[]>();
  const state = { lostAnswers: false, calls: [] as { to: string[]; key: string; status: number }[] };
  const clients = new Map<string, LineChannelClient>();
  const gw: LineGateway = {
    async forClinic(clinicId) {
      let c = clients.get(clinicId);
      if (!c) {
        const inner = (await base.forClinic(clinicId))!;
        c = {
          ...inner,
          async multicast(to, _messages, key) {
            if (accepted.has(key)) {
              state.calls.push({ to, key, status: 409 });
              throw new HTTPFetchError('409 - Conflict', {
                status: 409,
                statusText: 'Conflict',
                headers: new Headers(),
                body: JSON.stringify({ message: 'The retry key is already accepted' }),
              });
            }
            accepted.set(key, to);
            if (state.lostAnswers) {
              state.calls.push({ to, key, status: 500 });
              throw new HTTPFetchError('500 - Internal Server Error', {
                status: 500,
                statusText: 'Internal Server Error',
                headers: new Headers(),
                body: '{"message":"Internal error"}',
              });
            }
            state.calls.push({ to, key, status: 200 });
            return { requestId: null };
          },
        };
        clients.set(clinicId, c);
      }
      return c;
    },
  };
  return { gw, base, accepted, state };
}

let t: TestApp;
let line: ReturnType<typeof lineGateway>;
let worker: Worker;
beforeAll(async () => {
  line = lineGateway();
  t = await createTestApp({ start: START, line: line.gw, sms: fakeSms() });
  worker = startWorker(t.deps, jobDefinitions(), { workerId: 'bc-test', autoStart: false });
});
afterAll(async () => {
  await worker.stop();
  await t.close();
});

/** Runs due jobs until none of the clinic's is left, moving the clock past retry back-offs. */
async function drain(clinicId: string, w: Worker = worker, rounds = 40) {
  for (let i = 0; i < rounds; i++) {
    if ((await w.runOnce()) > 0) continue;
    const waiting = await t.deps.db
      .selectFrom('jobs')
      .select('id')
      .where('status', 'in', ['pending', 'running'])
      .where('type', 'like', 'broadcast.%')
      .where('clinic_id', '=', clinicId)
      .execute();
    if (!waiting.length) return;
    t.clock.advance(10 * 60_000);
  }
}

const iso = () => t.clock.now().toISOString();
const uid = (prefix: string, i: number) => `U${prefix}${String(i).padStart(31 - prefix.length, '0')}`.slice(0, 33);

async function friend(clinicId: string, lineUserId: string, state: 'friend' | 'blocked' = 'friend', name = '好友') {
  await t.deps.db
    .insertInto('line_friends')
    .values({
      clinic_id: clinicId,
      line_user_id: lineUserId,
      display_name: name,
      picture_url: null,
      state,
      followed_at: iso(),
      blocked_at: state === 'blocked' ? iso() : null,
      unblocked_at: null,
      last_event_at: iso(),
      created_at: iso(),
      updated_at: iso(),
    })
    .execute();
}

async function friends(clinicId: string, prefix: string, count: number) {
  const rows = Array.from({ length: count }, (_, i) => ({
    clinic_id: clinicId,
    line_user_id: uid(prefix, i),
    display_name: `好友${i}`,
    picture_url: null,
    state: 'friend',
    followed_at: iso(),
    blocked_at: null,
    unblocked_at: null,
    last_event_at: iso(),
    created_at: iso(),
    updated_at: iso(),
  }));
  for (let i = 0; i < rows.length; i += 500)
    await t.deps.db
      .insertInto('line_friends')
      .values(rows.slice(i, i + 500))
      .execute();
}

/** Seven patients in a tag: LINE, a family LINE shared, blocked with a mobile, a mobile, a landline, merged. */
async function seedAudience(c: TestClinic) {
  const api = as(t.app, c.admin);
  const his = c.his(await c.apiKey());
  const phones: Record<string, string> = {
    P1: '0912-000-001',
    P2: '0912-000-002',
    P3: '0912-000-003',
    P4: '0912-000-004',
    P5: '0912-000-005',
    P6: '02-2345-6789',
    P7: '0912-000-007',
  };
  for (const [h, phone] of Object.entries(phones))
    expect((await his.put(`/his/v1/patients/${h}`, { name: `病患${h}`, phone })).statusCode).toBeLessThan(300);
  const ids: Record<string, string> = {};
  const u = (s: string) => `U${c.clinicId.slice(0, 8)}${s.padStart(24, '0')}`;
  await friend(c.clinicId, u('1'), 'friend', '病患一');
  await friend(c.clinicId, u('2'), 'friend', '病患二');
  await friend(c.clinicId, u('4'), 'blocked', '病患四');
  await friend(c.clinicId, u('7'), 'friend', '病患七');
  ids.P1 = await bindForTest(t, c.clinicId, 'P1', u('1'));
  ids.P2 = await bindForTest(t, c.clinicId, 'P2', u('2'));
  ids.P3 = await bindForTest(t, c.clinicId, 'P3', u('2'));
  ids.P4 = await bindForTest(t, c.clinicId, 'P4', u('4'));
  ids.P7 = await bindForTest(t, c.clinicId, 'P7', u('7'));
  for (const h of ['P5', 'P6']) {
    const p = await t.deps.db
      .selectFrom('patients')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', h)
      .executeTakeFirstOrThrow();
    ids[h] = p.id;
  }
  const tag = (await api.post('/api/tags', { name: '群發測試' })).json();
  expect((await api.post('/api/patients/tags', { patientIds: Object.values(ids), tagIds: [tag.id] })).statusCode).toBe(
    200,
  );
  // P7 is merged into P6 (the merge moves P7's LINE to P6).
  const m = await api.post('/api/patients/merges', { survivorId: ids.P6, mergedId: ids.P7 });
  expect(m.statusCode).toBe(201);
  return { tagId: tag.id as string, ids, u };
}

const text = (s: string) => ({ type: 'text', text: s });

async function draft(c: TestClinic, audience: unknown, messages: unknown[] = [text('六月份洗牙優惠')], extra = {}) {
  const r = await as(t.app, c.admin).post('/api/broadcasts', { title: '六月通知', audience, messages, ...extra });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string };
}

describe('estimate', () => {
  it('counts LINE, SMS and the skipped with their reasons, and the cost with its formula', async () => {
    const c = await createTestClinic(t);
    const api = as(t.app, c.admin);
    const { tagId } = await seedAudience(c);
    await api.put('/api/reminders/prices', { smsPoint: 0.9, pnpMessage: null });

    const noSms = (await api.post('/api/broadcasts/estimate', { audience: { kind: 'tag', id: tagId } })).json();
    // P1, P2 and P6 (P7's LINE moved to P6 by the merge) on LINE; P3 shares P2's LINE; P4 blocked;
    // P5 has no LINE (SMS not asked for); P7 was merged away.
    expect(noSms).toMatchObject({
      total: 7,
      line: 3,
      sms: 0,
      lineMessages: 3,
      skipped: { blocked: 1, duplicate: 1, noChannel: 1, merged: 1, total: 4 },
    });

    const withSms = (
      await api.post('/api/broadcasts/estimate', {
        audience: { kind: 'tag', id: tagId },
        messages: [text('a'), text('b')],
        smsFallback: true,
        smsText: '六月份洗牙優惠，詳情請洽診所',
      })
    ).json();
    // P4 (blocked, mobile) and P5 (no LINE, mobile) by SMS.
    expect(withSms).toMatchObject({ line: 3, sms: 2, smsSegments: 1, smsPoints: 2, messageBubbles: 2 });
    expect(withSms.skipped.blocked).toBe(0);
    expect(withSms.costNtd).toEqual({ line: 0, sms: 1.8, total: 1.8 });
    expect(withSms.formula.join('\n')).toContain('2 位 × 1 則');
    expect(withSms.formula.join('\n')).toContain('NT$1.8');
  });

  it('refuses an audience of zero with a zh-TW message', async () => {
    const c = await createTestClinic(t);
    const api = as(t.app, c.admin);
    const seg = (await api.post('/api/segments', { name: '沒有人', conditions: { name: '不存在的名字' } })).json();
    const r = await api.post('/api/broadcasts/estimate', { audience: { kind: 'segment', id: seg.id } });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.code).toBe('AUDIENCE_EMPTY');
    expect(r.json().error.message).toContain('沒有任何病患');
    const none = await api.post('/api/broadcasts/estimate', { audience: { kind: 'all_friends' } });
    expect(none.statusCode).toBe(422);
  });
});

describe('sending', () => {
  it('sends to every friend in chunks of at most 500, each with its own retry key, logged as 群發', async () => {
    const c = await createTestClinic(t);
    const api = as(t.app, c.admin);
    await friends(c.clinicId, 'a', 1203);
    const b = await draft(c, { kind: 'all_friends' });
    const before = line.state.calls.length;
    const s = await api.post(`/api/broadcasts/${b.id}/send`, { sendAt: null });
    expect(s.statusCode, s.body).toBe(200);
    expect(s.json().state).toBe('scheduled');
    await drain(c.clinicId);
    const calls = line.state.calls.slice(before);
    expect(calls.map((x) => x.to.length).sort((x, y) => x - y)).toEqual([203, 500, 500]);
    expect(new Set(calls.map((x) => x.key)).size).toBe(3);
    expect(new Set(calls.flatMap((x) => x.to)).size).toBe(1203);
    const d = (await api.get(`/api/broadcasts/${b.id}`)).json();
    expect(d).toMatchObject({ state: 'done', progress: 100, chunks: { sent: 3 } });
    expect(d.counts).toMatchObject({ line: 1203, sent: 1203, delivered: 1203, pending: 0 });
    const quota = (await api.get('/api/reminders/quota')).json();
    expect(quota.byPurpose.find((p: { purpose: string }) => p.purpose === 'broadcast').pushes).toBe(1203);
    const page = (await api.get(`/api/broadcasts/${b.id}/recipients?status=sent&pageSize=5`)).json();
    expect(page.items).toHaveLength(5);
    expect(page.items[0]).toMatchObject({ channel: 'line', statusLabel: '已送出', lineName: '好友0' });
  });

  it('sends a chunk once when LINE accepted it but the answer was lost (5xx, then 409 for the same key)', async () => {
    const c = await createTestClinic(t);
    await friends(c.clinicId, 'b', 600);
    const b = await draft(c, { kind: 'all_friends' });
    const before = line.state.calls.length;
    line.state.lostAnswers = true;
    try {
      await as(t.app, c.admin).post(`/api/broadcasts/${b.id}/send`, { sendAt: null });
      await drain(c.clinicId);
    } finally {
      line.state.lostAnswers = false;
    }
    const calls = line.state.calls.slice(before);
    expect(calls.filter((x) => x.status === 500)).toHaveLength(2);
    expect(calls.filter((x) => x.status === 409)).toHaveLength(2);
    const keys = new Set(calls.map((x) => x.key));
    expect(keys.size).toBe(2);
    const accepted = [...keys].flatMap((k) => line.accepted.get(k)!);
    expect(accepted).toHaveLength(600);
    expect(new Set(accepted).size).toBe(600);
    const d = (await as(t.app, c.admin).get(`/api/broadcasts/${b.id}`)).json();
    expect(d.state).toBe('done');
    expect(d.counts.sent).toBe(600);
    const logged = await t.deps.db
      .selectFrom('line_messages')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('source', '=', 'broadcast')
      .execute();
    expect(logged).toHaveLength(600);
  });

  it('cancels a scheduled broadcast, and stops one mid-send keeping what was sent', async () => {
    const c = await createTestClinic(t);
    const api = as(t.app, c.admin);
    await friends(c.clinicId, 'c', 1100);
    const later = await draft(c, { kind: 'all_friends' });
    const at = new Date(t.clock.now().getTime() + 3 * 3_600_000).toISOString();
    expect((await api.post(`/api/broadcasts/${later.id}/send`, { sendAt: at })).json().state).toBe('scheduled');
    const cancelled = await api.post(`/api/broadcasts/${later.id}/cancel`);
    expect(cancelled.json().state).toBe('cancelled');
    expect((await api.post(`/api/broadcasts/${later.id}/cancel`)).statusCode).toBe(409);

    const before = line.state.calls.length;
    const one = startWorker(t.deps, jobDefinitions(), { workerId: 'bc-one', autoStart: false, batch: 1 });
    const b = await draft(c, { kind: 'all_friends' });
    await api.post(`/api/broadcasts/${b.id}/send`, { sendAt: null });
    await one.runOnce(); // broadcast.start
    await one.runOnce(); // the first chunk
    const stop = (await api.post(`/api/broadcasts/${b.id}/cancel`)).json();
    expect(stop.state).toBe('cancelled');
    await drain(c.clinicId, one);
    t.clock.advance(4 * 3_600_000);
    await drain(c.clinicId, one);
    await one.stop();
    const sentTo = line.state.calls.slice(before).flatMap((x) => x.to);
    expect(sentTo).toHaveLength(500);
    const d = (await api.get(`/api/broadcasts/${b.id}`)).json();
    expect(d.counts).toMatchObject({ sent: 500, cancelled: 600, pending: 0 });
    expect((await api.get(`/api/broadcasts/${later.id}`)).json().counts.total).toBe(0);
  });

  it('refuses a time in the past and moves one inside quiet hours to their end', async () => {
    const c = await createTestClinic(t);
    const api = as(t.app, c.admin);
    await friends(c.clinicId, 'd', 3);
    const b = await draft(c, { kind: 'all_friends' });
    const past = await api.post(`/api/broadcasts/${b.id}/send`, { sendAt: '2026-06-09T02:00:00.000Z' });
    expect(past.statusCode).toBe(422);
    expect(past.json().error.code).toBe('SEND_AT_PAST');
    expect(past.json().error.message).toContain('已經過了');
    // 22:30 Taipei → 08:00 the next morning.
    const late = await api.post(`/api/broadcasts/${b.id}/send`, { sendAt: '2026-06-10T22:30:00+08:00' });
    expect(late.statusCode).toBe(200);
    expect(late.json()).toMatchObject({ movedForQuietHours: true, sendAt: '2026-06-11T00:00:00.000Z' });
  });

  it('pauses at the monthly cap mid-send, sends nothing twice, and resumes when the cap allows', async () => {
    const c = await createTestClinic(t);
    const api = as(t.app, c.admin);
    await friends(c.clinicId, 'e', 1203);
    const rules = (await api.get('/api/reminders/rules')).json();
    expect((await api.put('/api/reminders/rules', { ...rules, monthlyCap: 700 })).statusCode).toBe(200);
    const b = await draft(c, { kind: 'all_friends' });
    const est = (await api.post('/api/broadcasts/estimate', { audience: { kind: 'all_friends' } })).json();
    expect(est.quota).toMatchObject({ capLeft: 700, heldByCap: 503 });
    const before = line.state.calls.length;
    await api.post(`/api/broadcasts/${b.id}/send`, { sendAt: null });
    await drain(c.clinicId);
    let d = (await api.get(`/api/broadcasts/${b.id}`)).json();
    expect(d.state).toBe('paused');
    expect(d.pausedReason).toContain('非必要訊息上限');
    expect(d.counts).toMatchObject({ sent: 700, pending: 503 });
    expect(line.state.calls.slice(before).flatMap((x) => x.to)).toHaveLength(700);

    const refused = await api.post(`/api/broadcasts/${b.id}/resume`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('OVER_CAP');

    expect((await api.put('/api/reminders/rules', { ...rules, monthlyCap: 5000 })).statusCode).toBe(200);
    expect((await api.post(`/api/broadcasts/${b.id}/resume`)).json().state).toBe('sending');
    await drain(c.clinicId);
    d = (await api.get(`/api/broadcasts/${b.id}`)).json();
    expect(d.state, JSON.stringify(d)).toBe('done');
    expect(d.counts).toMatchObject({ sent: 1203, pending: 0 });
    const all = line.state.calls.slice(before).flatMap((x) => x.to);
    expect(all).toHaveLength(1203);
    expect(new Set(all).size).toBe(1203);
  });
});

describe('images, roles, clinics, taps', () => {
  it('refuses an image over LINE’s 10 MB (413) and a GIF (415)', async () => {
    const c = await createTestClinic(t);
    const big = Buffer.alloc(10 * 1024 * 1024 + 10, 0);
    Buffer.from('ffd8ffe000104a464946', 'hex').copy(big);
    const up = (body: Buffer, type: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/broadcasts/uploads',
        headers: { cookie: c.admin.cookie, 'x-csrf-token': c.admin.csrf, 'content-type': type },
        payload: body,
      });
    expect((await up(big, 'image/jpeg')).statusCode).toBe(413);
    expect((await up(Buffer.from('GIF89a0000'), 'image/gif')).statusCode).toBe(415);
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64)]);
    const ok = await up(png, 'image/png');
    expect(ok.statusCode, ok.body).toBe(200);
    await friends(c.clinicId, 'f', 1);
    await draft(c, { kind: 'all_friends' }, [{ type: 'image', imageId: ok.json().id }]);
    const bad = await as(t.app, c.admin).post('/api/broadcasts', {
      title: 'x',
      audience: { kind: 'all_friends' },
      messages: [{ type: 'image', imageId: 'nope' }],
    });
    expect(bad.statusCode).toBe(422);
  });

  it('lets the front desk draft and test but not send; another clinic sees and changes nothing', async () => {
    const c = await createTestClinic(t);
    const other = await createTestClinic(t);
    await friends(c.clinicId, 'g', 2);
    await friend(c.clinicId, 'Ugstaff00000000000000000000000000', 'friend', '櫃台小美');
    const desk = as(t.app, await c.staff('front_desk'));
    const d = await desk.post('/api/broadcasts', {
      title: '櫃台草稿',
      audience: { kind: 'all_friends' },
      messages: [text('hi')],
    });
    expect(d.statusCode).toBe(201);
    const id = d.json().id;
    expect((await desk.post(`/api/broadcasts/${id}/send`, { sendAt: null })).statusCode).toBe(403);
    const found = (await desk.get('/api/broadcasts/test-recipients?q=' + encodeURIComponent('小美'))).json();
    expect(found.items.map((f: { displayName: string }) => f.displayName)).toEqual(['櫃台小美']);
    const pushesBefore = line.base.calls.filter((x) => x.method === 'push').length;
    const test = await desk.post(`/api/broadcasts/${id}/test`, { lineUserId: found.items[0].lineUserId });
    expect(test.statusCode, test.body).toBe(200);
    await drain(c.clinicId);
    expect(line.base.calls.filter((x) => x.method === 'push').length).toBe(pushesBefore + 1);
    expect((await desk.post(`/api/broadcasts/${id}/test`, { lineUserId: 'Unobody' })).statusCode).toBe(422);

    const o = as(t.app, other.admin);
    expect((await o.get(`/api/broadcasts/${id}`)).statusCode).toBe(404);
    expect((await o.post(`/api/broadcasts/${id}/send`, { sendAt: null })).statusCode).toBe(404);
    expect((await o.post(`/api/broadcasts/${id}/cancel`)).statusCode).toBe(404);
    expect(
      (await o.put(`/api/broadcasts/${id}`, { title: 'x', audience: { kind: 'all_friends' }, messages: [text('x')] }))
        .statusCode,
    ).toBe(404);
    expect((await o.get(`/api/broadcasts/${id}/recipients`)).statusCode).toBe(404);
    expect((await o.get('/api/broadcasts')).json().items).toEqual([]);
    const tag = (await as(t.app, c.admin).post('/api/tags', { name: '別家' })).json();
    expect((await o.post('/api/broadcasts/estimate', { audience: { kind: 'tag', id: tag.id } })).statusCode).toBe(404);
    expect((await as(t.app, c.admin).get(`/api/broadcasts/${id}`)).json().state).toBe('draft');
  });

  it('sends links through the redirect and counts a tap once per phone', async () => {
    const c = await createTestClinic(t);
    const api = as(t.app, c.admin);
    await friends(c.clinicId, 'h', 2);
    const article = (await api.get('/api/care/articles')).json().items[0];
    const b = await draft(c, { kind: 'all_friends' }, [
      text('六月優惠 https://example.com/promo?x=1 歡迎預約'),
      { type: 'article', articleId: article.id },
    ]);
    const before = line.base.calls.length;
    await api.post(`/api/broadcasts/${b.id}/send`, { sendAt: null });
    await drain(c.clinicId);
    const d = (await api.get(`/api/broadcasts/${b.id}`)).json();
    expect(d.state).toBe('done');
    expect(d.links).toHaveLength(2);
    expect(d.links[0].url).toBe('https://example.com/promo?x=1');
    // The article's Flex card goes out with its 「閱讀全文」 through the redirect too.
    expect(d.links[1].url).toBe(article.linkUrl ?? article.publicUrl);
    const sent = JSON.parse(
      (
        await t.deps.db
          .selectFrom('broadcasts')
          .select('line_messages')
          .where('id', '=', b.id)
          .executeTakeFirstOrThrow()
      ).line_messages!,
    );
    expect(sent[1].type).toBe('flex');
    expect(JSON.stringify(sent[1])).toContain(`/r/${d.links[1].token}`);
    const draftArticle = (
      await api.post('/api/care/articles', {
        title: '草稿',
        category: '術後照護',
        tags: [],
        body: '內文',
        linkUrl: null,
        coverId: null,
        status: 'draft',
      })
    ).json();
    const refused = await api.post('/api/broadcasts', {
      title: 'x',
      audience: { kind: 'all_friends' },
      messages: [{ type: 'article', articleId: draftArticle.id }],
    });
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json().error.details[0].message).toContain('尚未發布');
    // An article a draft would send cannot be unpublished meanwhile.
    await draft(c, { kind: 'all_friends' }, [{ type: 'article', articleId: article.id }]);
    const unpublish = await api.post(`/api/care/articles/${article.id}/unpublish`);
    expect(unpublish.statusCode).toBe(409);
    expect(unpublish.json().error.message).toContain('群發「六月通知」');
    const row = await t.deps.db
      .selectFrom('broadcasts')
      .select('line_messages')
      .where('id', '=', b.id)
      .executeTakeFirstOrThrow();
    expect(row.line_messages).toContain(`http://careline.test/r/${d.links[0].token}`);
    expect(line.base.calls.slice(before).filter((x) => x.method === 'push')).toEqual([]);

    const tap = (cookie?: string) =>
      t.app.inject({ method: 'GET', url: `/r/${d.links[0].token}`, headers: cookie ? { cookie } : {} });
    const first = await tap();
    expect(first.statusCode).toBe(302);
    expect(first.headers.location).toBe('https://example.com/promo?x=1');
    const cookie = String(first.headers['set-cookie']).split(';')[0];
    await tap(cookie);
    await tap(cookie);
    let after = (await api.get(`/api/broadcasts/${b.id}`)).json();
    expect(after.counts.clicked).toBe(1);
    await tap();
    after = (await api.get(`/api/broadcasts/${b.id}`)).json();
    expect(after.counts.clicked).toBe(2);
    expect(after.links[0].clicks).toBe(2);
    expect((await t.app.inject({ method: 'GET', url: '/r/unknown-token' })).statusCode).toBe(404);
  });
});
