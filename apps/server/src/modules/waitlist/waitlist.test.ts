// The waitlist end to end with the LINE emulator: staff (or the patient in LIFF) put patients on
// the waitlist; the HIS cancels (or moves) a visit ahead → the slot is offered in waves to the
// matching patients; the first 「我要這個時段」 wins — two taps at the same instant give one
// winner — and becomes a booking request (source waitlist); the others are told it is taken.
// Quiet hours hold a wave; a retried outcome or wave sends nothing twice; bad input is refused
// with a zh-TW message; another clinic sees and changes nothing. Both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as } from '../../testing/helpers.ts';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { liffSteps, phone } from '../../testing/liff.ts';
import { answerOffer, runWave, waitlistOnOutcome } from './offers.ts';
import { refillStats, waitlistService } from './service.ts';

let b: LineTestbed;
let s: ReturnType<typeof liffSteps>;
beforeAll(async () => {
  b = await createLineTestbed();
  s = liffSteps(b);
});
afterAll(async () => b.close());

// Wednesday 2026-12-09 10:00 in Taipei.
const NOW = '2026-12-09T02:00:00.000Z';
const MIN = 60_000;
const at = (minutes: number) => new Date(Date.parse(NOW) + minutes * MIN).toISOString();
const VISIT = '2026-12-11T10:00:00+08:00'; // Friday morning

type Setup = Awaited<ReturnType<typeof setup>>;
async function setup(n = 2) {
  b.t.clock.set(NOW);
  const c = await s.clinic();
  const admin = as(b.t.app, c.admin);
  const desk = as(b.t.app, await c.staff('front_desk'));
  await c.his.put('/his/v1/patients/P0', { name: '取消者', phone: phone() });
  const people: { hisId: string; id: string; u: string; name: string }[] = [];
  for (let i = 1; i <= n; i++) {
    const p = phone();
    const name = `候補${i}號`;
    await c.his.put(`/his/v1/patients/P${i}`, { name, phone: p });
    const { u } = await s.bindUser(c, p, `${name}的LINE`);
    const row = await b.t.deps.db
      .selectFrom('patients')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', `P${i}`)
      .executeTakeFirstOrThrow();
    people.push({ hisId: `P${i}`, id: row.id, u, name });
  }
  await c.his.put('/his/v1/appointments/A1', {
    patientId: 'P0',
    doctorId: 'D1',
    startsAt: VISIT,
    durationMinutes: 20,
    visitType: '洗牙',
    status: 'booked',
    version: 1,
  });
  await b.drain();
  const join = async (i: number, over: Record<string, unknown> = {}) => {
    const r = await desk.post('/api/waitlist/entries', {
      patientId: people[i - 1].id,
      doctorId: 'D1',
      visitType: null,
      dateFrom: '2026-12-10',
      dateTo: '2026-12-20',
      timeOfDay: 'morning',
      note: null,
      ...over,
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json();
  };
  const cancel = async (status = 'cancelled', over: Record<string, unknown> = {}) => {
    const r = await c.his.put('/his/v1/appointments/A1', {
      patientId: 'P0',
      doctorId: 'D1',
      startsAt: VISIT,
      durationMinutes: 20,
      visitType: '洗牙',
      status,
      version: 2,
      ...over,
    });
    expect(r.statusCode).toBe(200);
    await b.drain();
  };
  const offers = async (i: number) =>
    (await s.sent(c.channelId, people[i - 1].u)).filter((m) => (m.message.altText ?? '').startsWith('候補時段通知'));
  const texts = async (i: number) =>
    (await s.sent(c.channelId, people[i - 1].u)).map((m) => m.message.text ?? '').filter(Boolean);
  // Through the service: the tests move the clock past a staff session's lifetime.
  const slots = async () => (await waitlistService(b.t.deps).slots(c.clinicId, { limit: 50, offset: 0 })).items;
  const offerIds = async () =>
    b.t.deps.db
      .selectFrom('waitlist_offers')
      .select(['id', 'patient_id', 'line_user_id', 'status'])
      .where('clinic_id', '=', c.clinicId)
      .execute();
  /** The booking requests the waitlist made (the booking module's table, read for the test). */
  const requests = async () =>
    (
      await b.t.deps.db
        .selectFrom('booking_requests')
        .select(['id', 'patient_id', 'starts_at', 'ends_at', 'source', 'status', 'line_user_id'])
        .where('clinic_id', '=', c.clinicId)
        .execute()
    ).map((r) => ({ patientId: r.patient_id, startsAt: r.starts_at, endsAt: r.ends_at, source: r.source, id: r.id }));
  return { c, admin, desk, people, join, cancel, offers, texts, slots, offerIds, requests };
}

const dataOf = (m: { message: unknown }) => {
  const j = JSON.stringify(m.message);
  return /"data":"(wl=[^"]+:take)"/.exec(j)![1];
};
async function tap(x: Setup, i: number, data: string, label = '我要這個時段') {
  await b.emu_('POST', `/_emulator/users/${x.people[i - 1].u}/postback`, {
    channelId: x.c.channelId,
    data,
    displayText: label,
  });
  await b.drain();
}

describe('waitlist', { timeout: 180_000 }, () => {
  it('a cancelled visit ahead is offered to both; the first tap wins, the other is told it is taken', async () => {
    const x = await setup(2);
    await x.join(1);
    await x.join(2, { doctorId: null, timeOfDay: 'any' });
    await x.cancel();
    const [o1] = await x.offers(1);
    const [o2] = await x.offers(2);
    expect(o1.retryKey).toBeTruthy();
    expect(JSON.stringify(o1.message)).toContain('候補1號 您好');
    expect(JSON.stringify(o1.message)).toContain('12月11日（週五）');
    expect(JSON.stringify(o1.message)).toContain('林醫師');
    await tap(x, 2, dataOf(o2));
    expect((await x.texts(2)).at(-1)).toBe(
      '已為您保留 12月11日（週五）10:00 林醫師 的時段，預約申請已送給診所，確認後會再通知您。',
    );
    // the one who did not answer is told (non-essential notice, within the budget)
    expect((await x.texts(1)).at(-1)).toContain('12月11日（週五）10:00 林醫師 的候補時段已由其他病患預約');
    // tapping afterwards: the free reply says it is taken
    await tap(x, 1, dataOf(o1));
    expect((await x.texts(1)).at(-1)).toBe(
      '很抱歉，這個時段已由其他候補的病患預約。您仍在候補名單中，有新的空檔會再通知您。',
    );
    const requests = await x.requests();
    expect(requests).toEqual([
      {
        id: expect.any(String),
        patientId: x.people[1].id,
        startsAt: '2026-12-11T02:00:00.000Z',
        endsAt: '2026-12-11T02:20:00.000Z',
        source: 'waitlist',
      },
    ]);
    const [slot] = await x.slots();
    expect(slot).toMatchObject({
      reason: 'cancelled',
      status: 'filled',
      statusLabel: '已補上',
      doctorName: '林醫師',
      visitType: '洗牙',
      waves: 1,
      offersSent: 2,
      minutesToFill: 0,
      filledPatientName: '候補2號',
      bookingRequestId: requests[0].id,
      endsAt: '2026-12-11T02:20:00.000Z',
    });
    expect(slot.offers.map((o: { patientName: string; status: string }) => [o.patientName, o.status]).sort()).toEqual([
      ['候補1號', 'taken'],
      ['候補2號', 'accepted'],
    ]);
    const entries = (await x.desk.get('/api/waitlist/entries?status=all')).json().items;
    expect(entries.map((e: { patientName: string; status: string }) => [e.patientName, e.status]).sort()).toEqual([
      ['候補1號', 'waiting'],
      ['候補2號', 'booked'],
    ]);
    expect(await refillStats(b.t.deps, x.c.clinicId, '2026-12-09', '2026-12-09')).toEqual({
      freed: 1,
      offered: 1,
      filled: 1,
      medianMinutesToFill: 0,
    });
  });

  it('one open offer per patient: a second freed slot waits until the first offer is answered', async () => {
    const x = await setup(1);
    await x.join(1, { timeOfDay: 'any' });
    await x.cancel();
    await x.c.his.put('/his/v1/appointments/A2', {
      patientId: 'P0',
      doctorId: 'D1',
      startsAt: '2026-12-11T15:00:00+08:00',
      status: 'booked',
      version: 1,
    });
    await x.c.his.put('/his/v1/appointments/A2', {
      patientId: 'P0',
      doctorId: 'D1',
      startsAt: '2026-12-11T15:00:00+08:00',
      status: 'cancelled',
      version: 2,
    });
    await b.drain();
    expect(await x.offers(1)).toHaveLength(1);
    const [first] = await x.offers(1);
    await tap(x, 1, dataOf(first).replace(':take', ':decline'), '這次不用了');
    b.t.clock.set(at(5)); // the second slot's next wave
    await b.drain();
    const offers = await x.offers(1);
    expect(offers).toHaveLength(2);
    expect(JSON.stringify(offers[1].message)).toContain('15:00');
  });

  it('two patients accepting at the same instant: exactly one gets the slot', async () => {
    const x = await setup(2);
    await x.join(1);
    await x.join(2);
    await x.cancel();
    const rows = await x.offerIds();
    expect(rows).toHaveLength(2);
    b.t.clock.set(at(7));
    const answers = await Promise.all(
      rows.map((r) => answerOffer(b.t.deps, x.c.clinicId, r.id, r.line_user_id, 'take')),
    );
    expect(answers.filter((a) => a.startsWith('已為您保留'))).toHaveLength(1);
    expect(answers.filter((a) => a.startsWith('很抱歉，這個時段已由其他'))).toHaveLength(1);
    expect(await x.requests()).toHaveLength(1);
    // a double tap of the winner asks the HIS once and says the same
    const winner = rows[answers.findIndex((a) => a.startsWith('已為您保留'))];
    expect(await answerOffer(b.t.deps, x.c.clinicId, winner.id, winner.line_user_id, 'take')).toMatch(/^已為您保留/);
    expect(await x.requests()).toHaveLength(1);
    const [slot] = await x.slots();
    expect(slot.minutesToFill).toBe(7);
    expect((await x.offerIds()).map((o) => o.status).sort()).toEqual(['accepted', 'taken']);
  });

  it('waves: one patient every 5 minutes, oldest first; a retried wave or outcome sends nothing twice', async () => {
    const x = await setup(3);
    expect(
      (await x.admin.put('/api/waitlist/settings', { enabled: true, waveSize: 1, waveMinutes: 5 })).statusCode,
    ).toBe(200);
    await x.join(2);
    await x.join(1);
    await x.join(3, { timeOfDay: 'afternoon' }); // a morning slot: never offered
    await x.cancel();
    expect(await x.offers(2)).toHaveLength(1);
    expect(await x.offers(1)).toHaveLength(0);
    // the outcome hook and the first wave again: nothing more
    const [slotRow] = await b.t.deps.db
      .selectFrom('waitlist_slots')
      .selectAll()
      .where('clinic_id', '=', x.c.clinicId)
      .execute();
    const a1 = await b.t.deps.db
      .selectFrom('appointments')
      .selectAll()
      .where('id', '=', slotRow.appointment_id)
      .executeTakeFirstOrThrow();
    await waitlistOnOutcome(b.t.deps, x.c.clinicId, {
      appointmentId: a1.id,
      appointmentHisId: 'A1',
      patientId: a1.patient_id,
      doctorId: a1.doctor_id,
      visitType: '洗牙',
      treatmentCodes: null,
      status: 'cancelled',
      previousStatus: 'booked',
      startsAt: a1.starts_at,
      version: 2,
    });
    await runWave(b.t.deps, x.c.clinicId, slotRow.id, 1);
    await b.drain();
    expect(await x.offers(2)).toHaveLength(1);
    expect(
      await b.t.deps.db.selectFrom('waitlist_slots').select('id').where('clinic_id', '=', x.c.clinicId).execute(),
    ).toHaveLength(1);
    b.t.clock.set(at(5));
    await b.drain();
    const [o1] = await x.offers(1);
    expect(o1).toBeTruthy();
    b.t.clock.set(at(10));
    await b.drain();
    expect(await x.offers(3)).toHaveLength(0);
    await tap(x, 1, dataOf(o1));
    expect((await x.texts(1)).at(-1)).toMatch(/^已為您保留/);
    expect((await x.texts(2)).at(-1)).toContain('已由其他病患預約');
    expect((await x.texts(3)).some((t) => t.includes('候補時段'))).toBe(false);
    const [slot] = await x.slots();
    expect(slot).toMatchObject({ status: 'filled', waves: 2, offersSent: 2, minutesToFill: 10 });
    await x.admin.put('/api/waitlist/settings', { enabled: true, waveSize: 5, waveMinutes: 5 });
  });

  it('a move frees the start it left; quiet hours hold a wave; 「這次不用了」 keeps the patient waiting', async () => {
    const x = await setup(1);
    await x.join(1, { timeOfDay: 'any' });
    b.t.clock.set('2026-12-09T14:00:00.000Z'); // 22:00 in Taipei
    await x.cancel('booked', { startsAt: '2026-12-12T15:00:00+08:00' });
    expect(await x.offers(1)).toHaveLength(0);
    const [held] = await x.slots();
    expect(held).toMatchObject({ reason: 'moved', status: 'offering', waves: 0, startsAt: '2026-12-11T02:00:00.000Z' });
    b.t.clock.set('2026-12-10T00:00:00.000Z'); // 08:00
    await b.drain();
    const [o] = await x.offers(1);
    expect(o).toBeTruthy();
    await tap(x, 1, dataOf(o).replace(':take', ':decline'), '這次不用了');
    expect((await x.texts(1)).at(-1)).toBe('好的，這次不為您保留。您仍在候補名單中，有新的空檔會再通知您。');
    const entries = await waitlistService(b.t.deps).entries(x.c.clinicId, { status: 'waiting', limit: 50, offset: 0 });
    expect(entries.items).toMatchObject([{ status: 'waiting' }]);
    // offers close an hour before the slot: the slot expires, a late tap is told so
    b.t.clock.set('2026-12-11T01:00:00.000Z');
    await b.drain();
    expect((await x.slots())[0]).toMatchObject({ status: 'expired', statusLabel: '已截止' });
    await tap(x, 1, dataOf(o));
    expect((await x.texts(1)).at(-1)).toBe('很抱歉，這個時段已截止受理。您仍在候補名單中，有新的空檔會再通知您。');
    expect(await x.requests()).toEqual([]);
  });

  it('no slot for a visit first seen cancelled, one too soon, or switched off; nobody matching: no_match', async () => {
    const x = await setup(1);
    await x.join(1, { dateFrom: '2026-12-15' }); // after the freed day
    await x.cancel();
    expect(await x.slots()).toMatchObject([{ status: 'no_match', offersSent: 0 }]);
    await x.c.his.put('/his/v1/appointments/A2', {
      patientId: 'P0',
      doctorId: 'D1',
      startsAt: '2026-12-16T10:00:00+08:00',
      status: 'cancelled',
      version: 1,
    });
    await x.c.his.put('/his/v1/appointments/A3', {
      patientId: 'P0',
      doctorId: 'D1',
      startsAt: '2026-12-09T10:30:00+08:00', // in 30 minutes: offers would close before they start
      status: 'booked',
      version: 1,
    });
    await x.c.his.put('/his/v1/appointments/A3', {
      patientId: 'P0',
      doctorId: 'D1',
      startsAt: '2026-12-09T10:30:00+08:00',
      status: 'cancelled',
      version: 2,
    });
    await b.drain();
    expect(await x.slots()).toHaveLength(1);
    expect(
      (await x.admin.put('/api/waitlist/settings', { enabled: false, waveSize: 5, waveMinutes: 5 })).statusCode,
    ).toBe(200);
    await x.c.his.put('/his/v1/appointments/A4', {
      patientId: 'P0',
      doctorId: 'D1',
      startsAt: '2026-12-16T10:00:00+08:00',
      status: 'booked',
      version: 1,
    });
    await x.c.his.put('/his/v1/appointments/A4', {
      patientId: 'P0',
      doctorId: 'D1',
      startsAt: '2026-12-16T10:00:00+08:00',
      status: 'cancelled',
      version: 2,
    });
    await b.drain();
    expect(await x.slots()).toHaveLength(1);
    expect(await x.offers(1)).toHaveLength(0);
  });

  it('bad entries are refused with a zh-TW message; a duplicate is 409; cancel is idempotent', async () => {
    const x = await setup(1);
    const base = {
      patientId: x.people[0].id,
      doctorId: 'D1',
      visitType: null,
      dateFrom: '2026-12-10',
      dateTo: '2026-12-20',
      timeOfDay: 'morning',
      note: null,
    };
    const bad = async (over: Record<string, unknown>, status: number, field?: string) => {
      const r = await x.desk.post('/api/waitlist/entries', { ...base, ...over });
      expect(r.statusCode, r.body).toBe(status);
      if (field) expect(r.json().error.details[0].field).toBe(field);
      return r.json().error;
    };
    expect((await bad({ dateFrom: '2026-12-08' }, 422, 'dateFrom')).details[0].message).toBe('開始日期不能早於今天');
    await bad({ dateTo: '2026-12-09' }, 422, 'dateTo');
    expect((await bad({ dateTo: '2027-04-01' }, 422, 'dateTo')).details[0].message).toContain('90 天');
    await bad({ dateFrom: '2026-02-30' }, 422, 'dateFrom');
    await bad({ doctorId: 'NOPE' }, 422, 'doctorId');
    await bad({ patientId: 'nobody' }, 422, 'patientId');
    await bad({ timeOfDay: 'night' }, 422);
    const e = await x.join(1);
    expect(e).toMatchObject({ status: 'waiting', doctorId: 'D1', doctorName: '林醫師', lineReachable: true });
    const dup = await bad({}, 409);
    expect(dup.code).toBe('WAITLIST_DUPLICATE');
    expect(dup.message).toContain('已在這位醫師的候補名單中');
    const c1 = await x.desk.post(`/api/waitlist/entries/${e.id}/cancel`, {});
    const c2 = await x.desk.post(`/api/waitlist/entries/${e.id}/cancel`, {});
    expect([c1.statusCode, c2.statusCode]).toEqual([200, 200]);
    expect(c2.json()).toMatchObject({ status: 'cancelled', statusLabel: '已取消' });
    // settings out of range
    const r = await x.admin.put('/api/waitlist/settings', { enabled: true, waveSize: 0, waveMinutes: 5 });
    expect(r.statusCode).toBe(422);
    expect(
      (await x.desk.put('/api/waitlist/settings', { enabled: true, waveSize: 3, waveMinutes: 5 })).statusCode,
    ).toBe(403);
  });

  it('the patient joins and leaves in LIFF for self or family; not for someone else', async () => {
    const x = await setup(1);
    const api = s.liff(b.t, x.c.channelId, await s.idToken(x.c.channelId, x.people[0].u));
    const page = (await api.get('/waitlist')).json();
    expect(page.members).toEqual([{ id: x.people[0].id, name: '候補1號' }]);
    expect(page.doctors.map((d: { name: string }) => d.name)).toEqual(['林醫師']);
    const joined = await api.post('/waitlist', {
      patientId: x.people[0].id,
      dateFrom: '2026-12-10',
      dateTo: '2026-12-12',
      timeOfDay: 'any',
    });
    expect(joined.statusCode, joined.body).toBe(200);
    expect(joined.json().entries).toMatchObject([
      { doctorName: null, statusLabel: '候補中', timeOfDayLabel: '不限時段' },
    ]);
    const other = await api.post('/waitlist', {
      patientId: 'someone-else',
      dateFrom: '2026-12-10',
      dateTo: '2026-12-12',
      timeOfDay: 'any',
    });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.details[0].message).toBe('請選擇已綁定的本人或家人');
    // the LIFF entry gets the offer on the LINE user who joined
    await x.cancel();
    expect(await x.offers(1)).toHaveLength(1);
    const id = joined.json().entries[0].id;
    const stranger = s.liff(b.t, x.c.channelId, await s.idToken(x.c.channelId, await s.user('路人')));
    expect((await stranger.post(`/waitlist/${id}/cancel`)).statusCode).toBe(404);
    const left = await api.post(`/waitlist/${id}/cancel`);
    expect(left.statusCode).toBe(200);
    expect(left.json().entries[0].status).toBe('cancelled');
    expect((await api.get('/waitlist')).statusCode).toBe(200);
    expect((await s.liff(b.t, x.c.channelId, null).get('/waitlist')).statusCode).toBe(401);
  });

  it('another clinic sees and changes nothing', async () => {
    const x = await setup(1);
    const e = await x.join(1);
    await x.cancel();
    const y = await setup(0);
    expect((await y.admin.get('/api/waitlist/entries?status=all')).json()).toEqual({ items: [], total: 0 });
    expect((await y.admin.get('/api/waitlist/slots')).json()).toEqual({ items: [], total: 0 });
    expect((await x.admin.get('/api/waitlist/slots')).json().total).toBe(1);
    expect((await y.desk.post(`/api/waitlist/entries/${e.id}/cancel`, {})).statusCode).toBe(404);
    const [offer] = await x.offerIds();
    expect(await answerOffer(b.t.deps, y.c.clinicId, offer.id, offer.line_user_id, 'take')).toBe(
      '找不到這則候補通知，請直接留言告訴我們，謝謝。',
    );
    expect(
      (
        await y.desk.post('/api/waitlist/entries', {
          patientId: x.people[0].id,
          doctorId: null,
          visitType: null,
          dateFrom: '2026-12-10',
          dateTo: '2026-12-20',
          timeOfDay: 'any',
          note: null,
        })
      ).statusCode,
    ).toBe(422);
    expect((await x.slots())[0].status).toBe('offering');
  });
});
