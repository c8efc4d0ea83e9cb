// Front-desk back office: list filters/search/sort/pagination, home summary, KPIs,
// iCalendar feeds parsed with ical.js, feed rotation, cross-clinic isolation. Both databases.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { changeStatus } from '../status/service.ts';
import { newId } from '../../platform/crypto.ts';
import { systemActor } from '../../platform/audit.ts';

let t: TestApp;
// 2026-05-04 is a Monday; 08:00 in Taipei.
beforeAll(async () => {
  t = await createTestApp({ start: '2026-05-04T00:00:00.000Z' });
});
afterAll(async () => t.close());

const appt = (patientId: string, doctorId: string, startsAt: string, over: Record<string, unknown> = {}) => ({
  patientId,
  doctorId,
  startsAt,
  durationMinutes: 20,
  visitType: '複診',
  status: 'booked',
  version: 1,
  ...over,
});

async function setup() {
  const c = await createTestClinic(t, { timeZone: 'Asia/Taipei' });
  const his = c.his(await c.apiKey());
  await his.put('/his/v1/doctors/D01', { name: '陳建志', department: '一般牙科' });
  await his.put('/his/v1/doctors/D02', { name: '林怡伶', department: '兒童牙科' });
  await his.put('/his/v1/patients/P1', {
    name: '王小明',
    phone: '0912-345-678',
    chartNo: '0012345',
    nationalId: 'A123456789',
  });
  await his.put('/his/v1/patients/P2', { name: '李美華', phone: '0922111333', chartNo: '0012346' });
  await his.put('/his/v1/patients/P3', { name: '張大同', phone: '02-2345-6789', chartNo: '0099999' });
  const items = [
    { appointmentId: 'A1', ...appt('P1', 'D01', '2026-05-04T09:00:00+08:00') },
    { appointmentId: 'A2', ...appt('P2', 'D01', '2026-05-04T10:30:00+08:00', { visitType: '洗牙' }) },
    { appointmentId: 'A3', ...appt('P3', 'D02', '2026-05-04T14:00:00+08:00') },
    { appointmentId: 'A4', ...appt('P1', 'D02', '2026-05-05T09:00:00+08:00') },
    { appointmentId: 'A5', ...appt('P2', 'D01', '2026-05-06T09:00:00+08:00', { status: 'cancelled' }) },
    { appointmentId: 'A6', ...appt('P3', 'D01', '2026-05-03T09:00:00+08:00', { status: 'no_show' }) },
  ];
  const r = await his.post('/his/v1/appointments/batch', { items });
  expect(r.statusCode).toBe(200);
  const ids = Object.fromEntries(
    (
      await t.deps.db.selectFrom('appointments').select(['id', 'his_id']).where('clinic_id', '=', c.clinicId).execute()
    ).map((x) => [x.his_id, x.id]),
  );
  const setReply = (his: string, to: string) =>
    t.deps.db.transaction().execute((trx) =>
      changeStatus(trx, t.deps, {
        clinicId: c.clinicId,
        subject: 'appointment',
        subjectId: ids[his],
        light: 'reply',
        to,
        source: 'patient',
        actor: systemActor,
      }),
    );
  await setReply('A1', 'confirmed');
  await setReply('A2', 'awaiting_reply');
  await setReply('A3', 'cancel_requested');
  return { c, his, ids, desk: as(t.app, await c.staff('front_desk')) };
}

const hisIds = (r: { json(): { items: { appointmentId: string }[] } }) => r.json().items.map((x) => x.appointmentId);

describe('appointment list', () => {
  it('filters by local date range, doctor, visit type, status and reply light', async () => {
    const { desk } = await setup();
    expect(hisIds(await desk.get('/api/appointments?fromDate=2026-05-04&toDate=2026-05-04'))).toEqual([
      'A1',
      'A2',
      'A3',
    ]);
    expect(hisIds(await desk.get('/api/appointments?fromDate=2026-05-04&toDate=2026-05-06&doctorId=D01'))).toEqual([
      'A1',
      'A2',
      'A5',
    ]);
    expect(hisIds(await desk.get('/api/appointments?visitType=%E6%B4%97%E7%89%99'))).toEqual(['A2']);
    expect(hisIds(await desk.get('/api/appointments?status=cancelled'))).toEqual(['A5']);
    expect(hisIds(await desk.get('/api/appointments?reply=awaiting_reply'))).toEqual(['A2']);
    expect(hisIds(await desk.get('/api/appointments?doctorId=NOPE'))).toEqual([]);
    const r = await desk.get('/api/appointments?fromDate=2026-05-04&toDate=2026-05-04&reply=confirmed');
    expect(r.json().items[0]).toMatchObject({
      appointmentId: 'A1',
      patientName: '王小明',
      chartNo: '0012345',
      phoneMasked: '0912-***-678',
      doctorName: '陳建志',
      lights: { reply: { code: 'confirmed', label: '確認赴約' } },
    });
  });

  it('searches by name, phone in any format or last digits, chart number', async () => {
    const { desk, c } = await setup();
    const q = async (s: string) => hisIds(await desk.get(`/api/appointments?q=${encodeURIComponent(s)}`));
    expect(await q('小明')).toEqual(['A1', 'A4']);
    expect(await q('0912-345-678')).toEqual(['A1', 'A4']);
    expect(await q('+886 912 345 678')).toEqual(['A1', 'A4']);
    expect(await q('5678')).toEqual(['A1', 'A4']);
    // Over all dates, today's and upcoming visits come first (soonest first), then the past (newest first).
    expect(await q('6789')).toEqual(['A3', 'A6']);
    const chosen = await desk.get('/api/appointments?q=6789&order=asc');
    // a chosen order is kept
    expect(chosen.json()).toMatchObject({ items: [{ appointmentId: 'A6' }, { appointmentId: 'A3' }] });
    t.clock.set('2026-05-07T02:00:00.000Z');
    try {
      const later = as(t.app, await c.staff('front_desk')); // a new day, a new login
      const q2 = async (s: string) => hisIds(await later.get(`/api/appointments?q=${encodeURIComponent(s)}`));
      expect(await q2('小明')).toEqual(['A4', 'A1']);
      expect(await q2('0012346')).toEqual(['A5', 'A2']);
    } finally {
      t.clock.set('2026-05-04T00:00:00.000Z');
    }
    expect(await q('0012346')).toEqual(['A2', 'A5']);
    expect(await q('%')).toEqual([]);
  });

  it('sorts and paginates on the server with a total', async () => {
    const { desk } = await setup();
    const p1 = (await desk.get('/api/appointments?sort=patientName&order=desc&pageSize=2&page=1')).json();
    expect(p1.total).toBe(6);
    expect(p1.hasMore).toBe(true);
    const p3 = (await desk.get('/api/appointments?sort=startsAt&order=desc&pageSize=2&page=3')).json();
    expect(p3.items.map((x: { appointmentId: string }) => x.appointmentId)).toEqual(['A1', 'A6']);
    expect(p3.hasMore).toBe(false);
    expect((await desk.get('/api/appointments?sort=bogus')).statusCode).toBe(400);
  });

  it('keeps clinics apart', async () => {
    const a = await setup();
    const b = await setup();
    const fromB = (await b.desk.get('/api/appointments')).json();
    expect(fromB.total).toBe(6);
    expect(fromB.items.every((x: { id: string }) => !Object.values(a.ids).includes(x.id))).toBe(true);
    expect((await b.desk.get(`/api/appointments/${a.ids.A1}`)).statusCode).toBe(404);
    expect((await b.desk.post(`/api/appointments/${a.ids.A1}/notes`, { body: 'x' })).statusCode).toBe(404);
    // Visit types are the clinic's own, most used first; another clinic's types never show.
    await b.his.put(
      '/his/v1/appointments/B-ONLY',
      appt('P1', 'D01', '2026-05-08T09:00:00+08:00', { visitType: '植牙諮詢' }),
    );
    expect((await b.desk.get('/api/appointments/visit-types')).json().items).toEqual([
      { visitType: '複診', count: 5 },
      { visitType: '植牙諮詢', count: 1 },
      { visitType: '洗牙', count: 1 },
    ]);
    expect(
      (await a.desk.get('/api/appointments/visit-types')).json().items.map((x: { visitType: string }) => x.visitType),
    ).toEqual(['複診', '洗牙']);
  });

  it('saves, lists and deletes filters per staff member', async () => {
    const { c, desk } = await setup();
    const s = await desk.post('/api/saved-filters', {
      name: '明天尚未回覆',
      filters: { preset: 'tomorrow', reply: 'awaiting_reply' },
    });
    expect(s.statusCode).toBe(201);
    expect((await desk.get('/api/saved-filters')).json().items).toMatchObject([
      { name: '明天尚未回覆', filters: { preset: 'tomorrow', reply: 'awaiting_reply' } },
    ]);
    expect((await as(t.app, c.admin).get('/api/saved-filters')).json().items).toEqual([]);
    expect((await as(t.app, c.admin).delete(`/api/saved-filters/${s.json().id}`)).statusCode).toBe(404);
    expect((await desk.delete(`/api/saved-filters/${s.json().id}`)).statusCode).toBe(204);
    expect((await desk.post('/api/saved-filters', { name: 'x', filters: { evil: 1 } })).statusCode).toBe(422);
  });
});

describe('detail and actions', () => {
  it('shows patient, doctor, history, notes; marks handled; refuses to message an unbound patient', async () => {
    const { c, ids, desk } = await setup();
    await t.deps.db
      .insertInto('front_desk_tasks')
      .values({
        id: newId(),
        clinic_id: c.clinicId,
        appointment_id: ids.A3,
        patient_id: (
          await t.deps.db
            .selectFrom('appointments')
            .select('patient_id')
            .where('id', '=', ids.A3)
            .executeTakeFirstOrThrow()
        ).patient_id,
        kind: 'cancel_request',
        status: 'open',
        source: 'liff',
        payload: '{"reason":"孩子發燒"}',
        created_at: '2026-05-04T00:00:00.000Z',
        handled_at: null,
        handled_by: null,
      })
      .execute();
    expect((await desk.post(`/api/appointments/${ids.A3}/notes`, { body: '已致電，改約下週' })).statusCode).toBe(201);
    const h = await desk.post(`/api/appointments/${ids.A3}/handle`, {});
    expect(h.json().handledTasks).toBe(1);
    const d = (await desk.get(`/api/appointments/${ids.A3}`)).json();
    expect(d).toMatchObject({
      appointmentId: 'A3',
      patient: { name: '張大同', chartNo: '0099999' },
      doctor: { id: 'D02', name: '林怡伶' },
      lights: { reply: { code: 'cancel_requested' } },
    });
    expect(d.notes.map((n: { kind: string }) => n.kind)).toEqual(['note', 'handled']);
    expect(d.tasks[0]).toMatchObject({ kind: 'cancel_request', status: 'handled' });
    expect(d.history.map((x: { lines: string[] }) => x.lines)).toEqual([
      ['建立預約：5/4（一） 14:00・林怡伶・複診・已預約（HIS）'],
      ['回覆：尚未提醒 → 要求取消（病患於 LINE 申請）'],
    ]);
    const p1 = (await desk.get(`/api/appointments/${ids.A1}`)).json();
    expect(p1.patient.nationalIdMasked).toBe('A12****789');
    const m = await desk.post(`/api/appointments/${ids.A1}/send-message`, { text: '您好' });
    expect(m.statusCode).toBe(409);
    expect(m.json().error.code).toBe('PATIENT_NOT_BOUND');
    expect((await desk.get(`/api/appointments/${ids.A1}/messages`)).json()).toEqual({ bound: false, items: [] });
    const viewer = as(t.app, await c.staff('viewer'));
    expect((await viewer.post(`/api/appointments/${ids.A1}/notes`, { body: 'x' })).statusCode).toBe(403);
  });
});

describe('doctors and the staff ↔ doctor link', () => {
  it('a doctor account is linked by an admin (else matched by name) and sees that doctor as its own', async () => {
    const { c } = await setup();
    const docSession = await c.staff('doctor');
    const doc = as(t.app, docSession);
    // Named like none of the clinic's doctors: the calendar asks the person to have an admin link it.
    expect((await doc.get('/api/doctors')).json()).toMatchObject({
      myDoctorId: null,
      matchedBy: null,
      unlinkedDoctorLogin: true,
      items: [
        { id: 'D01', name: '陳建志' },
        { id: 'D02', name: '林怡伶' },
      ],
    });
    const admin = as(t.app, c.admin);
    expect((await doc.put(`/api/doctor-links/${docSession.userId}`, { doctorId: 'D02' })).statusCode).toBe(403);
    expect((await admin.put(`/api/doctor-links/${docSession.userId}`, { doctorId: 'D02' })).statusCode).toBe(200);
    expect((await doc.get('/api/doctors')).json()).toMatchObject({
      myDoctorId: 'D02',
      matchedBy: 'link',
      unlinkedDoctorLogin: false,
    });
    // A front-desk login has no doctor of its own and is not asked to link one.
    expect((await as(t.app, await c.staff('front_desk')).get('/api/doctors')).json()).toMatchObject({
      myDoctorId: null,
      unlinkedDoctorLogin: false,
    });
    expect((await admin.get('/api/doctor-links')).json().items).toMatchObject([
      { staffId: docSession.userId, doctorId: 'D02' },
    ]);
    expect((await admin.put(`/api/doctor-links/${docSession.userId}`, { doctorId: 'NOPE' })).statusCode).toBe(404);
    const other = await setup();
    expect(
      (await as(t.app, other.c.admin).put(`/api/doctor-links/${docSession.userId}`, { doctorId: 'D01' })).statusCode,
    ).toBe(404);
  });
});

describe('home and KPIs', () => {
  it('summarises today by hour and doctor with the counters', async () => {
    const { desk } = await setup();
    const r = await desk.get('/api/home/today');
    expect(r.statusCode).toBe(200);
    const s = r.json();
    expect(s.date).toBe('2026-05-04');
    expect(s.counts).toMatchObject({ total: 3, confirmed: 1, awaitingReply: 1, blockedToday: 0, failedMessages: 0 });
    expect(s.hours).toEqual([9, 10, 14]);
    expect(s.cells).toContainEqual({
      doctorId: 'D02',
      hour: 14,
      total: 1,
      confirmed: 0,
      awaiting: 0,
      notSent: 0,
      requests: 1,
      done: 0,
      missed: 0,
    });
    expect(s.awaiting.map((x: { patientName: string }) => x.patientName)).toEqual(['李美華']);
  });

  it('computes the KPI rates from the data with their definitions', async () => {
    t.clock.set('2026-05-04T12:00:00.000Z'); // 20:00 in Taipei
    const { desk } = await setup();
    const k = (await desk.get('/api/kpis?period=today')).json().kpis;
    expect(k.confirmationRate).toMatchObject({ numerator: 1, denominator: 3, value: 0.333 });
    expect(k.cancelRate).toMatchObject({ numerator: 1, denominator: 3 });
    expect(k.bindingRate).toMatchObject({ numerator: 0, denominator: 3, value: 0 });
    expect(k.deliveryRate).toMatchObject({ denominator: 0, value: null });
    expect(k.noShowRate.definition).toMatch(/未到/);
    const month = (await desk.get('/api/kpis?period=month')).json().kpis;
    expect(month.noShowRate).toMatchObject({ numerator: 1, denominator: 1, value: 1 });
    t.clock.set('2026-05-04T00:00:00.000Z');
  });
});

describe('iCalendar feeds', () => {
  const fetchIcs = async (url: string, qs = '') => t.app.inject({ method: 'GET', url: new URL(url).pathname + qs });

  it('serves valid RFC 5545 per doctor and for all doctors, parsed by ical.js', async () => {
    const { c, his } = await setup();
    const admin = as(t.app, c.admin);
    const feeds = (await admin.get('/api/calendar-feeds')).json();
    expect(feeds.feeds.map((f: { doctorName: string }) => f.doctorName)).toEqual(['全部醫師', '陳建志', '林怡伶']);
    const all = await fetchIcs(feeds.feeds[0].url, '?from=2026-05-01&to=2026-05-31');
    expect(all.statusCode).toBe(200);
    expect(all.headers['content-type']).toMatch(/text\/calendar/);
    const comp = new ICAL.Component(ICAL.parse(all.body));
    const tz = comp.getFirstSubcomponent('vtimezone')!;
    expect(tz.getFirstPropertyValue('tzid')).toBe('Asia/Taipei');
    ICAL.TimezoneService.register(tz);
    expect(comp.getAllSubcomponents('vevent')[0].getFirstProperty('dtstart')!.getParameter('tzid')).toBe('Asia/Taipei');
    expect(comp.getAllSubcomponents('vevent')[0].getFirstProperty('dtstamp')!.toICALString()).toMatch(/Z$/);
    const events = comp.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events).toHaveLength(6);
    const a1 = events.find((e) => e.summary.startsWith('王小明'))!;
    expect(a1.startDate.zone.tzid).toBe('Asia/Taipei');
    expect(a1.startDate.toString()).toBe('2026-05-04T09:00:00');
    expect(a1.startDate.toJSDate().toISOString()).toBe('2026-05-04T01:00:00.000Z');
    expect(a1.endDate.toJSDate().toISOString()).toBe('2026-05-04T01:20:00.000Z');
    const cancelled = comp
      .getAllSubcomponents('vevent')
      .find((v) => String(v.getFirstPropertyValue('summary')).includes('已取消'))!;
    expect(cancelled.getFirstPropertyValue('status')).toBe('CANCELLED');
    const uid = a1.uid;
    const seq = a1.sequence;
    // A change in the HIS: same UID, higher SEQUENCE.
    await his.put('/his/v1/appointments/A1', appt('P1', 'D01', '2026-05-04T11:00:00+08:00', { version: 2 }));
    const again = new ICAL.Component(
      ICAL.parse((await fetchIcs(feeds.feeds[0].url, '?from=2026-05-01&to=2026-05-31')).body),
    );
    const moved = again
      .getAllSubcomponents('vevent')
      .map((v) => new ICAL.Event(v))
      .find((e) => e.uid === uid)!;
    expect(moved.sequence).toBeGreaterThan(seq);
    expect(moved.startDate.toString()).toBe('2026-05-04T11:00:00');
    // Per doctor: only D02's visits.
    const d2 = new ICAL.Component(
      ICAL.parse((await fetchIcs(feeds.feeds[2].url, '?from=2026-05-01&to=2026-05-31')).body),
    );
    expect(d2.getAllSubcomponents('vevent')).toHaveLength(2);
  });

  it('shows only initials when the clinic asks, rotates the secret (old URL 404) and keeps clinics apart', async () => {
    const { c, ids } = await setup();
    const other = await setup();
    const admin = as(t.app, c.admin);
    expect((await admin.put('/api/frontdesk/settings', { initialsOnly: true })).json()).toMatchObject({
      initialsOnly: true,
    });
    const feeds = (await admin.get('/api/calendar-feeds')).json();
    const body = (await fetchIcs(feeds.feeds[0].url, '?from=2026-05-01&to=2026-05-31')).body;
    expect(body).toContain('王○明');
    expect(body).not.toContain('王小明');
    const rotated = await admin.post('/api/calendar-feeds/rotate', { doctorId: null });
    expect(rotated.statusCode).toBe(200);
    expect((await fetchIcs(feeds.feeds[0].url)).statusCode).toBe(404);
    expect((await fetchIcs(rotated.json().url)).statusCode).toBe(200);
    // The other clinic's feed shows only its own appointments.
    const otherFeeds = (await as(t.app, other.c.admin).get('/api/calendar-feeds')).json();
    expect(otherFeeds.feeds[0].url).not.toBe(rotated.json().url);
    const otherBody = (await fetchIcs(otherFeeds.feeds[0].url, '?from=2026-05-01&to=2026-05-31')).body;
    for (const id of Object.values(ids)) expect(otherBody).not.toContain(id);
    expect(otherBody).toContain('王小明');
    // Not for the front desk; bad tokens and ranges.
    expect((await as(t.app, await c.staff('front_desk')).get('/api/calendar-feeds')).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/calendar/not-a-token.ics' })).statusCode).toBe(404);
    expect((await fetchIcs(rotated.json().url, '?from=2026-13-01')).statusCode).toBe(400);
  });
});
