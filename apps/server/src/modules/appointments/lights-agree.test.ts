// One truth for an appointment's light: a reminder that went out by SMS is a sent reminder, so
// the HIS's reply light, the appointment's header, the list, the calendar, the home page and
// the KPI strip all say 尚未回覆 like its 提醒 tab says 已送出・簡訊; and a past visit shows what
// happened (已看診, 未到診, 未報到), never 尚未提醒. Fake LINE and SMS gateways; both databases.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jobDefinitions } from '../../jobs.ts';
import { startWorker, type Worker } from '../../platform/jobs.ts';
import { fakeLine, fakeSms, type FakeSms } from '../../testing/fakes.ts';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { startReminderDispatcher, type Dispatcher } from '../reminders/delivery.ts';

let t: TestApp;
let sms: FakeSms;
let worker: Worker;
let dispatcher: Dispatcher;
const NOW = '2026-03-11T02:00:00.000Z'; // Wednesday 10:00 in Taipei

beforeAll(async () => {
  sms = fakeSms();
  t = await createTestApp({ line: fakeLine(), sms, start: NOW });
  worker = startWorker(t.deps, jobDefinitions(), { workerId: 'lights-worker', autoStart: false });
  dispatcher = startReminderDispatcher(t.deps, { workerId: 'lights-dispatcher', autoStart: false, lockMs: 5_000 });
});
afterAll(async () => {
  await dispatcher.stop();
  await worker.stop();
  await t.close();
});

async function settle() {
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 50 && (await worker.runOnce()) > 0; i++);
    for (let i = 0; i < 50 && (await dispatcher.runOnce()) > 0; i++);
  }
}

it('an SMS reminder is a sent reminder everywhere; past visits show their outcome', async () => {
  const c = await createTestClinic(t, { timeZone: 'Asia/Taipei' });
  const admin = as(t.app, c.admin);
  const his = c.his(await c.apiKey());
  await his.put('/his/v1/doctors/D1', { name: '林醫師' });
  await his.put('/his/v1/patients/P1', { name: '王小明', phone: '0912-345-678' });
  await his.put('/his/v1/patients/P2', { name: '李美華', phone: '0922-111-333' });
  expect((await admin.post('/api/his/initial-sync/end', {})).statusCode).toBe(200);
  expect((await admin.put('/api/sms/settings', { provider: 'default', reminderFallback: true })).statusCode).toBe(200);
  const at = (time: string) => `2026-03-11T${time}:00+08:00`;
  const items = [
    // Booked now for 15:00 today: the booking-day message goes out by SMS (no LINE).
    { appointmentId: 'A-sms', patientId: 'P1', doctorId: 'D1', startsAt: at('15:00'), status: 'booked', version: 1 },
    // This morning: seen, missed, and one the HIS never checked in.
    {
      appointmentId: 'A-done',
      patientId: 'P2',
      doctorId: 'D1',
      startsAt: at('08:30'),
      status: 'completed',
      version: 1,
    },
    { appointmentId: 'A-miss', patientId: 'P2', doctorId: 'D1', startsAt: at('09:00'), status: 'no_show', version: 1 },
    { appointmentId: 'A-late', patientId: 'P2', doctorId: 'D1', startsAt: at('09:30'), status: 'booked', version: 1 },
  ];
  expect((await his.post('/his/v1/appointments/batch', { items })).json().summary.created).toBe(4);
  await settle();
  expect(sms.sent.filter((s) => s.clinicId === c.clinicId)).toHaveLength(1);

  // The HIS's reply light and the lights feed.
  const hisView = (await his.get('/his/v1/appointments/A-sms')).json();
  expect(hisView.lights.reply).toEqual({ code: 'awaiting_reply', label: '尚未回覆' });
  const feed = (await his.get('/his/v1/status-changes')).json().items;
  expect(feed.filter((x: { light: string }) => x.light === 'reply')).toMatchObject([
    {
      appointmentId: 'A-sms',
      to: { code: 'awaiting_reply' },
      source: 'system',
      reason: expect.stringContaining('簡訊'),
    },
  ]);

  // The list and the appointment's header agree with its 提醒 tab.
  const list = (await admin.get('/api/appointments?fromDate=2026-03-11&toDate=2026-03-11')).json().items;
  const byHis = Object.fromEntries(list.map((x: { appointmentId: string }) => [x.appointmentId, x]));
  expect(byHis['A-sms'].visit).toEqual({ code: 'awaiting_reply', label: '尚未回覆' });
  expect(byHis['A-done'].visit).toEqual({ code: 'completed', label: '已看診' });
  expect(byHis['A-miss'].visit).toEqual({ code: 'no_show', label: '未到診' });
  expect(byHis['A-late'].visit).toEqual({ code: 'not_arrived', label: '未報到' });
  const d = (await admin.get(`/api/appointments/${byHis['A-sms'].id}`)).json();
  expect(d.lights.reply.code).toBe('awaiting_reply');
  expect(d.visit.label).toBe('尚未回覆');
  expect(d.reminders.filter((r: { state: string }) => r.state === 'sent')).toMatchObject([
    { channel: 'sms', sms: { status: expect.any(String) } },
  ]);
  expect(d.history.at(-1).lines[0]).toMatch(/^回覆：尚未提醒 → 尚未回覆（看診提醒）・已送出「.+」（簡訊）$/);

  // The calendar and the home page show the same; nothing today says 尚未提醒.
  const cal = (await admin.get('/api/schedule?fromDate=2026-03-11&toDate=2026-03-11')).json().items;
  expect(cal.map((x: { visit: { label: string } }) => x.visit.label).sort()).toEqual(
    ['尚未回覆', '已看診', '未到診', '未報到'].sort(),
  );
  const today = (await admin.get('/api/home/today')).json();
  expect(today.counts).toMatchObject({ awaitingReply: 1, notSent: 0, checkedIn: 1, noShow: 1, notArrived: 1 });
  const k = (await admin.get('/api/kpis?period=today')).json().kpis;
  expect(k.confirmationRate).toMatchObject({ numerator: 0, denominator: 1 });
  expect(k.deliveryRate).toMatchObject({ numerator: 1, denominator: 1 });
});

it('a batch of reminders sent turns each light once, with its history, feed entry and webhook', async () => {
  const c = await createTestClinic(t, { timeZone: 'Asia/Taipei' });
  const quiet = await createTestClinic(t, { timeZone: 'Asia/Taipei' }); // no webhook URL
  const at = '2026-03-11T16:00:00+08:00';
  for (const [clinic, hook] of [
    [c, true],
    [quiet, false],
  ] as const) {
    const admin = as(t.app, clinic.admin);
    const his = clinic.his(await clinic.apiKey());
    await his.put('/his/v1/doctors/D1', { name: '林醫師' });
    expect((await admin.post('/api/his/initial-sync/end', {})).statusCode).toBe(200);
    expect((await admin.put('/api/sms/settings', { provider: 'default', reminderFallback: true })).statusCode).toBe(
      200,
    );
    if (hook) expect((await admin.put('/api/his/webhook', { url: 'http://127.0.0.1:9/hook' })).statusCode).toBe(200);
    const items = [];
    for (let i = 1; i <= 3; i++) {
      await his.put(`/his/v1/patients/P${i}`, { name: `病患${i}`, phone: `0912-000-00${i}` });
      items.push({ appointmentId: `B${i}`, patientId: `P${i}`, doctorId: 'D1', startsAt: at, status: 'booked' });
    }
    const batch = items.map((x) => ({ ...x, version: 1, bookedAt: NOW }));
    expect((await his.post('/his/v1/appointments/batch', { items: batch })).json().summary.created).toBe(3);
  }
  await settle();

  const changes = await t.deps.db
    .selectFrom('status_changes')
    .select(['id', 'clinic_id', 'subject_his_id', 'reason'])
    .where('clinic_id', 'in', [c.clinicId, quiet.clinicId])
    .where('to_value', '=', 'awaiting_reply')
    .orderBy('id')
    .execute();
  expect(changes.map((x) => [x.clinic_id === c.clinicId, x.subject_his_id]).sort()).toEqual(
    [
      [true, 'B1'],
      [true, 'B2'],
      [true, 'B3'],
      [false, 'B1'],
      [false, 'B2'],
      [false, 'B3'],
    ].sort(),
  );
  for (const x of changes) expect(x.reason).toMatch(/^已送出「.+」（簡訊）$/);
  // Webhooks only where the HIS registered a URL, each carrying its own feed entry's cursor.
  const events = await t.deps.db
    .selectFrom('webhook_events')
    .select(['clinic_id', 'body', 'ordering_key'])
    .where('clinic_id', 'in', [c.clinicId, quiet.clinicId])
    .where('type', '=', 'appointment.reply_changed')
    .execute();
  expect(events.every((e) => e.clinic_id === c.clinicId)).toBe(true);
  const own = changes.filter((x) => x.clinic_id === c.clinicId);
  expect(
    events
      .map((e) => JSON.parse(e.body).data)
      .map((d: { appointmentId: string; cursor: string; to: { code: string } }) => [
        d.appointmentId,
        d.cursor,
        d.to.code,
      ])
      .sort(),
  ).toEqual(own.map((x) => [x.subject_his_id, `c1_${x.id.toString(36)}`, 'awaiting_reply']).sort());
  // One history entry per appointment says so; a second dispatcher pass changes nothing.
  const admin = as(t.app, c.admin);
  const list = (await admin.get('/api/appointments?fromDate=2026-03-11&toDate=2026-03-11')).json().items;
  for (const a of list.filter((x: { appointmentId: string }) => x.appointmentId.startsWith('B'))) {
    const d = (await admin.get(`/api/appointments/${a.id}`)).json();
    expect(d.lights.reply.code).toBe('awaiting_reply');
    expect(d.history.filter((h: { lines: string[] }) => h.lines.some((l) => l.startsWith('回覆：')))).toHaveLength(1);
  }
  await settle();
  expect(
    await t.deps.db
      .selectFrom('status_changes')
      .select('id')
      .where('clinic_id', 'in', [c.clinicId, quiet.clinicId])
      .where('to_value', '=', 'awaiting_reply')
      .execute(),
  ).toHaveLength(6);
});
