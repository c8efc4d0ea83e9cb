// Back-office actions on reminders with fake LINE and SMS gateways: the front desk's resend is
// the scheduled reminder again (same Flex message and buttons, a new retry key; SMS when the
// patient has no LINE), notices belong to one clinic, and saving the rules unchanged keeps the
// "no monthly cap" setting.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jobDefinitions } from '../../jobs.ts';
import { startWorker, type Worker } from '../../platform/jobs.ts';
import { fakeLine, fakeSms, type FakeLine, type FakeSms } from '../../testing/fakes.ts';
import {
  as,
  bindForTest,
  createTestApp,
  createTestClinic,
  type TestApp,
  type TestClinic,
} from '../../testing/helpers.ts';
import { startReminderDispatcher, type Dispatcher } from './delivery.ts';

let t: TestApp;
let line: FakeLine;
let sms: FakeSms;
let worker: Worker;
let dispatcher: Dispatcher;
const NOW = '2026-03-09T01:00:00Z'; // Monday 09:00 in Taipei

beforeAll(async () => {
  line = fakeLine();
  sms = fakeSms();
  t = await createTestApp({ line, sms, start: NOW });
  worker = startWorker(t.deps, jobDefinitions(), { workerId: 'test-worker', autoStart: false });
  dispatcher = startReminderDispatcher(t.deps, { workerId: 'test-dispatcher', autoStart: false, lockMs: 5_000 });
});
beforeEach(() => t.clock.set(NOW));
afterAll(async () => {
  await dispatcher.stop();
  await worker.stop();
  await t.close();
});

async function drain(): Promise<void> {
  for (let i = 0; i < 50 && (await worker.runOnce()) > 0; i++);
}
async function dispatch(): Promise<void> {
  for (let i = 0; i < 50 && (await dispatcher.runOnce()) > 0; i++);
  await drain();
}

type Push = { to: string; messages: { type: string; altText?: string; contents?: unknown }[] };
const pushesTo = (c: TestClinic, userId: string) =>
  line.calls
    .filter((x) => x.clinicId === c.clinicId && x.method === 'push' && (x.args[0] as Push).to === userId)
    .map((x) => ({ request: x.args[0] as Push, retryKey: x.args[1] as string }));

async function clinicWithDoctor(): Promise<{ c: TestClinic; his: ReturnType<TestClinic['his']> }> {
  const c = await createTestClinic(t);
  const his = c.his(await c.apiKey());
  expect((await his.put('/his/v1/doctors/D1', { name: '林醫師' })).statusCode).toBe(201);
  // An established clinic: its initial sync with the HIS is over, so new bookings get the
  // booking-day message (a clinic still copying its bookings over sends none).
  expect((await as(t.app, c.admin).post('/api/his/initial-sync/end', {})).statusCode).toBe(200);
  return { c, his };
}

async function patient(c: TestClinic, his: ReturnType<TestClinic['his']>, hisId: string, lineUserId?: string) {
  expect((await his.put(`/his/v1/patients/${hisId}`, { name: `病患${hisId}`, phone: '0912-345-678' })).statusCode).toBe(
    201,
  );
  if (lineUserId) return bindForTest(t, c.clinicId, hisId, lineUserId);
  const p = await t.deps.db
    .selectFrom('patients')
    .select('id')
    .where('clinic_id', '=', c.clinicId)
    .where('his_id', '=', hisId)
    .executeTakeFirstOrThrow();
  return p.id;
}

async function book(c: TestClinic, his: ReturnType<TestClinic['his']>, hisId: string, patientHisId: string) {
  const r = await his.put(`/his/v1/appointments/${hisId}`, {
    patientId: patientHisId,
    doctorId: 'D1',
    startsAt: '2026-03-12T10:00:00+08:00',
    status: 'booked',
    version: 1,
  });
  expect(r.statusCode, r.body).toBe(201);
  await drain();
  const a = await t.deps.db
    .selectFrom('appointments')
    .select('id')
    .where('clinic_id', '=', c.clinicId)
    .where('his_id', '=', hisId)
    .executeTakeFirstOrThrow();
  return a.id;
}

const deliveries = (c: TestClinic, appointmentId: string) =>
  t.deps.db
    .selectFrom('reminder_deliveries')
    .selectAll()
    .where('clinic_id', '=', c.clinicId)
    .where('appointment_id', '=', appointmentId)
    .orderBy('created_at')
    .execute();

describe('reminders back office', () => {
  it('the front desk resend pushes the scheduled reminder again: same Flex and buttons, a new retry key', async () => {
    const { c, his } = await clinicWithDoctor();
    const userId = `U${'a'.repeat(31)}1`;
    await patient(c, his, 'P1', userId);
    const id = await book(c, his, 'A1', 'P1');
    await dispatch();
    const [scheduled] = pushesTo(c, userId);
    expect(scheduled.request.messages[0].type).toBe('flex');
    const data = JSON.stringify(scheduled.request.messages[0]);
    for (const label of ['確認赴約', '取消', '改期']) expect(data).toContain(label);
    expect(data).toMatch(/"type":"postback","label":"確認赴約","data":"rm1\./);

    t.clock.set('2026-03-09T03:00:00Z');
    const res = await as(t.app, c.admin).post(`/api/appointments/${id}/resend-reminder`, {});
    expect(res.statusCode, res.body).toBe(202);
    await dispatch();
    const pushes = pushesTo(c, userId);
    expect(pushes).toHaveLength(2);
    expect(pushes[1].request.messages).toEqual(scheduled.request.messages);
    expect(pushes[1].retryKey).not.toBe(scheduled.retryKey);
    // The scheduled reminder keeps its own record; the resend is a row of its own, sent on LINE.
    const rows = await deliveries(c, id);
    expect(rows.filter((r) => r.state === 'sent' && r.channel === 'line')).toHaveLength(2);
  });

  it('a resend goes by SMS to a patient without LINE when the clinic allows SMS fallback', async () => {
    const { c, his } = await clinicWithDoctor();
    const saved = await as(t.app, c.admin).put('/api/sms/settings', {
      provider: 'mitake',
      username: 'clinic',
      password: 'secret',
      reminderFallback: true,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    await patient(c, his, 'P2');
    const id = await book(c, his, 'A2', 'P2');
    await dispatch();
    const before = sms.sent.filter((s) => s.clinicId === c.clinicId).length;
    expect(before).toBe(1);
    t.clock.set('2026-03-09T03:00:00Z');
    const res = await as(t.app, c.admin).post(`/api/appointments/${id}/resend-reminder`, {});
    expect(res.statusCode, res.body).toBe(202);
    await dispatch();
    const sent = sms.sent.filter((s) => s.clinicId === c.clinicId);
    expect(sent).toHaveLength(2);
    expect(sent[1].to).toBe(sent[0].to);
    expect(sent[1].text).toContain('林醫師');
    expect((await deliveries(c, id)).filter((r) => r.state === 'sent' && r.channel === 'sms')).toHaveLength(2);
  });

  it('marking a notice read answers 404 for another clinic’s notice and leaves it unread', async () => {
    const a = await createTestClinic(t);
    const b = await createTestClinic(t);
    const notice = await t.deps.db
      .insertInto('admin_notices')
      .values({
        clinic_id: a.clinicId,
        kind: 'line_quota_80',
        period: '2026-03',
        level: 'warning',
        message: '本月 LINE 訊息已使用 80%',
        created_at: NOW,
        read_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const other = await as(t.app, b.admin).post(`/api/reminders/notices/${notice.id}/read`, {});
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('NOT_FOUND');
    const unknown = await as(t.app, a.admin).post(`/api/reminders/notices/${Number(notice.id) + 1000}/read`, {});
    expect(unknown.statusCode).toBe(404);
    const readAt = async () =>
      (
        await t.deps.db
          .selectFrom('admin_notices')
          .select('read_at')
          .where('id', '=', notice.id)
          .executeTakeFirstOrThrow()
      ).read_at;
    expect(await readAt()).toBeNull();
    const own = await as(t.app, a.admin).post(`/api/reminders/notices/${notice.id}/read`, {});
    expect(own.statusCode).toBe(204);
    expect(await readAt()).toBe(new Date(NOW).toISOString());
  });

  it('saving the rules unchanged keeps monthlyCap null, and booking-day reminders still go out', async () => {
    const { c, his } = await clinicWithDoctor();
    const adm = as(t.app, c.admin);
    const rules = (await adm.get('/api/reminders/rules')).json();
    expect(rules.monthlyCap).toBeNull();
    const put = await adm.put('/api/reminders/rules', rules);
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().monthlyCap).toBeNull();
    expect((await adm.get('/api/reminders/rules')).json().monthlyCap).toBeNull();
    await drain();

    const userId = `U${'b'.repeat(31)}2`;
    await patient(c, his, 'P3', userId);
    const id = await book(c, his, 'A3', 'P3');
    await dispatch();
    const booking = (await deliveries(c, id)).find((r) => r.rule_id === 'booking');
    expect(booking).toMatchObject({ state: 'sent', channel: 'line', cancel_reason: null });
    expect(pushesTo(c, userId)).toHaveLength(1);
  });
});
