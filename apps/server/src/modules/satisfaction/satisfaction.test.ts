// Post-visit satisfaction end to end with the LINE emulator: a completed visit → one survey after
// the delay (quiet hours respected, once per visit, a retry key) → star taps counted once → every
// respondent offered the Google review link (no gating), 3 stars or fewer also asked 「想讓我們
// 知道哪裡可以更好嗎？」 and their comment (LIFF page or a LINE text) opens a feedback case; an
// expired survey counts nothing; a 5,000-character comment → 422; at most one ask per patient
// per N days; the dashboard, the answers and the CSV / XLSX export; another clinic sees nothing.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as } from '../../testing/helpers.ts';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { liffSteps, phone } from '../../testing/liff.ts';
import { caseService } from '../cases/service.ts';
import type { EventContext } from '../line/events.ts';
import { lineService } from '../line/service.ts';
import { onSurveyPostback } from './hooks.ts';
import { mayAskPatient, notePatientAsked, parsePlaceId, surveyOnOutcome } from './service.ts';

let b: LineTestbed;
let s: ReturnType<typeof liffSteps>;

beforeAll(async () => {
  b = await createLineTestbed();
  s = liffSteps(b);
});
afterAll(async () => b.close());

const PLACE = 'ChIJgUbEo8cfqokR5lP9_Wh_DaM';
const REVIEW = `https://search.google.com/local/writereview?placeid=${PLACE}`;
// Wednesday 2026-06-10 10:00 Taipei.
const T0 = '2026-06-10T02:00:00.000Z';

type Msg = {
  via: string;
  retryKey?: string | null;
  message: {
    type: string;
    text?: string;
    altText?: string;
    contents?: unknown;
    template?: { text?: string; actions: { type: string; label: string; uri?: string; data?: string }[] };
  };
};
const sent = async (channelId: string, u: string) => (await s.sent(channelId, u)) as Msg[];
const surveysIn = (ms: Msg[]) => ms.filter((m) => m.message.altText?.startsWith('看診滿意度調查'));
const uris = (ms: Msg[]) => ms.flatMap((m) => m.message.template?.actions.map((a) => a.uri ?? '') ?? []);

async function setup(opts: { settings?: Record<string, unknown> } = {}) {
  b.t.clock.set(T0);
  const c = await s.clinic();
  const p = phone();
  await c.his.put('/his/v1/patients/P1', { name: '陳小明', phone: p });
  const { u, api } = await s.bindUser(c, p, '陳先生');
  const admin = as(b.t.app, c.admin);
  const put = await admin.put('/api/satisfaction/settings', {
    enabled: true,
    delayMinutes: 120,
    validityDays: 7,
    minDaysBetween: 30,
    doctorIds: null,
    visitTypes: null,
    placeId: PLACE,
    messageText: '{name} 您好，感謝您今天到{clinic}看診，請為這次看診評分。',
    ...opts.settings,
  });
  expect(put.statusCode, put.body).toBe(200);
  return { c, u, api, admin };
}

type Clinic = Awaited<ReturnType<typeof setup>>['c'];

/**
 * The HIS books visit `hisId` (started `startsAt`) and then marks it completed: the ingest's
 * `appointments.outcome` job runs the survey hook (wired in jobs.ts).
 */
async function complete(c: Clinic, hisId: string, startsAt: string, extra: Record<string, unknown> = {}) {
  const body = { patientId: 'P1', doctorId: 'D1', startsAt, ...extra };
  const booked = await c.his.put(`/his/v1/appointments/${hisId}`, { ...body, status: 'booked', version: 1 });
  expect(booked.statusCode, booked.body).toBeLessThan(300);
  const r = await c.his.put(`/his/v1/appointments/${hisId}`, { ...body, status: 'completed', version: 2 });
  expect(r.statusCode, r.body).toBeLessThan(300);
  await b.drain();
  const a = await b.t.deps.db
    .selectFrom('appointments')
    .selectAll()
    .where('clinic_id', '=', c.clinicId)
    .where('his_id', '=', hisId)
    .executeTakeFirstOrThrow();
  const o = {
    appointmentId: a.id,
    patientId: a.patient_id,
    doctorId: a.doctor_id,
    visitType: a.visit_type,
    status: 'completed',
    previousStatus: 'booked',
    startsAt: a.starts_at,
  };
  return { appointment: a, outcome: o };
}

const surveyRow = (clinicId: string, appointmentId: string) =>
  b.t.deps.db
    .selectFrom('satisfaction_surveys')
    .selectAll()
    .where('clinic_id', '=', clinicId)
    .where('appointment_id', '=', appointmentId)
    .executeTakeFirst();

async function advance(ms: number) {
  b.t.clock.advance(ms);
  await b.drain();
}

async function tap(channelId: string, u: string, data: string) {
  const before = (await sent(channelId, u)).length;
  await b.emu_('POST', `/_emulator/users/${u}/postback`, { channelId, data });
  for (let i = 0; i < 100; i++) {
    await b.drain();
    const all = await sent(channelId, u);
    if (all.length > before) {
      await new Promise((r) => setTimeout(r, 30));
      await b.drain();
      return (await sent(channelId, u)).slice(before);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no answer to the tap');
}

async function say(channelId: string, u: string, text: string) {
  const before = (await sent(channelId, u)).length;
  await b.emu_('POST', `/_emulator/users/${u}/messages`, { channelId, text });
  for (let i = 0; i < 100; i++) {
    await b.drain();
    if ((await sent(channelId, u)).length > before) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return (await sent(channelId, u)).slice(before);
}

/** A visit completed now and its survey sent (delay passed): the survey's id. */
async function surveyed(c: Clinic, u: string, hisId = 'A1') {
  const { appointment } = await complete(c, hisId, new Date(b.t.clock.now().getTime() - 30 * 60_000).toISOString());
  await advance(121 * 60_000);
  const row = (await surveyRow(c.clinicId, appointment.id))!;
  expect(row.status).toBe('sent');
  expect(surveysIn(await sent(c.channelId, u))).toHaveLength(1);
  return row.id;
}

describe('Place ID', () => {
  it('accepts IDs of Google’s shape and review links, refuses anything else', () => {
    expect(parsePlaceId(PLACE)).toBe(PLACE);
    expect(parsePlaceId(` ${REVIEW} `)).toBe(PLACE);
    expect(parsePlaceId('https://www.google.com/maps/place/?q=place_id:ChIJgUbEo8cfqokR5lP9_Wh_DaM')).toBe(PLACE);
    expect(parsePlaceId('')).toBe('');
    for (const bad of [
      '台北牙醫診所',
      'ChIJ 123',
      'short',
      'https://maps.app.goo.gl/abc',
      'ChIJ<script>alert(1)</script>',
    ])
      expect(parsePlaceId(bad)).toBeNull();
  });
});

describe('satisfaction survey', { timeout: 120_000 }, () => {
  it('one survey after the delay with a retry key; 2 stars + comment → a case and the review link', async () => {
    const { c, u, api } = await setup();
    const { appointment, outcome } = await complete(c, 'A1', '2026-06-10T01:30:00.000Z');
    const row = (await surveyRow(c.clinicId, appointment.id))!;
    expect(row).toMatchObject({ status: 'scheduled', send_at: '2026-06-10T04:00:00.000Z' });
    // Nothing before the delay; a retried outcome changes nothing.
    await advance(60 * 60_000);
    await surveyOnOutcome(b.t.deps, c.clinicId, outcome);
    expect(surveysIn(await sent(c.channelId, u))).toHaveLength(0);
    await advance(61 * 60_000);
    await surveyOnOutcome(b.t.deps, c.clinicId, outcome);
    await b.drain();
    const surveys = surveysIn(await sent(c.channelId, u));
    expect(surveys).toHaveLength(1);
    expect(surveys[0].via).toBe('push');
    expect(surveys[0].retryKey).toMatch(/^[0-9a-f-]{36}$/);
    const json = JSON.stringify(surveys[0].message.contents);
    expect(json).toContain('陳小明 您好');
    for (const n of [1, 2, 3, 4, 5]) expect(json).toContain(`sv=${row.id}:${n}`);
    expect(json).toContain(`/survey?s=${row.id}`);

    // 2 stars: thanks, 「哪裡可以更好」 and the review link.
    const out = await tap(c.channelId, u, `sv=${row.id}:2`);
    expect(out[0].message.text).toContain('2 星');
    expect(out.some((m) => m.message.template?.text?.includes('想讓我們知道哪裡可以更好嗎？'))).toBe(true);
    expect(uris(out)).toContain(REVIEW);

    // The comment page: the survey, then the comment → a feedback case.
    const page = await api.get(`/surveys/${row.id}`);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json()).toMatchObject({ stars: 2, askImprove: true, reviewUrl: REVIEW, doctorName: '林醫師' });
    const r = await api.post(`/surveys/${row.id}`, {
      submissionId: 'sub-00000001',
      comment: '候診等了一個小時，櫃台也沒有說明',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().caseNumber).toMatch(/^C-\d{4}-\d{4}$/);
    // the same submission again opens nothing more
    await api.post(`/surveys/${row.id}`, { submissionId: 'sub-00000001', comment: '再一次' });
    const cases = (await caseService(b.t.deps).list(c.clinicId, { status: 'all', limit: 50, offset: 0 })).items;
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ kind: 'suggestion', source: 'survey', sourceLabel: '滿意度調查', lineUserId: u });
    expect(cases[0].text).toContain('滿意度調查 2 星');
    expect(cases[0].text).toContain('候診等了一個小時');
    expect(cases[0].patientName).toBe('陳小明');
    const after = (await surveyRow(c.clinicId, appointment.id))!;
    expect(after).toMatchObject({ stars: 2, comment: '候診等了一個小時，櫃台也沒有說明', comment_via: 'liff' });
  });

  it('no gating: every star count gets the review link; only 3 stars or fewer are asked how to do better', async () => {
    const { c, u } = await setup({ settings: { minDaysBetween: 0 } });
    for (const n of [1, 2, 3, 4, 5]) {
      const id = await (async () => {
        const { appointment } = await complete(c, `A${n}`, new Date(b.t.clock.now().getTime() - 60_000).toISOString());
        await advance(121 * 60_000);
        return (await surveyRow(c.clinicId, appointment.id))!.id;
      })();
      const out = await tap(c.channelId, u, `sv=${id}:${n}`);
      expect(uris(out), `${n} stars`).toContain(REVIEW);
      const asked = out.some((m) => m.message.template?.text?.includes('想讓我們知道哪裡可以更好嗎？'));
      expect(asked, `${n} stars`).toBe(n <= 3);
      expect(
        (await surveyRow(
          c.clinicId,
          (
            await b.t.deps.db
              .selectFrom('satisfaction_surveys')
              .select('appointment_id')
              .where('id', '=', id)
              .executeTakeFirstOrThrow()
          ).appointment_id,
        ))!.review_offered,
      ).toBe(1);
    }
  });

  it('a double tap is counted once and told politely; another LINE user cannot answer', async () => {
    const { c, u } = await setup();
    const id = await surveyed(c, u);
    await tap(c.channelId, u, `sv=${id}:4`);
    const second = await tap(c.channelId, u, `sv=${id}:1`);
    expect(second).toHaveLength(1);
    expect(second[0].message.text).toBe('您已經評分過了（★★★★☆ 4 星），我們有收到，謝謝您！');
    const row = await b.t.deps.db
      .selectFrom('satisfaction_surveys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.stars).toBe(4);
    // Another LINE user cannot answer this survey.
    const other = await s.user('路人');
    await b.emu_('POST', `/_emulator/users/${other}/follow`, { channelId: c.channelId });
    await b.drain();
    const out = await tap(c.channelId, other, `sv=${id}:1`);
    expect(out[0].message.text).toContain('找不到這份滿意度調查');
    expect(
      (
        await b.t.deps.db
          .selectFrom('satisfaction_surveys')
          .select('stars')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).stars,
    ).toBe(4);
  });

  it('the same LINE event processed twice counts once and sends one answer', async () => {
    const { c, u } = await setup();
    const id = await surveyed(c, u);
    const ctx: EventContext = {
      deps: b.t.deps,
      line: lineService(b.t.deps),
      clinicId: c.clinicId,
      lineUserId: u,
      event: { type: 'postback', webhookEventId: 'EV-SURVEY-RETRY' },
      replyToken: null,
      at: b.t.clock.now().toISOString(),
    };
    const before = (await sent(c.channelId, u)).length;
    expect(await onSurveyPostback(ctx, `sv=${id}:3`)).toBe(true);
    expect(await onSurveyPostback(ctx, `sv=${id}:3`)).toBe(true);
    await b.drain();
    const out = (await sent(c.channelId, u)).slice(before);
    expect(out.filter((m) => m.message.text?.startsWith('謝謝您的評分'))).toHaveLength(1);
    expect(out.some((m) => m.message.text?.includes('已經評分過了'))).toBe(false);
  });

  it('a survey answered after it expired gets a kind reply and counts nothing', async () => {
    const { c, u, api } = await setup();
    const id = await surveyed(c, u);
    b.t.clock.advance(7 * 86_400_000 + 60_000);
    const out = await tap(c.channelId, u, `sv=${id}:5`);
    expect(out[0].message.text).toContain('已超過填答期限');
    const row = await b.t.deps.db
      .selectFrom('satisfaction_surveys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.stars).toBeNull();
    const r = await api.post(`/surveys/${id}`, {
      submissionId: 'sub-expired',
      stars: 5,
      comment: '很好',
    });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toMatchObject({ code: 'SURVEY_EXPIRED' });
    expect(r.json().error.message).toContain('已超過填答期限');
  });

  it('a 5,000-character comment → 422 with the limit in words, nothing saved', async () => {
    const { c, u, api } = await setup();
    const id = await surveyed(c, u);
    const r = await api.post(`/surveys/${id}`, {
      submissionId: 'sub-long-1',
      stars: 1,
      comment: '很'.repeat(5000),
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.details[0]).toMatchObject({ field: 'comment', code: 'maxLength' });
    expect(r.json().error.details[0].message).toBe('意見最多 1,000 字，目前 5,000 字，請精簡後再送出');
    const row = await b.t.deps.db
      .selectFrom('satisfaction_surveys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ stars: null, comment: null });
    expect((await caseService(b.t.deps).list(c.clinicId, { status: 'all', limit: 5, offset: 0 })).items).toHaveLength(
      0,
    );
    // Stars on the page without a comment: counted, no case.
    const ok = await api.post(`/surveys/${id}`, { submissionId: 'sub-long-2', stars: 5, comment: '' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ stars: 5, askImprove: false, reviewUrl: REVIEW, caseNumber: null });
  });

  it('a LINE text right after low stars is the comment and opens a case; a plain thanks is not', async () => {
    const { c, u } = await setup();
    const id = await surveyed(c, u);
    await tap(c.channelId, u, `sv=${id}:3`);
    expect(await say(c.channelId, u, '謝謝')).not.toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: expect.objectContaining({ text: expect.stringContaining('轉給專人') }) }),
      ]),
    );
    const out = await say(c.channelId, u, '醫師解釋得太快，聽不太懂');
    expect(out[0].message.text).toContain('您的意見已轉給專人（案件編號 C-');
    const row = await b.t.deps.db
      .selectFrom('satisfaction_surveys')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ comment: '醫師解釋得太快，聽不太懂', comment_via: 'line' });
    expect(row.case_number).toMatch(/^C-/);
    const cases = (await caseService(b.t.deps).list(c.clinicId, { status: 'all', limit: 5, offset: 0 })).items;
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ source: 'survey', kind: 'suggestion' });
  });

  it('at most one survey per patient per N days (shared with questionnaires through mayAskPatient)', async () => {
    const { c, u } = await setup();
    await surveyed(c, u, 'A1');
    const patientId = (
      await b.t.deps.db
        .selectFrom('patients')
        .select('id')
        .where('clinic_id', '=', c.clinicId)
        .where('his_id', '=', 'P1')
        .executeTakeFirstOrThrow()
    ).id;
    expect(await mayAskPatient(b.t.deps, c.clinicId, patientId, b.t.clock.now())).toBe(false);
    // A second visit 10 days later: skipped.
    b.t.clock.advance(10 * 86_400_000);
    const { appointment } = await complete(c, 'A2', new Date(b.t.clock.now().getTime() - 60_000).toISOString());
    await advance(121 * 60_000);
    expect(await surveyRow(c.clinicId, appointment.id)).toMatchObject({
      status: 'skipped',
      skip_reason: 'recently_asked',
    });
    expect(surveysIn(await sent(c.channelId, u))).toHaveLength(1);
    // 31 days after the first: asked again.
    b.t.clock.advance(21 * 86_400_000);
    expect(await mayAskPatient(b.t.deps, c.clinicId, patientId, b.t.clock.now())).toBe(true);
    // A questionnaire noted now blocks the next survey.
    await notePatientAsked(b.t.deps, c.clinicId, patientId, b.t.clock.now(), { source: 'questionnaire', refId: 'Q1' });
    await notePatientAsked(b.t.deps, c.clinicId, patientId, b.t.clock.now(), { source: 'questionnaire', refId: 'Q1' });
    expect(await mayAskPatient(b.t.deps, c.clinicId, patientId, b.t.clock.now())).toBe(false);
  });

  it('quiet hours hold the survey; other doctors and visit types, the past and switched off get none', async () => {
    const { c, admin } = await setup({ settings: { visitTypes: ['洗牙'] } });
    // 19:30 Taipei + 2 h = 21:30, inside 21:00–08:00 → 08:00 the next morning.
    b.t.clock.set('2026-06-10T11:30:00.000Z');
    const { appointment } = await complete(c, 'A1', '2026-06-10T11:00:00.000Z', { visitType: '洗牙' });
    expect(await surveyRow(c.clinicId, appointment.id)).toMatchObject({ send_at: '2026-06-11T00:00:00.000Z' });
    const other = await complete(c, 'A2', '2026-06-10T11:00:00.000Z', { visitType: '拔牙' });
    expect(await surveyRow(c.clinicId, other.appointment.id)).toBeUndefined();
    // A visit of three days ago reported now: nothing.
    const old = await complete(c, 'A3', '2026-06-07T02:00:00.000Z', { visitType: '洗牙' });
    expect(await surveyRow(c.clinicId, old.appointment.id)).toBeUndefined();
    const { reviewUrl: _r, ...settings } = (await admin.get('/api/satisfaction/settings')).json();
    // Another doctor chosen: this doctor's visits get none.
    const chosen = await admin.put('/api/satisfaction/settings', { ...settings, doctorIds: ['another-doctor'] });
    expect(chosen.statusCode, chosen.body).toBe(200);
    const otherDoctor = await complete(c, 'A5', '2026-06-10T11:00:00.000Z', { visitType: '洗牙' });
    expect(await surveyRow(c.clinicId, otherDoctor.appointment.id)).toBeUndefined();
    await admin.put('/api/satisfaction/settings', { ...settings, enabled: false });
    const off = await complete(c, 'A4', '2026-06-10T11:00:00.000Z', { visitType: '洗牙' });
    expect(await surveyRow(c.clinicId, off.appointment.id)).toBeUndefined();
    // Switched off before the held survey's send time: it is not sent.
    b.t.clock.set('2026-06-11T00:01:00.000Z');
    await b.drain();
    expect(await surveyRow(c.clinicId, appointment.id)).toMatchObject({ status: 'skipped', skip_reason: 'disabled' });
  });

  it('the HIS initial sync copying visits completed earlier today sends nothing', async () => {
    const { c, u } = await setup();
    // First seen already completed while the initial sync lasts: a copy, not news.
    const r = await c.his.put('/his/v1/appointments/OLD1', {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt: new Date(b.t.clock.now().getTime() - 3 * 3_600_000).toISOString(),
      status: 'completed',
      version: 1,
    });
    expect(r.statusCode, r.body).toBeLessThan(300);
    await advance(3 * 3_600_000);
    const rows = await b.t.deps.db
      .selectFrom('satisfaction_surveys')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .execute();
    expect(rows).toHaveLength(0);
    expect(surveysIn(await sent(c.channelId, u))).toHaveLength(0);
  });

  it('settings: an invalid Place ID → 422 in zh-TW, a review link is taken apart, each change audited', async () => {
    const { c, admin } = await setup();
    const cur = (await admin.get('/api/satisfaction/settings')).json();
    const { reviewUrl: _r, ...body } = cur;
    const bad = await admin.put('/api/satisfaction/settings', { ...body, placeId: '台北牙醫 Google 連結' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details[0]).toMatchObject({ field: 'placeId', code: 'place_id' });
    expect(bad.json().error.details[0].message).toContain('Google 地點 ID 格式不正確');
    const ok = await admin.put('/api/satisfaction/settings', { ...body, placeId: REVIEW, delayMinutes: 60 });
    expect(ok.json()).toMatchObject({ placeId: PLACE, reviewUrl: REVIEW, delayMinutes: 60 });
    const audit = await b.t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .where('action', '=', 'satisfaction.settings_saved')
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(audit.at(-1)!.detail!)).toMatchObject({ fields: ['delayMinutes'] });
    // Staff who are not admins cannot change the settings.
    const desk = as(b.t.app, await c.staff('front_desk'));
    expect((await desk.put('/api/satisfaction/settings', body)).statusCode).toBe(403);
    const preview = (
      await admin.post('/api/satisfaction/settings/preview', { messageText: '{name} 您好', placeId: PLACE })
    ).json();
    expect(JSON.stringify(preview.survey)).toContain('王小明 您好');
    expect(JSON.stringify(preview.afterLow)).toContain(REVIEW);
    expect(JSON.stringify(preview.afterHigh)).toContain(REVIEW);
  });

  it('dashboard, answers, CSV / XLSX export (clinic time zone, audited); another clinic sees nothing', async () => {
    const { c, u, admin } = await setup({ settings: { minDaysBetween: 0 } });
    for (const [i, n] of [
      [1, 5],
      [2, 2],
      [3, 4],
    ] as const) {
      const { appointment } = await complete(c, `A${i}`, new Date(b.t.clock.now().getTime() - 60_000).toISOString(), {
        visitType: i === 2 ? '拔牙' : '洗牙',
      });
      await advance(121 * 60_000);
      const row = (await surveyRow(c.clinicId, appointment.id))!;
      await tap(c.channelId, u, `sv=${row.id}:${n}`);
    }
    // One more sent and not answered.
    await complete(c, 'A4', new Date(b.t.clock.now().getTime() - 60_000).toISOString());
    await advance(121 * 60_000);
    const q = 'from=2026-06-01&to=2026-06-30';
    const sum = (await admin.get(`/api/satisfaction/summary?${q}`)).json();
    expect(sum.total).toMatchObject({ sent: 4, answered: 3, responseRate: 0.75, average: 3.67, lowScores: 1 });
    expect(sum.total.distribution.map((d: { count: number }) => d.count)).toEqual([0, 1, 0, 1, 1]);
    expect(sum.byVisitType.find((v: { name: string }) => v.name === '拔牙')).toMatchObject({ answered: 1, average: 2 });
    expect(sum.byDoctor[0]).toMatchObject({ name: '林醫師', sent: 4 });
    expect(sum.trend.find((t: { period: string }) => t.period === '2026-06-10')).toMatchObject({
      sent: 4,
      answered: 3,
    });
    const answers = (await admin.get(`/api/satisfaction/answers?${q}&stars=1,2,3`)).json();
    expect(answers.total).toBe(1);
    expect(answers.items[0]).toMatchObject({ stars: 2, patientName: '陳小明', visitType: '拔牙', reviewOffered: true });
    const bad = await admin.get(`/api/satisfaction/summary?from=2026-06-30&to=2026-06-01`);
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.message).toBe('結束日不能早於起始日');

    const x = await admin.get(`/api/satisfaction/export?${q}&format=xlsx`);
    expect(x.statusCode).toBe(200);
    expect(x.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as never);
    const ws = wb.getWorksheet('滿意度調查')!;
    const rows = ws.getSheetValues().slice(1) as unknown[][];
    expect(rows).toHaveLength(5);
    expect(String(rows[0][1])).toBe('看診時間（Asia/Taipei +08:00）');
    expect(rows.slice(1).map((r) => r[7])).toEqual([5, 2, 4, '']);
    expect(String(rows[1][2])).toBe('陳小明');
    expect(String(rows[1][6])).toMatch(/^2026-06-10 1\d:\d\d$/); // sent, Taipei time
    const csv = await admin.get(`/api/satisfaction/export?${q}&format=csv`);
    expect(csv.body.startsWith('\ufeff看診時間')).toBe(true);
    expect(csv.body).toContain('非常滿意');
    const audits = await b.t.deps.db
      .selectFrom('audit_log')
      .select('detail')
      .where('clinic_id', '=', c.clinicId)
      .where('action', '=', 'satisfaction.exported')
      .execute();
    expect(audits).toHaveLength(2);

    // Another clinic: its own empty figures, no access to this clinic's surveys.
    const other = await s.clinic();
    const otherAdmin = as(b.t.app, other.admin);
    expect((await otherAdmin.get(`/api/satisfaction/summary?${q}`)).json().total.sent).toBe(0);
    expect((await otherAdmin.get(`/api/satisfaction/answers?${q}`)).json().total).toBe(0);
    const otherX = await otherAdmin.get(`/api/satisfaction/export?${q}&format=csv`);
    expect(otherX.body).not.toContain('陳小明');
    expect((await otherAdmin.get('/api/satisfaction/settings')).json()).toMatchObject({ enabled: false, placeId: '' });
    // Its LIFF user cannot read this clinic's survey.
    const anyId = (
      await b.t.deps.db
        .selectFrom('satisfaction_surveys')
        .select('id')
        .where('clinic_id', '=', c.clinicId)
        .executeTakeFirstOrThrow()
    ).id;
    const p2 = phone();
    await other.his.put('/his/v1/patients/P9', { name: '別人', phone: p2 });
    const { api: otherApi } = await s.bindUser(other, p2);
    expect((await otherApi.get(`/surveys/${anyId}`)).statusCode).toBe(404);
    expect(
      (await otherApi.post(`/surveys/${anyId}`, { submissionId: 'x-00000001', stars: 1, comment: 'x' })).statusCode,
    ).toBe(404);
  });

  it('no LINE binding or the non-essential cap reached: skipped with the reason, nothing sent', async () => {
    const { c, admin } = await setup();
    await c.his.put('/his/v1/patients/P2', { name: '沒綁定', phone: phone() });
    const { appointment } = await complete(c, 'A1', new Date(b.t.clock.now().getTime() - 60_000).toISOString(), {
      patientId: 'P2',
    });
    await advance(121 * 60_000);
    expect(await surveyRow(c.clinicId, appointment.id)).toMatchObject({ status: 'skipped', skip_reason: 'no_line' });
    const rules = (await admin.get('/api/reminders/rules')).json();
    expect((await admin.put('/api/reminders/rules', { ...rules, monthlyCap: 0 })).statusCode).toBe(200);
    const capped = await complete(c, 'A2', new Date(b.t.clock.now().getTime() - 60_000).toISOString());
    await advance(121 * 60_000);
    expect(await surveyRow(c.clinicId, capped.appointment.id)).toMatchObject({
      status: 'skipped',
      skip_reason: 'over_cap',
    });
  });
});
