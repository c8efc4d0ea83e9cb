// Complaint and feedback cases end to end with the LINE emulator: 「我要客訴」 opens a case once
// per LINE event and replies with its number, the limits and the form button; the LIFF form adds
// details and photos; staff move the case (invalid moves → 409 in zh-TW) and the patient is told
// once per move; the closing question is recorded once; a clock that runs out escalates once
// (timeline row and a signed `case.escalated` webhook); another clinic sees and changes nothing.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as } from '../../testing/helpers.ts';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { liffSteps, phone } from '../../testing/liff.ts';
import type { EventContext } from '../line/events.ts';
import { lineService } from '../line/service.ts';
import { addOpenMinutes } from './clock.ts';
import { caseAfterStaffReply, isComplaintText, openComplaintFromText } from './hooks.ts';
import { caseService } from './service.ts';

let b: LineTestbed;
let s: ReturnType<typeof liffSteps>;
let server: Server;
let hookUrl = '';
const received: { headers: IncomingHttpHeaders; raw: string }[] = [];

beforeAll(async () => {
  b = await createLineTestbed();
  s = liffSteps(b);
  server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.close();
  await b.close();
});

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
).toString('base64');

async function say(channelId: string, userId: string, text: string) {
  await b.emu_('POST', `/_emulator/users/${userId}/messages`, { channelId, text });
  await b.drain();
}

async function setup() {
  const c = await s.clinic();
  const p = phone();
  await c.his.put('/his/v1/patients/P1', { name: '陳小明', phone: p });
  const { u, api } = await s.bindUser(c, p, '陳先生');
  const desk = await c.staff('front_desk');
  return { c, u, api, desk, staff: as(b.t.app, desk), admin: as(b.t.app, c.admin) };
}

const casesOf = async (clinicId: string) =>
  (await caseService(b.t.deps).list(clinicId, { status: 'all', limit: 50, offset: 0 })).items;

describe('complaint intent', () => {
  it('recognises complaint wordings and not their negations', () => {
    for (const t of ['客訴', '我要客訴', '我想申訴', '要投訴你們的櫃台', '抱怨一下等太久'])
      expect(isComplaintText(t)).toBe(true);
    for (const t of ['我不是要客訴，只是問停車', '沒有要抱怨啦', '請問幾點開門'])
      expect(isComplaintText(t)).toBe(false);
  });
});

describe('cases from LINE', () => {
  it('「我要客訴」 opens a case at once with its number, the limits and the form button', async () => {
    const { c, u } = await setup();
    const before = (await s.sent(c.channelId, u)).length;
    await say(c.channelId, u, '我要客訴');
    const [k] = await casesOf(c.clinicId);
    expect(k).toMatchObject({
      kind: 'complaint',
      source: 'line',
      status: 'new',
      lineUserId: u,
      contactName: '陳先生',
      contactMethod: 'line',
      text: '我要客訴',
      patientName: '陳小明',
    });
    expect(k.number).toMatch(/^C-\d{4}-0001$/);
    const oh = await caseService(b.t.deps).openHours(c.clinicId);
    expect(k.firstAction.state).toBe('running');
    expect(k.firstAction.dueAt).toBe(addOpenMinutes(new Date(k.createdAt), 240, oh)!.toISOString());
    expect(k.reply.dueAt).toBe(addOpenMinutes(new Date(k.createdAt), 24 * 60, oh)!.toISOString());
    const out = (await s.sent(c.channelId, u)).slice(before);
    expect(out.map((m) => m.via)).toEqual(['reply', 'reply']);
    expect(out[0].message.text).toContain(`案件編號：${k.number}`);
    expect(out[0].message.text).toContain('4 小時內由專人受理，24 小時內回覆您（以門診時間計算）');
    const button = out[1].message.template!.actions[0] as { uri?: string; label: string };
    expect(button.label).toBe('填寫補充表單');
    expect(button.uri).toContain(`/complaint?case=${k.id}`);
    // the conversation waits for a person in the inbox
    const conv = (await as(b.t.app, c.admin).get(`/api/inbox/conversations/${u}`)).json();
    expect(conv).toMatchObject({ state: 'waiting', waitingReason: 'complaint' });
  });

  it('one case per LINE event, however often the event is processed', async () => {
    const { c, u } = await setup();
    const ctx: EventContext = {
      deps: b.t.deps,
      line: lineService(b.t.deps),
      clinicId: c.clinicId,
      lineUserId: u,
      event: { type: 'message', webhookEventId: 'EV-RETRY-1' },
      replyToken: null,
      at: b.t.clock.now().toISOString(),
    };
    expect(await openComplaintFromText(ctx, '我要申訴')).toBe(true);
    expect(await openComplaintFromText(ctx, '我要申訴')).toBe(true);
    expect(await openComplaintFromText({ ...ctx, event: { type: 'message', webhookEventId: 'EV-2' } }, '你好')).toBe(
      false,
    );
    expect(await casesOf(c.clinicId)).toHaveLength(1);
    // a further complaint while the case is open joins it (once per event) instead of opening another
    const later = { ...ctx, event: { type: 'message', webhookEventId: 'EV-3' } };
    expect(await openComplaintFromText(later, '還是要客訴，都沒人理')).toBe(true);
    expect(await openComplaintFromText(later, '還是要客訴，都沒人理')).toBe(true);
    const [k] = await casesOf(c.clinicId);
    const d = (await as(b.t.app, c.admin).get(`/api/cases/${k.id}`)).json();
    expect(d.events.filter((e: { kind: string }) => e.kind === 'details').map((e: { text: string }) => e.text)).toEqual(
      ['還是要客訴，都沒人理'],
    );
    expect(await casesOf(c.clinicId)).toHaveLength(1);
  });
});

describe('the LIFF form', () => {
  it('adds details and photos to the case once, and opens a new one without a case', async () => {
    const { c, u, api } = await setup();
    await say(c.channelId, u, '我要客訴');
    const [k] = await casesOf(c.clinicId);
    const got = await api.get(`/cases/${k.id}`);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ number: k.number, closed: false, photos: 0 });
    const form = {
      caseId: k.id,
      submissionId: 'sub-000001',
      kind: 'complaint',
      category: 'wait_time',
      text: '預約 3 點，等到 4 點半才看到',
      photos: [PNG],
      contactMethod: 'phone',
      contactPhone: '0912-345-678',
      contactTime: '平日下午',
    };
    // a photo that is not JPEG/PNG: refused, nothing saved
    const bad = await api.post('/cases', { ...form, photos: [Buffer.from('GIF89a....').toString('base64')] });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details[0]).toMatchObject({ field: 'photos.0', message: '照片只接受 JPEG 或 PNG 格式' });
    expect((await api.get(`/cases/${k.id}`)).json().photos).toBe(0);
    // phone contact without a number
    const { contactPhone: _, ...withoutPhone } = form;
    const noPhone = await api.post('/cases', withoutPhone);
    expect(noPhone.statusCode).toBe(422);
    expect(noPhone.json().error.details[0].message).toBe('選擇電話聯絡時，請留下電話號碼');

    const r = await api.post('/cases', form);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      category: 'wait_time',
      photos: 1,
      contactMethod: 'phone',
      contactTime: '平日下午',
    });
    expect((await api.post('/cases', form)).json().photos).toBe(1); // the same submission again
    const detail = (await as(b.t.app, c.admin).get(`/api/cases/${k.id}`)).json();
    expect(detail.categoryLabel).toBe('候診時間');
    expect(detail.events.filter((e: { kind: string }) => e.kind === 'details')).toHaveLength(1);
    expect(detail.photos).toHaveLength(1);
    const img = await as(b.t.app, c.admin).get(`/api/cases/${k.id}/photos/${detail.photos[0].id}`);
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');

    // another LINE user can neither read nor add to it
    const other = s.liff(b.t, c.channelId, await s.idToken(c.channelId, await s.user('路人')));
    expect((await other.get(`/cases/${k.id}`)).statusCode).toBe(404);
    expect((await other.post('/cases', { ...form, submissionId: 'sub-000002' })).statusCode).toBe(404);

    // a new case from the form (opened from the menu, no chat message)
    const fresh = {
      ...form,
      caseId: undefined,
      submissionId: 'sub-000003',
      kind: 'suggestion',
      category: 'environment',
    };
    const n = await api.post('/cases', fresh);
    expect(n.statusCode).toBe(200);
    expect((await api.post('/cases', fresh)).json().id).toBe(n.json().id);
    expect((await casesOf(c.clinicId)).map((x) => [x.source, x.kind])).toEqual([
      ['liff', 'suggestion'],
      ['line', 'complaint'],
    ]);
  });
});

describe('moving a case', () => {
  it('受理, 回覆, 結案: invalid moves are refused; the patient is told once each and asked about satisfaction', async () => {
    const { c, u, staff } = await setup();
    await say(c.channelId, u, '我要客訴，櫃台態度很差');
    const [k] = await casesOf(c.clinicId);
    const base = (await s.sent(c.channelId, u)).length;

    const early = await staff.post(`/api/cases/${k.id}/close`, {});
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({ code: 'CASE_INVALID_TRANSITION' });
    expect(early.json().error.message).toContain('請先受理');

    const ack = await staff.post(`/api/cases/${k.id}/acknowledge`, { note: '已轉告櫃台主管' });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged', firstAction: { state: 'met' } });
    expect(ack.json().ownerName).toBeTruthy();
    const again = await staff.post(`/api/cases/${k.id}/acknowledge`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe(`案件 ${k.number} 目前為「已受理」，不能再受理`);
    await b.drain();

    const replyBody = { channel: 'line', text: '非常抱歉，已請主管與櫃台檢討。', clientKey: 'reply-key-0001' };
    const rep = await staff.post(`/api/cases/${k.id}/reply`, replyBody);
    expect(rep.statusCode).toBe(200);
    expect(rep.json()).toMatchObject({ status: 'replied', reply: { state: 'met' } });
    // the same click again (a double click, a retry): neither sent nor recorded twice
    expect((await staff.post(`/api/cases/${k.id}/reply`, replyBody)).statusCode).toBe(200);
    await b.drain();
    // sent the inbox's way: the conversation waiting for the complaint is done
    expect((await staff.get(`/api/inbox/conversations/${u}`)).json()).toMatchObject({ state: 'done' });

    const closed = await staff.post(`/api/cases/${k.id}/close`, { note: '病患接受說明' });
    expect(closed.statusCode).toBe(200);
    expect((await staff.post(`/api/cases/${k.id}/reply`, { channel: 'phone', text: 'x' })).statusCode).toBe(409);
    await b.drain();

    const out = (await s.sent(c.channelId, u)).slice(base);
    expect(out.map((m) => m.via)).toEqual(['push', 'push', 'push', 'push']);
    expect(out.every((m) => m.retryKey)).toBe(true);
    expect(out[0].message.text).toContain(`（案件編號 ${k.number}）已由專人受理`);
    expect(out[1].message.text).toBe(`【案件 ${k.number} 回覆】\n非常抱歉，已請主管與櫃台檢討。`);
    expect(out[2].message.text).toContain('已處理完成並結案');
    const q = out[3].message as {
      text?: string;
      quickReply?: { items: { action: { label: string; data: string } }[] };
    };
    expect(q.text).toBe('這次的處理您滿意嗎？');
    expect(q.quickReply!.items.map((i) => i.action.label)).toEqual(['滿意', '普通', '不滿意']);

    // the patient taps 滿意, then taps again: recorded once
    await b.emu_('POST', `/_emulator/users/${u}/postback`, {
      channelId: c.channelId,
      data: q.quickReply!.items[0].action.data,
      displayText: '滿意',
    });
    await b.emu_('POST', `/_emulator/users/${u}/postback`, {
      channelId: c.channelId,
      data: q.quickReply!.items[2].action.data,
      displayText: '不滿意',
    });
    await b.drain();
    const final = (await staff.get(`/api/cases/${k.id}`)).json();
    expect(final).toMatchObject({ status: 'closed', satisfaction: 'satisfied', satisfactionLabel: '滿意' });
    expect(final.events.map((e: { kind: string }) => e.kind)).toEqual([
      'opened',
      'acknowledged',
      'replied',
      'closed',
      'satisfaction',
    ]);
    const replies = (await s.sent(c.channelId, u)).slice(base + 4).filter((m) => m.via === 'reply');
    expect(replies.map((m) => m.message.text)).toEqual([
      '謝謝您的回饋（滿意），祝您健康平安！',
      '您已經回覆過這個問題了，謝謝您！',
    ]);
  });

  it('不滿意 reopens the case', async () => {
    const { c, u, staff } = await setup();
    await say(c.channelId, u, '我要抱怨');
    const [k] = await casesOf(c.clinicId);
    await staff.post(`/api/cases/${k.id}/reply`, { channel: 'phone', text: '電話說明費用' });
    await staff.post(`/api/cases/${k.id}/close`, {});
    await b.drain();
    await b.emu_('POST', `/_emulator/users/${u}/postback`, {
      channelId: c.channelId,
      data: `case:rate:${k.id}:unsatisfied`,
    });
    await b.drain();
    const after = (await staff.get(`/api/cases/${k.id}`)).json();
    expect(after).toMatchObject({ status: 'acknowledged', satisfaction: 'unsatisfied', closedAt: null });
    expect((await s.sent(c.channelId, u)).at(-1)?.message.text).toContain('已重新開啟');
  });

  it('a phone complaint by staff: a valid number, LINE replies are refused, nothing is pushed', async () => {
    const { c, staff } = await setup();
    const body = {
      kind: 'complaint',
      category: 'fees',
      severity: 'important',
      source: 'phone',
      text: '自費項目事前沒有說明',
      contactName: '林太太',
      contactMethod: 'phone',
      contactPhone: null,
      contactTime: '晚上 7 點後',
      patientId: null,
      lineUserId: null,
      messageId: null,
    };
    const badPhone = await staff.post('/api/cases', { ...body, contactPhone: '12345' });
    expect(badPhone.statusCode).toBe(422);
    const lineless = await staff.post('/api/cases', { ...body, contactMethod: 'line', contactPhone: null });
    expect(lineless.statusCode).toBe(422);
    const r = await staff.post('/api/cases', { ...body, contactPhone: '02-2700-5678' });
    expect(r.statusCode).toBe(201);
    const k = r.json();
    expect(k).toMatchObject({ source: 'phone', severityLabel: '重要', status: 'new', lineUserId: null });
    const viaLine = await staff.post(`/api/cases/${k.id}/reply`, { channel: 'line', text: '說明' });
    expect(viaLine.statusCode).toBe(409);
    expect(viaLine.json().error.code).toBe('CASE_NO_LINE_USER');
    expect((await staff.post(`/api/cases/${k.id}/reply`, { channel: 'phone', text: '已電話說明' })).statusCode).toBe(
      200,
    );
    const pushes = await b.t.deps.db
      .selectFrom('jobs')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('type', '=', 'line.push')
      .where('payload', 'like', `%${k.id}%`)
      .execute();
    expect(pushes).toHaveLength(0);
    // a viewer cannot open or move cases
    const viewer = as(b.t.app, await c.staff('viewer'));
    expect((await viewer.post('/api/cases', { ...body, contactPhone: '02-2700-5678' })).statusCode).toBe(403);
    expect((await viewer.post(`/api/cases/${k.id}/close`, {})).statusCode).toBe(403);
  });

  it('a reply in the inbox counts: both clocks stop, nothing more is sent', async () => {
    const { c, u, desk, staff } = await setup();
    await say(c.channelId, u, '我要客訴');
    const [k] = await casesOf(c.clinicId);
    const sent = (await s.sent(c.channelId, u)).length;
    const r = await staff.post(`/api/inbox/conversations/${u}/messages`, {
      clientKey: 'case-inbox-1',
      text: '您好，我們來了解',
    });
    expect(r.statusCode).toBe(200);
    await b.drain();
    const after = (await as(b.t.app, desk).get(`/api/cases/${k.id}`)).json();
    expect(after).toMatchObject({ status: 'replied', firstAction: { state: 'met' }, reply: { state: 'met' } });
    expect(after.ownerId).toBe(desk.userId);
    // the staff's own reply is the only message the patient gets
    expect((await s.sent(c.channelId, u)).slice(sent).map((m) => m.message.text)).toEqual(['您好，我們來了解']);
    // the hook on its own (a second reply): the case stays as it is
    await caseAfterStaffReply(b.t.deps, c.clinicId, u, { type: 'staff', id: desk.userId, label: desk.email });
    const again = (await as(b.t.app, desk).get(`/api/cases/${k.id}`)).json();
    expect(again.events.filter((e: { kind: string }) => e.kind === 'replied')).toHaveLength(1);
  });

  it('another clinic sees and changes nothing', async () => {
    const { c, u } = await setup();
    await say(c.channelId, u, '我要客訴');
    const [k] = await casesOf(c.clinicId);
    const other = await s.clinic();
    const o = as(b.t.app, other.admin);
    expect((await o.get(`/api/cases/${k.id}`)).statusCode).toBe(404);
    expect((await o.post(`/api/cases/${k.id}/acknowledge`, {})).statusCode).toBe(404);
    expect((await o.patch(`/api/cases/${k.id}`, { severity: 'urgent' })).statusCode).toBe(404);
    expect((await o.get('/api/cases?status=all')).json().items).toEqual([]);
    // their LIFF token for another channel does not reach this clinic's case
    const stranger = s.liff(b.t, other.channelId, await s.idToken(other.channelId, u));
    expect((await stranger.get(`/cases/${k.id}`)).statusCode).toBe(404);
    expect((await as(b.t.app, c.admin).get(`/api/cases/${k.id}`)).json().status).toBe('new');
  });
});

describe('escalation', () => {
  it('a clock that runs out escalates once: a timeline row, the overdue count and a signed webhook event', async () => {
    const { c, u, admin } = await setup();
    const cfg = await admin.put('/api/his/webhook', { url: hookUrl, secret: 'whsec_cases_test_secret_1234' });
    expect(cfg.statusCode).toBe(200);
    // short limits counted around the clock, so the test's clock need not jump days
    const limits = { firstActionHours: 0.5, replyHours: 1, businessHoursOnly: false };
    expect((await admin.put('/api/cases/settings', limits)).json()).toMatchObject({
      patientText: '我們會在 0.5 小時內由專人受理，1 小時內回覆您',
    });
    await say(c.channelId, u, '我要客訴');
    const [k] = await casesOf(c.clinicId);
    received.length = 0;
    const start = b.t.clock.now();
    try {
      b.t.clock.set(new Date(new Date(k.firstAction.dueAt!).getTime() + 60_000));
      await b.drain();
      await b.drain();
      const d = (await admin.get(`/api/cases/${k.id}`)).json();
      expect(d.firstAction).toMatchObject({ state: 'overdue' });
      expect(d.firstAction.escalatedAt).toBeTruthy();
      expect(d.reply.escalatedAt).toBeNull();
      expect(d.events.filter((e: { kind: string }) => e.kind === 'escalated')).toHaveLength(1);
      expect((await admin.get('/api/cases')).json().overdue).toBe(1);
      // the job again, or a second worker: nothing more
      expect(await caseService(b.t.deps).escalate(c.clinicId, k.id, 'first_action')).toBe(false);
      await b.drain();
      const events = received.filter((r) => r.headers['careline-event-type'] === 'case.escalated');
      expect(events).toHaveLength(1);
      const body = JSON.parse(events[0].raw);
      expect(body).toMatchObject({
        type: 'case.escalated',
        data: { caseId: k.id, number: k.number, clock: 'first_action' },
      });
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(events[0].headers['careline-signature']))!;
      expect(
        createHmac('sha256', 'whsec_cases_test_secret_1234').update(`${m[1]}.${events[0].raw}`).digest('hex'),
      ).toBe(m[2]);

      // the reply clock too, once; a case acted on in time is never escalated
      b.t.clock.set(new Date(new Date(k.reply.dueAt!).getTime() + 60_000));
      await b.drain();
      await b.drain();
      const r = (await admin.get(`/api/cases/${k.id}`)).json();
      expect(r.events.filter((e: { kind: string }) => e.kind === 'escalated')).toHaveLength(2);
      expect(received.filter((x) => x.headers['careline-event-type'] === 'case.escalated')).toHaveLength(2);
    } finally {
      b.t.clock.set(start);
    }
  });
});

describe('statistics', () => {
  it('by category and month, time to first action and reply, share within the limits, satisfaction', async () => {
    const { c, u, staff } = await setup();
    await say(c.channelId, u, '我要客訴');
    const phoneCase = await staff.post('/api/cases', {
      kind: 'complaint',
      category: 'other',
      severity: 'normal',
      source: 'phone',
      text: '電話反映：掛號費收錯',
      contactName: '林太太',
      contactMethod: 'phone',
      contactPhone: '02-2700-5678',
      contactTime: null,
      patientId: null,
      lineUserId: null,
      messageId: null,
    });
    expect(phoneCase.statusCode).toBe(201);
    const [k2, k1] = await casesOf(c.clinicId);
    await staff.patch(`/api/cases/${k1.id}`, { category: 'wait_time' });
    await staff.post(`/api/cases/${k1.id}/acknowledge`, {});
    await staff.post(`/api/cases/${k1.id}/reply`, { channel: 'phone', text: '說明' });
    await staff.post(`/api/cases/${k1.id}/close`, {});
    await caseService(b.t.deps).rate(c.clinicId, k1.id, u, 'satisfied');
    const today = new Date(k2.createdAt).toLocaleDateString('sv-SE', { timeZone: 'Asia/Taipei' });
    const st = await staff.get(`/api/cases/stats?from=${today}&to=${today}`);
    expect(st.statusCode).toBe(200);
    const j = st.json();
    expect(j).toMatchObject({ total: 2, open: 1 });
    expect(j.byCategory.find((x: { category: string }) => x.category === 'wait_time')).toMatchObject({ count: 1 });
    expect(j.byCategory.find((x: { category: string }) => x.category === 'other')).toMatchObject({ count: 1 });
    expect(j.byMonth).toEqual([{ month: today.slice(0, 7), complaint: 2, suggestion: 0, praise: 0 }]);
    expect(j.firstAction).toMatchObject({ count: 1, withinLimit: 1, withinLimitShare: 1 });
    expect(j.reply).toMatchObject({ count: 1, withinLimitShare: 1 });
    expect(j.satisfaction).toMatchObject({ satisfied: 1, answered: 1, satisfiedShare: 1 });
    expect((await staff.get('/api/cases/stats?from=2026-13-01&to=2026-12-01')).statusCode).toBe(400);
    const reversed = await staff.get('/api/cases/stats?from=2026-12-02&to=2026-12-01');
    expect(reversed.statusCode).toBe(422);
    expect(reversed.json().error.details[0].message).toContain('起日不可晚於迄日');
  });
});
