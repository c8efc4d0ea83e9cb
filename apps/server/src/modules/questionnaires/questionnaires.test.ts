// Questionnaires end to end with the LINE emulator: a questionnaire built from the template and
// sent to a saved segment becomes a row per patient, then one LINE push with a retry key and a
// button to the LIFF form; the form refuses bad answers (missing required, out-of-range scale,
// unknown option, too long) with zh-TW details, takes one response per recipient, refuses
// answers after the close date; results and the CSV/XLSX export show the answers; quiet hours
// hold the message; zero recipients is a 422; another clinic sees and changes nothing.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as } from '../../testing/helpers.ts';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { liffSteps, phone } from '../../testing/liff.ts';
import { localParts } from '../../platform/time.ts';
import { notePatientAsked } from '../satisfaction/service.ts';
import { questionnaireOnOutcome } from './service.ts';

let b: LineTestbed;
let s: ReturnType<typeof liffSteps>;
beforeAll(async () => {
  b = await createLineTestbed();
  s = liffSteps(b);
});
afterAll(async () => b.close());

const CHOICE = {
  id: 'visit',
  type: 'single',
  title: '這次看診的項目',
  required: true,
  options: [
    { id: 'clean', label: '洗牙' },
    { id: 'fill', label: '補牙' },
  ],
};
const MULTI = {
  id: 'how',
  type: 'multi',
  title: '您怎麼知道我們',
  required: false,
  options: [
    { id: 'friend', label: '親友介紹' },
    { id: 'google', label: 'Google' },
    { id: 'line', label: 'LINE' },
  ],
};
const NPS = { id: 'nps', type: 'nps', title: '您有多願意推薦我們給親友？', required: true };

async function setup(opts: { quiet?: boolean } = {}) {
  const c = await s.clinic();
  const admin = as(b.t.app, c.admin);
  const rules = (await admin.get('/api/reminders/rules')).json();
  await admin.put('/api/reminders/rules', { ...rules, quietHours: { ...rules.quietHours, enabled: !!opts.quiet } });
  const p1 = phone();
  const p2 = phone();
  await c.his.put('/his/v1/patients/P1', { name: '陳小明', phone: p1 });
  await c.his.put('/his/v1/patients/P2', { name: '林美華', phone: p2 });
  await c.his.put('/his/v1/patients/P3', { name: '王大同', phone: phone() });
  const u1 = await s.bindUser(c, p1, '小明');
  const u2 = await s.bindUser(c, p2, '美華');
  const seg = await admin.post('/api/segments', { name: '全部病患', conditions: {} });
  expect(seg.statusCode).toBe(201);
  const tpl = (await admin.get('/api/questionnaires/templates')).json().items[0];
  const created = await admin.post('/api/questionnaires', {
    title: tpl.title,
    intro: tpl.intro,
    questions: [...tpl.questions, CHOICE, MULTI, NPS],
    template: 'satisfaction',
  });
  expect(created.statusCode).toBe(201);
  return { c, admin, u1, u2, segmentId: seg.json().id as string, q: created.json() };
}

/** The recipient id in the last questionnaire button sent to a user. */
async function recipientIdOf(channelId: string, userId: string): Promise<string> {
  const msgs = await s.sent(channelId, userId);
  const m = msgs.filter((x) => x.message.altText?.startsWith('問卷：')).at(-1);
  const uri = (m!.message.template!.actions[0] as unknown as { uri: string }).uri;
  return new URL(uri.replace('liff.line.me', 'x.test')).searchParams.get('r')!;
}

const GOOD = [
  { questionId: 'wait', value: 4 },
  { questionId: 'attitude', value: 5 },
  { questionId: 'clarity', value: 5 },
  { questionId: 'environment', value: 3 },
  { questionId: 'overall', value: 5 },
  { questionId: 'suggestion', value: '候診區可以多放幾本雜誌' },
  { questionId: 'visit', value: 'clean' },
  { questionId: 'how', value: ['friend', 'line'] },
  { questionId: 'nps', value: 9 },
];

describe('questionnaires', () => {
  it('template; send to a segment → one push each (retry key) → LIFF answers once → results, export', async () => {
    const { c, admin, u1, u2, segmentId, q } = await setup();
    expect(q.questions.map((x: { title: string }) => x.title).slice(0, 5)).toEqual([
      '候診時間',
      '人員態度',
      '醫師與人員的說明清楚程度',
      '環境（整潔、舒適）',
      '整體滿意度',
    ]);
    const sent = await admin.post(`/api/questionnaires/${q.id}/sends`, { audience: 'segment', audienceId: segmentId });
    expect(sent.statusCode).toBe(200);
    // three patients matched; the unbound one has a row that says so and gets no message
    expect(sent.json()).toMatchObject({ matched: 3, added: 3, queued: 2, noLine: 1, alreadyAsked: 0 });
    await b.drain();
    const first = (await s.sent(c.channelId, u1.u)).filter((m) => m.message.altText?.startsWith('問卷：'));
    expect(first).toHaveLength(1);
    expect(first[0].retryKey).toBeTruthy();
    expect(first[0].message.template!.actions[0].label).toBe('填寫問卷');

    // sending to the same segment again asks nobody twice
    const again = await admin.post(`/api/questionnaires/${q.id}/sends`, { audience: 'segment', audienceId: segmentId });
    expect(again.json()).toMatchObject({ matched: 3, added: 0, alreadyAsked: 3, queued: 0 });
    await b.drain();
    expect((await s.sent(c.channelId, u1.u)).filter((m) => m.message.altText?.startsWith('問卷：'))).toHaveLength(1);

    // the questions are locked once sent
    const edit = await admin.put(`/api/questionnaires/${q.id}`, { title: q.title, questions: [NPS] });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.code).toBe('QUESTIONNAIRE_LOCKED');

    const r1 = await recipientIdOf(c.channelId, u1.u);
    const form = await u1.api.get(`/questionnaires/${r1}`);
    expect(form.statusCode).toBe(200);
    expect(form.json()).toMatchObject({ state: 'open', title: '看診滿意度調查' });
    // another LINE user cannot open someone else's questionnaire
    expect((await u2.api.get(`/questionnaires/${r1}`)).statusCode).toBe(404);

    // bad answers: missing required, out-of-range scale, unknown option, unknown question, too long
    const bad = await u1.api.post(`/questionnaires/${r1}/responses`, {
      answers: [
        { questionId: 'wait', value: 7 },
        { questionId: 'visit', value: 'teeth-whitening' },
        { questionId: 'how', value: ['friend', 'tv'] },
        { questionId: 'suggestion', value: '好'.repeat(1001) },
        { questionId: 'nope', value: 1 },
      ],
    });
    expect(bad.statusCode).toBe(422);
    const codes = Object.fromEntries(
      bad.json().error.details.map((d: { field: string; code: string }) => [d.field, d.code]),
    );
    expect(codes).toMatchObject({
      wait: 'out_of_range',
      attitude: 'required',
      visit: 'unknown_option',
      how: 'unknown_option',
      suggestion: 'too_long',
      nope: 'unknown_question',
      nps: 'required',
    });
    expect(bad.json().error.details.find((d: { field: string }) => d.field === 'attitude').message).toContain('必填');
    expect(
      (await u1.api.post(`/questionnaires/${r1}/responses`, { answers: [{ questionId: 'nps', value: 11 }] })).json()
        .error.details[0].message,
    ).toBeTruthy();
    // a wrong type for a scale (a string) is refused too
    const wrongType = await u1.api.post(`/questionnaires/${r1}/responses`, {
      answers: GOOD.map((a) => (a.questionId === 'wait' ? { questionId: 'wait', value: '4' } : a)),
    });
    expect(wrongType.statusCode).toBe(422);

    const ok = await u1.api.post(`/questionnaires/${r1}/responses`, { answers: GOOD });
    expect(ok.statusCode).toBe(200);
    const twice = await u1.api.post(`/questionnaires/${r1}/responses`, { answers: GOOD });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error).toMatchObject({ code: 'ALREADY_ANSWERED' });
    expect(twice.json().error.message).toContain('謝謝');
    expect((await u1.api.get(`/questionnaires/${r1}`)).json().state).toBe('answered');

    const res = (await admin.get(`/api/questionnaires/${q.id}/results`)).json();
    expect(res.responses).toBe(1);
    expect(res.questionnaire).toMatchObject({ answered: 1, sent: 1, notSent: 1, responseRate: 0.5 });
    const by = Object.fromEntries(res.questions.map((x: { questionId: string }) => [x.questionId, x]));
    expect(by.wait.counts.find((x: { key: string }) => x.key === '4').count).toBe(1);
    expect(by.wait.average).toBe(4);
    expect(by.visit.counts).toEqual([
      { key: 'clean', label: '洗牙', count: 1 },
      { key: 'fill', label: '補牙', count: 0 },
    ]);
    expect(by.how.counts.map((x: { count: number }) => x.count)).toEqual([1, 0, 1]);
    expect(by.nps).toMatchObject({ nps: 100, promoters: 1 });
    expect(by.suggestion.texts[0].text).toBe('候診區可以多放幾本雜誌');

    // CSV and XLSX exports: every answer, times in the clinic's zone, audited
    const csv = await admin.get(`/api/questionnaires/${q.id}/export?format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('陳小明');
    expect(csv.body).toContain('親友介紹、LINE');
    expect(csv.body).toContain('填答時間（Asia/Taipei）');
    const xlsx = await admin.get(`/api/questionnaires/${q.id}/export?format=xlsx`);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('填答')!;
    expect(ws.getRow(2).getCell(3).value).toBe('陳小明');
    expect(ws.getRow(2).getCell(5).value).toBe(4);
    expect(ws.getRow(2).getCell(12).value).toBe('親友介紹、LINE');
    const submitted = String(ws.getRow(2).getCell(1).value);
    expect(submitted.slice(0, 10)).toBe(localParts(b.t.clock.now(), 'Asia/Taipei').date);
    const audit = (await admin.get('/api/audit?action=questionnaire.exported')).json();
    expect(audit.items.length).toBe(2);

    // closing: the other recipient's answer is refused kindly
    const r2 = await recipientIdOf(c.channelId, u2.u);
    expect((await admin.post(`/api/questionnaires/${q.id}/close`)).json().closed).toBe(true);
    b.t.clock.advance(1000);
    const late = await u2.api.post(`/questionnaires/${r2}/responses`, { answers: GOOD });
    expect(late.statusCode).toBe(410);
    expect(late.json().error.code).toBe('QUESTIONNAIRE_CLOSED');
    expect(late.json().error.message).toContain('截止');
    expect((await u2.api.get(`/questionnaires/${r2}`)).json().state).toBe('closed');
    // and sending a closed questionnaire is refused
    const closedSend = await admin.post(`/api/questionnaires/${q.id}/sends`, {
      audience: 'segment',
      audienceId: segmentId,
    });
    expect(closedSend.statusCode).toBe(409);
    // a sent questionnaire cannot be deleted
    expect((await admin.delete(`/api/questionnaires/${q.id}`)).statusCode).toBe(409);
  });

  it('bad questionnaires and an empty audience → 422 in zh-TW, nothing saved', async () => {
    const { admin } = await setup();
    const before = (await admin.get('/api/questionnaires')).json().items.length;
    const bad = await admin.post('/api/questionnaires', {
      title: '測試',
      questions: [
        { id: 'a', type: 'single', title: '只有一個選項', required: true, options: [{ id: 'x', label: '是' }] },
        { id: 'a', type: 'scale', title: '重複代碼', required: true },
        { id: 'b', type: 'text', title: '文字題', required: false, options: [{ id: 'x', label: '是' }] },
      ],
    });
    expect(bad.statusCode).toBe(422);
    const msgs = bad
      .json()
      .error.details.map((d: { message: string }) => d.message)
      .join('｜');
    expect(msgs).toContain('至少提供 2 個選項');
    expect(msgs).toContain('代碼與其他題目重複');
    expect(msgs).toContain('不需要選項');
    expect((await admin.get('/api/questionnaires')).json().items.length).toBe(before);

    const q = (await admin.post('/api/questionnaires', { title: '空白對象', questions: [NPS] })).json();
    const tag = (await admin.post('/api/tags', { name: `沒有人${Date.now() % 1000}` })).json();
    const empty = await admin.post(`/api/questionnaires/${q.id}/sends`, { audience: 'tag', audienceId: tag.id });
    expect(empty.statusCode).toBe(422);
    expect(empty.json().error.code).toBe('AUDIENCE_EMPTY');
    expect(empty.json().error.message).toContain('沒有任何病患');
    expect((await admin.get(`/api/questionnaires/${q.id}`)).json().recipients).toBe(0);
    // an unused questionnaire can be deleted
    expect((await admin.delete(`/api/questionnaires/${q.id}`)).statusCode).toBe(204);
  });

  it('sends to a tag; quiet hours hold the message until they end', async () => {
    const { c, admin, u1, q } = await setup({ quiet: true });
    const rules = (await admin.get('/api/reminders/rules')).json();
    // a quiet period around now (clinic time): the message waits for its end
    const l = localParts(b.t.clock.now(), 'Asia/Taipei');
    const h = Number(l.time.slice(0, 2));
    const start = `${String((h + 23) % 24).padStart(2, '0')}:00`;
    const end = `${String((h + 2) % 24).padStart(2, '0')}:00`;
    await admin.put('/api/reminders/rules', { ...rules, quietHours: { enabled: true, start, end } });
    await new Promise((r) => setTimeout(r, 10));
    const tag = (await admin.post('/api/tags', { name: `問卷對象${Date.now() % 1000}` })).json();
    const pid = (
      await b.t.deps.db
        .selectFrom('line_bindings')
        .select('patient_id')
        .where('clinic_id', '=', c.clinicId)
        .where('line_user_id', '=', u1.u)
        .executeTakeFirstOrThrow()
    ).patient_id;
    expect((await admin.post('/api/patients/tags', { patientIds: [pid], tagIds: [tag.id] })).statusCode).toBeLessThan(
      300,
    );
    const sent = await admin.post(`/api/questionnaires/${q.id}/sends`, { audience: 'tag', audienceId: tag.id });
    expect(sent.json()).toMatchObject({ matched: 1, queued: 1 });
    await b.drain();
    expect((await s.sent(c.channelId, u1.u)).filter((m) => m.message.altText?.startsWith('問卷：'))).toHaveLength(0);
    const row = await b.t.deps.db
      .selectFrom('questionnaire_recipients')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('queued');
    expect(localParts(new Date(row.send_at), 'Asia/Taipei').time).toBe(end);
  });

  it('after a completed visit of a matching type: sent after the delay, once; asked recently → skipped', async () => {
    const { c, admin, u1, u2 } = await setup();
    const q = (
      await admin.post('/api/questionnaires', {
        title: '洗牙後問卷',
        questions: [NPS],
        afterVisit: true,
        afterVisitDelayMinutes: 30,
        afterVisitTypes: ['洗牙'],
      })
    ).json();
    await c.his.put('/his/v1/doctors/D1', { name: '林醫師' });
    const startsAt = new Date(b.t.clock.now().getTime() - 3_600_000).toISOString();
    async function complete(hisId: string, patientId: string, visitType: string) {
      const body = { patientId, doctorId: 'D1', startsAt, visitType };
      expect(
        (await c.his.put(`/his/v1/appointments/${hisId}`, { ...body, status: 'booked', version: 1 })).statusCode,
      ).toBeLessThan(300);
      expect(
        (await c.his.put(`/his/v1/appointments/${hisId}`, { ...body, status: 'completed', version: 2 })).statusCode,
      ).toBeLessThan(300);
      await b.drain();
    }
    const rows = () =>
      b.t.deps.db
        .selectFrom('questionnaire_recipients')
        .selectAll()
        .where('clinic_id', '=', c.clinicId)
        .where('questionnaire_id', '=', q.id)
        .execute();
    const asked = async (u: string) =>
      (await s.sent(c.channelId, u)).filter((m) => m.message.altText === '問卷：洗牙後問卷');
    await complete('V1', 'P1', '洗牙');
    await complete('V2', 'P2', '補牙'); // another visit type: not asked
    let r = await rows();
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ source: 'visit', status: 'queued' });
    expect(Date.parse(r[0].send_at) - b.t.clock.now().getTime()).toBe(30 * 60_000);
    expect(await asked(u1.u)).toHaveLength(0);
    b.t.clock.advance(31 * 60_000);
    await b.drain();
    expect(await asked(u1.u)).toHaveLength(1);
    // a retried outcome (same appointment) adds nothing
    const a = await b.t.deps.db
      .selectFrom('appointments')
      .selectAll()
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', 'V1')
      .executeTakeFirstOrThrow();
    await questionnaireOnOutcome(b.t.deps, c.clinicId, {
      appointmentId: a.id,
      appointmentHisId: 'V1',
      patientId: a.patient_id,
      doctorId: a.doctor_id,
      visitType: '洗牙',
      treatmentCodes: null,
      status: 'completed',
      previousStatus: 'booked',
      startsAt: a.starts_at,
      version: 2,
    });
    // an old visit (three days ago) asks nobody
    await questionnaireOnOutcome(b.t.deps, c.clinicId, {
      appointmentId: 'old',
      appointmentHisId: 'OLD',
      patientId: r[0].patient_id,
      doctorId: a.doctor_id,
      visitType: '洗牙',
      treatmentCodes: null,
      status: 'completed',
      previousStatus: 'booked',
      startsAt: new Date(b.t.clock.now().getTime() - 3 * 86_400_000).toISOString(),
      version: 2,
    });
    await b.drain();
    expect(await rows()).toHaveLength(1);
    expect(await asked(u1.u)).toHaveLength(1);

    // P2 was asked by the satisfaction survey yesterday: the questionnaire after today's 洗牙 is skipped
    const p2 = (
      await b.t.deps.db
        .selectFrom('line_bindings')
        .select('patient_id')
        .where('clinic_id', '=', c.clinicId)
        .where('line_user_id', '=', u2.u)
        .executeTakeFirstOrThrow()
    ).patient_id;
    await notePatientAsked(b.t.deps, c.clinicId, p2, new Date(b.t.clock.now().getTime() - 86_400_000), {
      source: 'survey',
      refId: `test-${Date.now()}`,
    });
    await complete('V3', 'P2', '洗牙');
    b.t.clock.advance(31 * 60_000);
    await b.drain();
    r = await rows();
    expect(r.find((x) => x.patient_id === p2)).toMatchObject({ status: 'recently_asked' });
    expect(await asked(u2.u)).toHaveLength(0);
  });

  it('another clinic sees and changes nothing', async () => {
    const { admin, segmentId, q, c, u1 } = await setup();
    await admin.post(`/api/questionnaires/${q.id}/sends`, { audience: 'segment', audienceId: segmentId });
    await b.drain();
    const other = await s.clinic();
    const them = as(b.t.app, other.admin);
    expect((await them.get('/api/questionnaires')).json().items.find((x: { id: string }) => x.id === q.id)).toBeFalsy();
    expect((await them.get(`/api/questionnaires/${q.id}`)).statusCode).toBe(404);
    expect((await them.get(`/api/questionnaires/${q.id}/results`)).statusCode).toBe(404);
    expect((await them.get(`/api/questionnaires/${q.id}/export?format=csv`)).statusCode).toBe(404);
    expect((await them.put(`/api/questionnaires/${q.id}`, { title: 'x', questions: [NPS] })).statusCode).toBe(404);
    expect((await them.post(`/api/questionnaires/${q.id}/close`)).statusCode).toBe(404);
    expect((await them.delete(`/api/questionnaires/${q.id}`)).statusCode).toBe(404);
    expect(
      (await them.post(`/api/questionnaires/${q.id}/sends`, { audience: 'segment', audienceId: segmentId })).statusCode,
    ).toBe(404);
    // the patient's recipient id through another clinic's channel is not found
    const r1 = await recipientIdOf(c.channelId, u1.u);
    const token = await s.idToken(other.channelId, u1.u);
    expect((await s.liff(b.t, other.channelId, token).get(`/questionnaires/${r1}`)).statusCode).toBe(404);
    // a viewer reads but does not write
    const viewer = as(b.t.app, await c.staff('viewer'));
    expect((await viewer.get(`/api/questionnaires/${q.id}/results`)).statusCode).toBe(200);
    expect((await viewer.post('/api/questionnaires', { title: 'x', questions: [NPS] })).statusCode).toBe(403);
    expect((await admin.get(`/api/questionnaires/${q.id}`)).json().closed).toBe(false);
  });
});
