// Online booking end to end with the LINE emulator: a patient books for a family member in LIFF
// (「預約申請中」, told in LINE), the HIS learns it as a signed appointment.requested event, staff
// accept it (an appointment; 預約成功) or decline it with the reason; the no-show rule holds a
// patient's request for approval with the clinic's message; the HIS's availability write refuses
// overlapping slots; another clinic sees and changes nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../platform/audit.ts';
import { as, createTestClinic } from '../../testing/helpers.ts';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { liffSteps, phone } from '../../testing/liff.ts';
import { startReminderDispatcher } from '../reminders/delivery.ts';
import { webhookService } from '../webhooks/service.ts';

let b: LineTestbed;
let s: ReturnType<typeof liffSteps>;
beforeAll(async () => {
  b = await createLineTestbed();
  s = liffSteps(b);
});
afterAll(async () => b.close());

// Wednesday 2026-06-10 10:00 Taipei.
const T0 = '2026-06-10T02:00:00.000Z';
const RULE = {
  enabled: true,
  visitTypes: ['初診', '複診'],
  slotMinutes: 30,
  daysAhead: 14,
  cutoffMinutes: 60,
  perSlot: 1,
};

async function setup() {
  b.t.clock.set(T0);
  const c = await s.clinic();
  const p = phone();
  await c.his.put('/his/v1/patients/P1', { name: '陳大文', phone: p });
  await c.his.put('/his/v1/patients/P2', { name: '陳小妹', phone: p });
  const { u, api } = await s.bindUser(c, p, '陳先生');
  const admin = as(b.t.app, c.admin);
  const rules = await admin.get('/api/booking/rules');
  expect(rules.statusCode, rules.body).toBe(200);
  const doctorId = rules.json().doctors[0].doctorId as string;
  const put = await admin.put(`/api/booking/rules/${doctorId}`, RULE);
  expect(put.statusCode, put.body).toBe(200);
  return { c, u, api, admin, doctorId };
}

const texts = async (channelId: string, u: string) =>
  (await s.sent(channelId, u)).map((m) => m.message.text ?? m.message.altText ?? '');

describe('online booking', () => {
  it('books for a family member, staff accept it, the patient is told at each step', async () => {
    const { c, u, api, admin, doctorId } = await setup();
    await webhookService(b.t.deps).setConfig(c.clinicId, { url: 'http://his.example.test/hook' }, systemActor);
    const opts = await api.get('/booking/options');
    expect(opts.statusCode, opts.body).toBe(200);
    const o = opts.json();
    expect(o.patients.map((p: { name: string }) => p.name).sort()).toEqual(['陳大文', '陳小妹']);
    expect(o.doctors).toEqual([{ id: doctorId, name: '林醫師', visitTypes: ['初診', '複診'] }]);
    expect(o.days[0]).toEqual({ date: '2026-06-10', free: expect.any(Number) });
    const slots = (await api.get('/booking/slots?date=2026-06-11&visitType=複診')).json().slots;
    expect(slots[0]).toMatchObject({ time: '09:00', doctorName: '林醫師', free: 1 });
    const sister = o.patients.find((p: { name: string }) => p.name === '陳小妹').id;
    const body = {
      patientId: sister,
      visitType: '複診',
      startsAt: slots[0].startsAt,
      submissionId: 'submit-0001',
    };
    const r = await api.post('/booking/requests', body);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().request).toMatchObject({ patientName: '陳小妹', status: 'requested', statusLabel: '預約申請中' });
    const id = r.json().request.id;
    // A retried submit is the same request; another submit for the same slot is a duplicate.
    expect((await api.post('/booking/requests', body)).json().request.id).toBe(id);
    const dup = await api.post('/booking/requests', { ...body, submissionId: 'submit-0002' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({
      code: 'DUPLICATE_REQUEST',
      message: '您已申請過這個時段，請在「我的預約」查看',
    });
    // Another patient cannot have the slot any more.
    const taken = await api.post('/booking/requests', {
      ...body,
      patientId: o.patients[0].id === sister ? o.patients[1].id : o.patients[0].id,
      submissionId: 'submit-0003',
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('SLOT_TAKEN');
    expect((await api.get('/booking/requests')).json().items).toMatchObject([{ id, statusLabel: '預約申請中' }]);
    await b.drain();
    expect((await texts(c.channelId, u)).at(-1)).toContain('已收到陳小妹的預約申請：6/11（週四）09:00 林醫師（複診）');
    // The HIS heard of it as a signed webhook event with its HIS ids.
    const ev = await b.t.deps.db
      .selectFrom('webhook_events')
      .select(['type', 'body'])
      .where('clinic_id', '=', c.clinicId)
      .where('type', '=', 'appointment.requested')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(ev.body).data).toMatchObject({
      requestId: id,
      patientId: 'P2',
      doctorId: 'D1',
      startsAt: '2026-06-11T09:00:00+08:00',
      endsAt: '2026-06-11T09:30:00+08:00',
      visitType: '複診',
      source: 'liff',
    });

    const list = await admin.get('/api/booking/requests');
    expect(list.json()).toMatchObject({
      open: 1,
      acceptBy: 'staff',
      items: [{ id, patientName: '陳小妹', noShows: 0 }],
    });
    const acc = await admin.post(`/api/booking/requests/${id}/accept`);
    expect(acc.statusCode, acc.body).toBe(200);
    expect(acc.json()).toMatchObject({ status: 'accepted', statusLabel: '預約成功' });
    expect((await admin.post(`/api/booking/requests/${id}/accept`)).statusCode).toBe(409);
    await b.drain();
    expect((await texts(c.channelId, u)).some((x) => x.startsWith('預約成功！陳小妹：6/11（週四）09:00'))).toBe(true);
    const appts = (await api.get('/appointments')).json().members;
    const hers = appts.find((m: { patient: { name: string } }) => m.patient.name === '陳小妹');
    expect(hers.upcoming).toHaveLength(1);
    expect((await c.his.get(`/his/v1/appointments/CL-${id}`)).json()).toMatchObject({
      patientId: 'P2',
      status: 'booked',
    });

    // Declined: the patient reads why.
    const slot2 = (await api.get('/booking/slots?date=2026-06-11')).json().slots[0];
    const r2 = await api.post('/booking/requests', { ...body, startsAt: slot2.startsAt, submissionId: 'submit-0004' });
    expect(r2.statusCode, r2.body).toBe(200);
    const dec = await admin.post(`/api/booking/requests/${r2.json().request.id}/decline`, {
      reason: '醫師當天臨時休診',
    });
    expect(dec.statusCode, dec.body).toBe(200);
    await b.drain();
    expect((await texts(c.channelId, u)).at(-1)).toContain('原因：醫師當天臨時休診');
    expect((await api.get('/booking/requests')).json().items).toMatchObject([
      { status: 'declined', statusLabel: '未能預約', note: '原因：醫師當天臨時休診' },
    ]);

    // Another clinic sees nothing and cannot accept or decline this clinic's requests.
    const other = as(b.t.app, (await createTestClinic(b.t)).admin);
    expect((await other.get('/api/booking/requests?status=all')).json().items).toEqual([]);
    expect((await other.post(`/api/booking/requests/${id}/accept`)).statusCode).toBe(404);
    expect(
      (await other.post(`/api/booking/requests/${r2.json().request.id}/decline`, { reason: 'x' })).statusCode,
    ).toBe(404);
  });

  it('an accepted request is one LINE message: staff accept and the HIS write-back alike', async () => {
    const { c, u, api, admin } = await setup();
    // The reminder engine runs too: a new appointment may get the clinic's booking-day message.
    const reminders = startReminderDispatcher(b.t.deps, { workerId: 'one-msg', autoStart: false, lockMs: 5_000 });
    const settle = async () => {
      for (let i = 0; i < 5; i++) {
        await b.drain();
        await reminders.runOnce();
      }
    };
    const me = (await api.get('/booking/options')).json().patients.find((p: { name: string }) => p.name === '陳大文');
    const slots = (await api.get('/booking/slots?date=2026-06-11')).json().slots;
    const book = async (i: number) => {
      const r = await api.post('/booking/requests', {
        patientId: me.id,
        startsAt: slots[i].startsAt,
        submissionId: `one-msg-000${i}`,
      });
      expect(r.statusCode, r.body).toBe(200);
      await settle();
      return { id: r.json().request.id as string, before: (await texts(c.channelId, u)).length };
    };
    // Staff accept in the back office (an HIS that cannot write back).
    const a = await book(0);
    expect((await admin.post(`/api/booking/requests/${a.id}/accept`)).statusCode).toBe(200);
    await settle();
    const afterAccept = (await texts(c.channelId, u)).slice(a.before);
    expect(afterAccept).toEqual([expect.stringMatching(/^預約成功！陳大文：6\/11（週四）09:00/)]);
    // The HIS writes the appointment back with the request id (today's booking, bookedAt now).
    const h = await book(1);
    const w = await c.his.put('/his/v1/appointments/HIS-ONE-MSG', {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt: '2026-06-11T09:30:00+08:00',
      durationMinutes: 30,
      status: 'booked',
      bookedAt: '2026-06-10T10:00:00+08:00',
      version: 1,
      bookingRequestId: h.id,
    });
    expect(w.statusCode, w.body).toBe(201);
    await settle();
    const afterWrite = (await texts(c.channelId, u)).slice(h.before);
    expect(afterWrite).toEqual([expect.stringMatching(/^預約成功！陳大文：6\/11（週四）09:30/)]);
    await reminders.stop();
  });

  it("a clinic outside Taipei: days, times and the request's time in the clinic's zone", async () => {
    const { c, api, admin } = await setup();
    expect((await admin.patch('/api/clinic', { timeZone: 'Asia/Tokyo' })).statusCode).toBe(200);
    // 2026-06-10 10:00 Taipei is 11:00 in Tokyo: the first slot of 6/11 opens at 09:00 Tokyo time.
    const slot = (await api.get('/booking/slots?date=2026-06-11')).json().slots[0];
    expect(slot).toMatchObject({ time: '09:00', startsAt: '2026-06-11T00:00:00.000Z' });
    const me = (await api.get('/booking/options')).json().patients[0].id;
    const r = await api.post('/booking/requests', {
      patientId: me,
      startsAt: slot.startsAt,
      submissionId: 'tokyo-0001',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().request).toMatchObject({ whenLabel: '6/11（週四）09:00', statusLabel: '預約申請中' });
    expect((await api.get('/booking/requests')).json().items[0].whenLabel).toBe('6/11（週四）09:00');
    // The LIFF page gets the zone with the clinic's settings (times the phone shows or sends).
    const dist = mkdtempSync(join(tmpdir(), 'liff-'));
    writeFileSync(join(dist, 'liff.html'), '<html><head></head><body></body></html>');
    const config = b.t.deps.config;
    const before = config.webDistDir;
    Object.assign(config, { webDistDir: dist });
    try {
      const page = await b.t.app.inject({ method: 'GET', url: `/liff/${c.channelId}/book` });
      expect(page.body).toContain('"timeZone":"Asia/Tokyo"');
    } finally {
      Object.assign(config, { webDistDir: before });
    }
  });

  it("a booking from a recall's 線上預約 marks the recall 已預約 once it is accepted", async () => {
    const { c, api, admin } = await setup();
    await c.his.put('/his/v1/appointments/RC1', {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt: '2026-05-01T09:00:00+08:00',
      visitType: '洗牙',
      status: 'completed',
      version: 1,
    });
    const rule = await admin.post('/api/recall-rules', {
      name: '洗牙回診',
      kind: 'after_visit',
      visitType: '洗牙',
      intervalDays: 30,
      message: '{name} 您好，該回診洗牙了。',
      button: 'booking',
    });
    expect(rule.statusCode, rule.body).toBeLessThan(300);
    expect((await admin.post('/api/recalls/scan')).statusCode).toBe(200);
    const [recall] = (await admin.get('/api/recalls')).json().items;
    expect(recall).toMatchObject({ patientName: '陳大文', status: 'sent' });
    const patients = (await api.get('/booking/options')).json().patients;
    const me = patients.find((p: { name: string }) => p.name === '陳大文').id;
    const sister = patients.find((p: { name: string }) => p.name === '陳小妹').id;
    const slots = (await api.get('/booking/slots?date=2026-06-11')).json().slots;
    // From the parent's recall link for the sister: a recall booking, but not the sister's recall.
    const other = await api.post('/booking/requests', {
      patientId: sister,
      startsAt: slots[0].startsAt,
      submissionId: 'recall-0001',
      recallId: recall.id,
    });
    expect(other.statusCode, other.body).toBe(200);
    const mine = await api.post('/booking/requests', {
      patientId: me,
      startsAt: slots[1].startsAt,
      submissionId: 'recall-0002',
      recallId: recall.id,
    });
    expect(mine.statusCode, mine.body).toBe(200);
    const open = (await admin.get('/api/booking/requests')).json().items;
    expect(open.map((r: { source: string }) => r.source)).toEqual(['recall', 'recall']);
    expect((await admin.post(`/api/booking/requests/${other.json().request.id}/accept`)).statusCode).toBe(200);
    expect((await admin.get('/api/recalls')).json().items[0]).toMatchObject({ status: 'sent', outcome: null });
    expect((await admin.post(`/api/booking/requests/${mine.json().request.id}/accept`)).statusCode).toBe(200);
    expect((await admin.get('/api/recalls')).json().items[0]).toMatchObject({
      status: 'booked',
      statusLabel: '已預約',
      outcome: 'booked',
      outcomeBy: '線上預約',
    });
  });

  it('a slot in the past and a doctor without rules are refused with a clear message', async () => {
    const { api, doctorId, admin } = await setup();
    const me = (await api.get('/booking/options')).json().patients[0].id;
    const past = await api.post('/booking/requests', {
      patientId: me,
      doctorId,
      startsAt: '2026-06-10T08:00:00+08:00',
      submissionId: 'past-0001',
    });
    expect(past.statusCode).toBe(422);
    expect(past.json().error).toMatchObject({ code: 'SLOT_IN_PAST', message: '這個時段已經過了，請選擇其他時段' });
    expect((await admin.delete(`/api/booking/rules/${doctorId}`)).statusCode).toBe(204);
    const none = await api.post('/booking/requests', {
      patientId: me,
      doctorId,
      startsAt: '2026-06-11T09:00:00+08:00',
      submissionId: 'none-0001',
    });
    expect(none.statusCode).toBe(422);
    expect(none.json().error.code).toBe('NO_RULES');
  });

  it('the no-show rule holds a request for approval with the clinic message; staff may exempt a patient', async () => {
    const { c, u, api, admin } = await setup();
    // Nothing blocks anyone by default.
    expect((await admin.get('/api/booking/no-show-policy')).json()).toMatchObject({ enabled: false, threshold: 3 });
    for (const [i, day] of ['2026-03-02', '2026-04-06'].entries()) {
      const at = `${day}T09:00:00+08:00`;
      await c.his.put(`/his/v1/appointments/NS${i}`, {
        patientId: 'P1',
        doctorId: 'D1',
        startsAt: at,
        status: 'booked',
        version: 1,
      });
      await c.his.put(`/his/v1/appointments/NS${i}`, {
        patientId: 'P1',
        doctorId: 'D1',
        startsAt: at,
        status: 'no_show',
        version: 2,
      });
    }
    const message = '您近一年有 2 次以上未到診，線上預約需診所確認，我們會盡快與您聯絡。';
    expect((await admin.put('/api/booking/no-show-policy', { enabled: true, threshold: 2, message })).statusCode).toBe(
      200,
    );
    const p1 = (await api.get('/booking/options'))
      .json()
      .patients.find((p: { name: string }) => p.name === '陳大文').id;
    const counts = await admin.get(`/api/booking/patients/${p1}/no-shows`);
    expect(counts.json()).toMatchObject({ noShows: 2, needsApproval: true, override: null });
    const slots = (await api.get('/booking/slots?date=2026-06-12')).json().slots;
    const r = await api.post('/booking/requests', {
      patientId: p1,
      startsAt: slots[0].startsAt,
      submissionId: 'ns-000001',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().request).toMatchObject({ needsApproval: true, note: message, statusLabel: '預約申請中' });
    await b.drain();
    expect((await texts(c.channelId, u)).at(-1)).toContain(message);
    expect((await admin.get('/api/booking/requests')).json().items[0]).toMatchObject({
      needsApproval: true,
      noShows: 2,
    });
    // Staff exempt the patient: the next request goes straight through.
    const ex = await admin.put(`/api/booking/patients/${p1}/no-show-override`, { mode: 'exempt', note: '已電話確認' });
    expect(ex.json()).toMatchObject({ needsApproval: false, override: { mode: 'exempt' } });
    const r2 = await api.post('/booking/requests', {
      patientId: p1,
      startsAt: slots[1].startsAt,
      submissionId: 'ns-000002',
    });
    expect(r2.json().request.needsApproval).toBe(false);
    expect((await admin.put('/api/booking/no-show-policy', { ...RULE_OFF, message })).statusCode).toBe(200);
  });

  it('the HIS publishes availability: overlapping slots are refused whole, with the API error shape', async () => {
    const { c, api, admin } = await setup();
    const bad = await c.his.put('/his/v1/availability/D1', {
      slots: [
        { startsAt: '2026-06-11T09:00:00+08:00', endsAt: '2026-06-11T09:20:00+08:00' },
        { startsAt: '2026-06-11T09:15:00+08:00', endsAt: '2026-06-11T09:30:00+08:00' },
      ],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'slots.1.startsAt', code: 'overlap', message: '第 2 個時段與第 1 個時段重疊' }],
    });
    const unknown = await c.his.put('/his/v1/availability/D9', { slots: [] });
    expect(unknown.json().error.code).toBe('UNKNOWN_REFERENCE');
    const ok = await c.his.put('/his/v1/availability/D1', {
      slots: [
        { startsAt: '2026-06-11T09:00:00+08:00', endsAt: '2026-06-11T09:20:00+08:00', capacity: 2 },
        { startsAt: '2026-06-11T10:00:00+08:00', endsAt: '2026-06-11T10:20:00+08:00' },
      ],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ doctorId: 'D1', slots: 2, replaced: 0 });
    const settings = { enabled: true, slotSource: 'his', acceptBy: 'his', expireHours: 48 };
    expect((await admin.put('/api/booking/settings', settings)).statusCode).toBe(200);
    const slots = (await api.get('/booking/slots?date=2026-06-11')).json().slots;
    expect(slots.map((x: { time: string; free: number }) => [x.time, x.free])).toEqual([
      ['09:00', 2],
      ['10:00', 1],
    ]);
  });
});

const RULE_OFF = { enabled: false, threshold: 3 };
