// 看診進度 end to end with the LINE emulator: the HIS checks a bound patient in with a number and
// calls numbers (POST /his/v1/queue-events) → 「前面還有 N 位」 at the clinic's threshold and
// 「請準備進診間」 when next, at most those two per visit, each with its retry key; a resent
// event id answers the first result and sends nothing; events out of order never move the queue
// back; a late replay informs the page but not the phone; bad input gets the HIS API's error
// shape; the back office's day view and the patient's live page; another clinic sees and moves
// nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as } from '../../testing/helpers.ts';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { liffSteps, phone } from '../../testing/liff.ts';
import { queueWaitStats } from './service.ts';

let b: LineTestbed;
let s: ReturnType<typeof liffSteps>;

beforeAll(async () => {
  b = await createLineTestbed();
  s = liffSteps(b);
});
afterAll(async () => b.close());

// Wednesday 2026-06-10 09:00 Taipei.
const T0 = Date.parse('2026-06-10T01:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

type Msg = { retryKey?: string | null; message: { type: string; altText?: string } };
const notices = async (channelId: string, u: string) =>
  ((await s.sent(channelId, u)) as Msg[]).filter((m) => m.message.altText?.includes(' 號）'));

let seq = 0;
const eid = () => `E${Date.now()}-${seq++}`;

async function setup(opts: { nearThreshold?: number; bind?: boolean } = {}) {
  b.t.clock.set(new Date(T0));
  const c = await s.clinic();
  const p = phone();
  expect((await c.his.put('/his/v1/patients/P1', { name: '陳小明', phone: p })).statusCode).toBeLessThan(300);
  const bound = opts.bind === false ? null : await s.bindUser(c, p, '陳先生');
  const admin = as(b.t.app, c.admin);
  if (opts.nearThreshold !== undefined) {
    const r = await admin.put('/api/queue/settings', { enabled: true, nearThreshold: opts.nearThreshold });
    expect(r.statusCode, r.body).toBe(200);
  }
  const book = async (hisId: string, patientId = 'P1') => {
    const r = await c.his.put(`/his/v1/appointments/${hisId}`, {
      patientId,
      doctorId: 'D1',
      startsAt: at(30),
      status: 'booked',
      version: 1,
    });
    expect(r.statusCode, r.body).toBeLessThan(300);
  };
  const post = async (body: Record<string, unknown>) => {
    const r = await c.his.post('/his/v1/queue-events', { eventId: eid(), doctorId: 'D1', session: 'morning', ...body });
    await b.drain();
    return { status: r.statusCode, body: r.json() };
  };
  const checkIn = (appointmentId: string, queueNumber: number, minute: number, extra = {}) =>
    post({ type: 'check_in', occurredAt: at(minute), appointmentId, queueNumber, ...extra });
  const call = (calledNumber: number, minute: number, extra = {}) =>
    post({ type: 'call', occurredAt: at(minute), calledNumber, ...extra });
  return { c, u: bound?.u ?? null, api: bound?.api ?? null, admin, book, post, checkIn, call };
}

describe('queue notices', () => {
  it('「前面還有 3 位」 at the threshold and 「請準備進診間」 when next: two messages, each with its retry key', async () => {
    const { c, u, book, checkIn, call } = await setup();
    await book('A1');
    b.t.clock.set(new Date(T0 + 10 * 60_000));
    const r = await checkIn('A1', 15, 1, { room: '2 診' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ result: 'applied', duplicate: false, noticesQueued: 0 });
    expect(r.body.queue).toMatchObject({ doctorId: 'D1', date: '2026-06-10', session: 'morning', room: '2 診' });

    for (const [n, minute] of [
      [10, 2],
      [11, 3],
    ])
      expect((await call(n, minute)).body.noticesQueued).toBe(0);
    expect(await notices(c.channelId, u!)).toHaveLength(0);

    const near = await call(12, 4);
    expect(near.body).toMatchObject({ result: 'applied', noticesQueued: 1, queue: { calledNumber: 12 } });
    let got = await notices(c.channelId, u!);
    expect(got.map((m) => m.message.altText)).toEqual(['陳小明（15 號）前面還有 3 位']);
    expect((await call(13, 5)).body.noticesQueued).toBe(0);
    const next = await call(14, 6);
    expect(next.body.noticesQueued).toBe(1);
    for (const [n, minute] of [
      [15, 7],
      [16, 8],
    ])
      expect((await call(n, minute)).body.noticesQueued).toBe(0);
    got = await notices(c.channelId, u!);
    expect(got.map((m) => m.message.altText)).toEqual([
      '陳小明（15 號）前面還有 3 位',
      '陳小明（15 號）請準備進診間，下一位就是您',
    ]);
    // Each push carried a retry key, different per notice.
    expect(got.every((m) => typeof m.retryKey === 'string' && m.retryKey.length === 36)).toBe(true);
    expect(new Set(got.map((m) => m.retryKey)).size).toBe(2);
    // The Flex bubble links to the live page.
    expect(JSON.stringify(got[0].message)).toContain('/queue');
  });

  it('a resent event id answers the first result and sends nothing; another body under it is 409', async () => {
    const { c, u, book, checkIn } = await setup();
    await book('A1');
    await checkIn('A1', 5, 1);
    const body = {
      eventId: 'CALL-4',
      type: 'call',
      occurredAt: at(2),
      doctorId: 'D1',
      session: 'morning',
      calledNumber: 4,
    };
    const first = await c.his.post('/his/v1/queue-events', body);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().noticesQueued).toBe(1);
    await b.drain();
    // The same event again, its fields in another order: the first answer, nothing sent.
    const again = await c.his.post('/his/v1/queue-events', {
      calledNumber: 4,
      session: 'morning',
      doctorId: 'D1',
      occurredAt: at(2),
      type: 'call',
      eventId: 'CALL-4',
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ result: 'applied', duplicate: true, noticesQueued: 0 });
    await b.drain();
    expect(await notices(c.channelId, u!)).toHaveLength(1);
    const reused = await c.his.post('/his/v1/queue-events', { ...body, calledNumber: 5 });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe('EVENT_ID_REUSED');
    expect(reused.json().error.message).toContain('CALL-4');
    // Concurrent copies of one new event: one is processed.
    const copies = await Promise.all(
      Array.from({ length: 6 }, () =>
        c.his.post('/his/v1/queue-events', { ...body, eventId: 'CALL-5', occurredAt: at(3), calledNumber: 5 }),
      ),
    );
    expect(copies.map((x) => x.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
  });

  it('events out of order: an older call never moves the queue back, an older check-in never renumbers', async () => {
    const { c, u, book, checkIn, call } = await setup();
    await book('A1');
    b.t.clock.set(new Date(T0 + 15 * 60_000));
    expect((await call(8, 10)).body).toMatchObject({ result: 'applied', queue: { calledNumber: 8 } });
    const older = await call(6, 9);
    expect(older.status).toBe(201);
    expect(older.body).toMatchObject({ result: 'stale', queue: { calledNumber: 8, calledAt: at(10) } });
    // Same time, higher number: forward; same time, lower: stale.
    expect((await call(9, 10)).body).toMatchObject({ result: 'applied', queue: { calledNumber: 9 } });
    expect((await call(7, 10)).body).toMatchObject({ result: 'stale', queue: { calledNumber: 9 } });
    // A newer call of a lower number (a passed number called back) is the queue's news.
    expect((await call(5, 11)).body).toMatchObject({ result: 'applied', queue: { calledNumber: 5 } });
    expect((await call(10, 12)).body.queue.calledNumber).toBe(10);

    // Check-ins: the newer number stays; the older arrives later and is stale.
    expect((await checkIn('A1', 40, 14)).body.result).toBe('applied');
    expect((await checkIn('A1', 13, 13)).body.result).toBe('stale');
    // 40 - 10 = 30 ahead: nothing; an older call arriving late sends nothing either.
    expect((await call(38, 11)).body).toMatchObject({ result: 'stale', noticesQueued: 0 });
    expect(await notices(c.channelId, u!)).toHaveLength(0);
    const day = (await as(b.t.app, c.admin).get('/api/queue/day?date=2026-06-10')).json();
    expect(day.queues[0]).toMatchObject({ calledNumber: 10, waiting: 1 });
    expect(day.queues[0].visits[0]).toMatchObject({ queueNumber: 40, ahead: 30, state: 'waiting' });
  });

  it('a jump straight to next sends only 「請準備進診間」; a check-in near the front hears at once', async () => {
    const { c, u, book, checkIn, call } = await setup({ nearThreshold: 5 });
    await book('A1');
    await book('A2');
    await call(10, 1);
    // 15 - 10 = 5 ahead, within 5: 「前面還有 5 位」 at check-in.
    expect((await checkIn('A1', 15, 2)).body.noticesQueued).toBe(1);
    await checkIn('A2', 30, 3);
    // 15 was passed by the jump (called, nothing more); 30 is next: only 「請準備進診間」.
    expect((await call(29, 4)).body.noticesQueued).toBe(1);
    expect((await notices(c.channelId, u!)).map((m) => m.message.altText)).toEqual([
      '陳小明（15 號）前面還有 5 位',
      '陳小明（30 號）請準備進診間，下一位就是您',
    ]);
  });

  it('no notice: a late replay, the notices turned off, an unbound patient, a visit completed meanwhile', async () => {
    const { c, u, admin, book, checkIn, call } = await setup();
    await book('A1');
    await book('A2');
    // An event of 2 hours ago (the bridge replaying): the queue moves, the phone stays quiet.
    b.t.clock.set(new Date(T0 + 120 * 60_000));
    await checkIn('A1', 5, 0);
    expect((await call(4, 1)).body).toMatchObject({ result: 'applied', noticesQueued: 0, queue: { calledNumber: 4 } });
    expect(await notices(c.channelId, u!)).toHaveLength(0);

    // Turned off.
    expect((await admin.put('/api/queue/settings', { enabled: false, nearThreshold: 3 })).statusCode).toBe(200);
    await checkIn('A2', 8, 119);
    expect((await call(6, 119.5)).body.noticesQueued).toBe(0);
    expect((await admin.put('/api/queue/settings', { enabled: true, nearThreshold: 3 })).statusCode).toBe(200);
    // Completed meanwhile: nothing at 1 ahead.
    const done = await c.his.put('/his/v1/appointments/A2', {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt: at(30),
      status: 'completed',
      version: 2,
    });
    expect(done.statusCode).toBe(200);
    expect((await call(7, 119.8)).body.noticesQueued).toBe(0);
    expect(await notices(c.channelId, u!)).toHaveLength(0);

    // An unbound patient.
    const other = await setup({ bind: false });
    await other.book('B1');
    await other.checkIn('B1', 3, 0);
    expect((await other.call(2, 1)).body.noticesQueued).toBe(0);
    const day = (await as(b.t.app, other.c.admin).get('/api/queue/day')).json();
    expect(day.queues[0].visits[0]).toMatchObject({ lineBound: false, notices: [] });
  });

  it('racing calls send at most two notices to a visit', async () => {
    const { c, u, book, checkIn } = await setup();
    await book('A1');
    await checkIn('A1', 20, 1);
    const bodies = [15, 16, 17, 18, 19, 17, 18, 19].map((n, i) => ({
      eventId: `RACE-${i}`,
      type: 'call',
      occurredAt: at(2 + i / 10),
      doctorId: 'D1',
      session: 'morning',
      calledNumber: n,
    }));
    const rs = await Promise.all(bodies.map((x) => c.his.post('/his/v1/queue-events', x)));
    expect(rs.every((r) => r.statusCode === 201)).toBe(true);
    await b.drain();
    const kinds = (await notices(c.channelId, u!)).map((m) => m.message.altText);
    expect(kinds.length).toBeLessThanOrEqual(2);
    expect(kinds.filter((k) => k?.includes('請準備進診間')).length).toBeLessThanOrEqual(1);
    const rows = await b.t.deps.db
      .selectFrom('queue_notices')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .execute();
    expect(rows.length).toBe(kinds.length);
  });

  it('bad input: the HIS API error shape with zh-TW messages, nothing stored', async () => {
    const { c, book, post } = await setup();
    await book('A1');
    const bad = async (body: Record<string, unknown>, status: number, code: string, field?: string) => {
      const r = await post(body);
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(r.body.error.code).toBe(code);
      expect(r.body.error.message).toMatch(/[\u4e00-\u9fff]/);
      if (field) expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    };
    await bad({ type: 'check_in', occurredAt: at(1), appointmentId: 'A1' }, 422, 'VALIDATION_FAILED', 'queueNumber');
    await bad(
      { type: 'call', occurredAt: at(1), calledNumber: 3, appointmentId: 'A1' },
      422,
      'VALIDATION_FAILED',
      'appointmentId',
    );
    await bad({ type: 'call', occurredAt: at(1) }, 422, 'VALIDATION_FAILED', 'calledNumber');
    await bad({ type: 'call', occurredAt: at(1), calledNumber: '3' }, 422, 'VALIDATION_FAILED');
    await bad({ type: 'call', occurredAt: at(1), calledNumber: 0 }, 422, 'VALIDATION_FAILED');
    await bad({ type: 'call', occurredAt: '2026-06-10 09:00', calledNumber: 3 }, 422, 'VALIDATION_FAILED');
    await bad({ type: 'call', occurredAt: at(60), calledNumber: 3 }, 422, 'VALIDATION_FAILED', 'occurredAt');
    await bad({ type: 'call', occurredAt: at(1), calledNumber: 3, session: 'night' }, 422, 'VALIDATION_FAILED');
    await bad({ type: 'call', occurredAt: at(1), calledNumber: 3, extra: 1 }, 422, 'VALIDATION_FAILED');
    await bad(
      { type: 'call', occurredAt: at(1), calledNumber: 3, doctorId: 'D9' },
      422,
      'UNKNOWN_REFERENCE',
      'doctorId',
    );
    await bad({ type: 'check_in', occurredAt: at(1), appointmentId: 'NOPE', queueNumber: 2 }, 422, 'UNKNOWN_REFERENCE');
    const noKey = await b.t.app.inject({ method: 'POST', url: '/his/v1/queue-events', payload: {} });
    expect(noKey.statusCode).toBe(401);
    const stored = await b.t.deps.db
      .selectFrom('queue_events')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .execute();
    expect(stored).toHaveLength(0);
    const settings = async (body: unknown) => (await as(b.t.app, c.admin).put('/api/queue/settings', body)).statusCode;
    expect(await settings({ enabled: true, nearThreshold: 1 })).toBe(422);
    expect(await settings({ enabled: true, nearThreshold: 21 })).toBe(422);
    expect(await settings({ enabled: 'yes', nearThreshold: 3 })).toBe(422);
  });

  it('the back office day view, the patient live page, and the waiting time', async () => {
    const { c, api, admin, book, checkIn, call } = await setup();
    await book('A1');
    b.t.clock.set(new Date(T0 + 40 * 60_000));
    await checkIn('A1', 15, 1, { room: '3 診' });
    await call(12, 21);
    const day = (await admin.get('/api/queue/day')).json();
    expect(day.date).toBe('2026-06-10');
    expect(day.settings).toEqual({ enabled: true, nearThreshold: 3 });
    expect(day.queues).toHaveLength(1);
    expect(day.queues[0]).toMatchObject({
      doctorName: '林醫師',
      sessionLabel: '上午診',
      room: '3 診',
      calledNumber: 12,
      waiting: 1,
    });
    expect(day.queues[0].visits[0]).toMatchObject({
      appointmentId: 'A1',
      patientId: 'P1',
      patientName: '陳小明',
      queueNumber: 15,
      ahead: 3,
      lineBound: true,
      notices: [{ kind: 'near', label: '前面還有 3 位', ahead: 3 }],
    });
    const page = await api!.get('/queue');
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json()).toMatchObject({
      date: '2026-06-10',
      refreshSeconds: 15,
      visits: [
        { patientName: '陳小明', doctorName: '林醫師', queueNumber: 15, calledNumber: 12, ahead: 3, state: 'waiting' },
      ],
      boards: [{ doctorName: '林醫師', sessionLabel: '上午診', room: '3 診', calledNumber: 12 }],
    });
    await call(14, 22);
    expect((await api!.get('/queue')).json().visits[0]).toMatchObject({ ahead: 1, state: 'next' });
    await call(15, 31);
    expect((await api!.get('/queue')).json().visits[0]).toMatchObject({ ahead: 0, state: 'called' });
    // 30 minutes from check-in (minute 1) to the call of 15 (minute 31).
    expect(await queueWaitStats(b.t.deps, c.clinicId, at(0), at(60))).toEqual({ called: 1, averageMinutes: 30 });
    // Tomorrow (another date) has no queues.
    expect((await admin.get('/api/queue/day?date=2026-06-11')).json().queues).toEqual([]);
    expect((await as(b.t.app, c.admin).get('/api/queue/day')).statusCode).toBe(200);
    const noToken = await s.liff(b.t, c.channelId, null).get('/queue');
    expect(noToken.statusCode).toBe(401);
  });

  it('another clinic sees and moves nothing', async () => {
    const a = await setup();
    await a.book('A1');
    await a.checkIn('A1', 15, 1);
    await a.call(12, 2);
    const other = await setup({ bind: false });
    // B's key cannot name A's appointment; its own D1 queue is its own.
    const cross = await other.post({ type: 'check_in', occurredAt: at(3), appointmentId: 'A1', queueNumber: 3 });
    expect(cross.status).toBe(422);
    expect(cross.body.error.code).toBe('UNKNOWN_REFERENCE');
    const bCall = await other.call(14, 3);
    expect(bCall.body).toMatchObject({ result: 'applied', queue: { calledNumber: 14 } });
    // An event id A used is a new event for B.
    const shared = { eventId: 'SHARED-1', type: 'call', occurredAt: at(4), doctorId: 'D1', session: 'morning' };
    expect((await a.c.his.post('/his/v1/queue-events', { ...shared, calledNumber: 13 })).statusCode).toBe(201);
    expect((await other.c.his.post('/his/v1/queue-events', { ...shared, calledNumber: 20 })).statusCode).toBe(201);
    const aDay = (await a.admin.get('/api/queue/day')).json();
    expect(aDay.queues).toHaveLength(1);
    expect(aDay.queues[0]).toMatchObject({ calledNumber: 13 });
    const bDay = (await other.admin.get('/api/queue/day')).json();
    expect(bDay.queues).toHaveLength(1);
    expect(bDay.queues[0]).toMatchObject({ calledNumber: 20, visits: [] });
    // B's settings do not touch A's.
    expect((await other.admin.put('/api/queue/settings', { enabled: false, nearThreshold: 9 })).statusCode).toBe(200);
    expect((await a.admin.get('/api/queue/settings')).json()).toEqual({ enabled: true, nearThreshold: 3 });
  });
});
