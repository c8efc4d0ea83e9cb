// The FAQ bot end to end on the LINE emulator: the starter set, editing with validation, a
// paraphrased question answered by reply with 「這個回答有幫助嗎？」, feedback, the trainer queue
// (grouped, added as a wording, then answered), idempotency per LINE event, the answer figures,
// and another clinic seeing and changing nothing.
import type { Compilable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeStatements } from '../../db/write-transaction.ts';
import { as } from '../../testing/helpers.ts';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { liffSteps } from '../../testing/liff.ts';
import { lineService } from '../line/service.ts';
import type { EventContext } from '../line/events.ts';
import { answerWithFaq } from './hook.ts';
import { faqService } from './service.ts';

let b: LineTestbed;
let s: ReturnType<typeof liffSteps>;
beforeAll(async () => {
  b = await createLineTestbed();
  s = liffSteps(b);
});
afterAll(async () => b.close());

const ALWAYS_OPEN = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, open: '00:00', close: '23:59' }));

async function say(channelId: string, userId: string, text: string) {
  await b.emu_('POST', `/_emulator/users/${userId}/messages`, { channelId, text });
  await b.drain();
}
async function tap(channelId: string, userId: string, data: string, displayText: string) {
  await b.emu_('POST', `/_emulator/users/${userId}/postback`, { channelId, data, displayText });
  await b.drain();
}

type Sent = { via: string; message: { type: string; text?: string; altText?: string; quickReply?: any } };
const sentTo = async (channelId: string, u: string) =>
  (await b.emu_('GET', `/_emulator/channels/${channelId}/messages?to=${u}`)).messages as Sent[];

const faqBody = (over: Record<string, unknown> = {}) => ({
  title: '刷卡付款',
  category: '掛號與費用',
  wordings: ['可以刷卡嗎', '有收信用卡嗎'],
  answer: { text: '本診所可刷信用卡，也接受行動支付。', buttons: [] },
  enabled: true,
  ...over,
});

describe('FAQ bot', () => {
  it('starts with the starter set, validates edits, and keeps each clinic to itself', async () => {
    const c = await s.clinic();
    const api = as(b.t.app, c.admin);
    const list = (await api.get('/api/faqs')).json();
    const titles = list.items.map((f: { title: string }) => f.title);
    for (const t of [
      '門診時間',
      '停車',
      '健保卡',
      '費用',
      '拔牙後注意事項',
      '洗牙後注意事項',
      '兒童看牙',
      '預約更改或取消',
    ])
      expect(titles).toContain(t);
    expect(list.items.every((f: { wordings: string[] }) => f.wordings.length >= 4)).toBe(true);
    const syn = (await api.get('/api/faqs/synonyms')).json();
    expect(syn.items.some((g: { terms: string[] }) => g.terms.includes('泊車'))).toBe(true);

    // bad input: nothing saved, a zh-TW message per field
    const bad = async (body: unknown, field: string, code: string) => {
      const r = await api.post('/api/faqs', body);
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json().error.details).toContainEqual(expect.objectContaining({ field, code }));
    };
    await bad(faqBody({ wordings: [' ', ''] }), 'wordings', 'minItems');
    await bad(faqBody({ wordings: ['可以刷卡嗎', '可以刷卡嗎？'] }), 'wordings.1', 'duplicate');
    await bad(faqBody({ wordings: ['附近哪裡可以停車'] }), 'wordings.0', 'duplicate');
    await bad(faqBody({ answer: { text: ' ', buttons: [] } }), 'answer.text', 'required');
    await bad(
      faqBody({
        answer: { text: '看地圖', buttons: [{ label: '地圖', action: 'uri', value: 'javascript:alert(1)' }] },
      }),
      'answer.buttons.0.value',
      'format',
    );
    expect((await api.post('/api/faqs', { ...faqBody(), enabled: 'yes' })).statusCode).toBe(422);
    expect((await api.get('/api/faqs')).json().items).toHaveLength(list.items.length);

    const r = await api.post('/api/faqs/synonyms', { terms: ['刷卡'] });
    expect(r.statusCode).toBe(422);
    expect(r.json().error.details[0]).toMatchObject({ field: 'terms', code: 'minItems' });
    const dup = await api.post('/api/faqs/synonyms', { terms: ['停車', '停機車'] });
    expect(dup.statusCode).toBe(422);
    expect(dup.json().error.details[0].code).toBe('duplicate');

    const created = await api.post('/api/faqs', {
      ...faqBody(),
      answer: {
        text: '可刷卡。詳情請看網站或來電 {phone}。',
        buttons: [{ label: '撥打電話', action: 'uri', value: 'tel:0227001234' }],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const faq = created.json();
    expect(faq.wordings).toEqual(['刷卡付款', '可以刷卡嗎', '有收信用卡嗎']);
    const test = (await api.post('/api/faqs/test', { text: '你們能不能刷信用卡' })).json();
    expect(test).toMatchObject({ answered: true, best: { faqId: faq.id, title: '刷卡付款' } });
    expect(test.answer.text).toBe('可刷卡。詳情請看網站或來電 02-2700-1234。');

    // a viewer reads but does not write; another clinic sees its own list and cannot touch this one
    const viewer = await c.staff('viewer');
    expect((await as(b.t.app, viewer).get('/api/faqs')).statusCode).toBe(200);
    expect((await as(b.t.app, viewer).post('/api/faqs', faqBody({ title: '別的' }))).statusCode).toBe(403);
    const other = await s.clinic();
    const oapi = as(b.t.app, other.admin);
    const theirs = (await oapi.get('/api/faqs')).json().items;
    expect(theirs.find((f: { id: string }) => f.id === faq.id)).toBeUndefined();
    expect((await oapi.put(`/api/faqs/${faq.id}`, faqBody())).statusCode).toBe(404);
    expect((await oapi.delete(`/api/faqs/${faq.id}`)).statusCode).toBe(404);
    expect((await oapi.post('/api/faqs/test', { text: '可以刷卡嗎' })).json().best).toBeNull();
    // the same wording is free in another clinic
    expect((await oapi.post('/api/faqs', faqBody())).statusCode).toBe(201);

    const upd = await api.put(`/api/faqs/${faq.id}`, { ...faqBody(), enabled: false });
    expect(upd.statusCode).toBe(200);
    expect((await api.post('/api/faqs/test', { text: '可以刷卡嗎' })).json().answered).toBe(false);
    expect((await api.delete(`/api/faqs/${faq.id}`)).statusCode).toBe(204);
    expect((await api.get('/api/faqs')).json().items).toHaveLength(list.items.length);
  });

  it('answers a paraphrase by reply, records feedback, queues what it cannot answer and learns it', async () => {
    const c = await s.clinic();
    const api = as(b.t.app, c.admin);
    expect((await api.patch('/api/clinic', { businessHours: ALWAYS_OPEN })).statusCode).toBe(200);
    const u = await s.user('林小姐');
    await b.emu_('POST', `/_emulator/users/${u}/follow`, { channelId: c.channelId });
    await b.drain();
    const from = b.t.clock.now().toISOString();

    await say(c.channelId, u, '拔牙後可以喝熱的嗎');
    let out = await sentTo(c.channelId, u);
    const [answer, ask] = out.slice(-2);
    expect(answer.via).toBe('reply');
    expect(answer.message.text).toContain('24 小時內避免熱食、熱飲');
    expect(ask.message.text).toBe('這個回答有幫助嗎？');
    const items = ask.message.quickReply.items.map((i: { action: { label: string; data: string } }) => i.action);
    expect(items.map((a: { label: string }) => a.label)).toEqual(['有幫助', '沒幫助']);

    await tap(c.channelId, u, items[1].data, '沒幫助');
    out = await sentTo(c.channelId, u);
    expect(out.at(-1)?.message.text).toContain('抱歉沒有幫上忙');
    let list = (await api.get('/api/faqs')).json().items;
    expect(list.find((f: { title: string }) => f.title === '拔牙後注意事項')).toMatchObject({ hits: 1, notHelpful: 1 });

    // an unknown question: no FAQ answer (the acknowledgement comes from the inbox), queued; asked
    // again in other words it joins the same group
    const n = (await sentTo(c.channelId, u)).length;
    await say(c.channelId, u, '可以用悠遊卡付款嗎');
    await say(c.channelId, u, '悠遊卡付款可以嗎？');
    const after = (await sentTo(c.channelId, u)).slice(n);
    expect(after.every((m) => m.message.text !== '這個回答有幫助嗎？')).toBe(true);
    const q = (await api.get('/api/faqs/trainer')).json();
    const g = q.groups.find((x: { text: string }) => x.text.includes('悠遊卡'));
    expect(g).toMatchObject({ count: 2, unanswered: 2 });
    expect(q.groups.find((x: { notHelpful: number }) => x.notHelpful === 1).text).toBe('拔牙後可以喝熱的嗎');

    // the trainer adds it as a wording of 費用; asked again, it is answered
    const fee = list.find((f: { title: string }) => f.title === '費用');
    const add = await api.post('/api/faqs/trainer/add-wording', {
      questionIds: g.questionIds,
      faqId: fee.id,
      wording: '可以用悠遊卡付款嗎',
    });
    expect(add.statusCode, add.body).toBe(200);
    expect(add.json()).toEqual({ updated: 2 });
    expect(
      (await api.get('/api/faqs/trainer')).json().groups.some((x: { text: string }) => x.text.includes('悠遊卡')),
    ).toBe(false);
    await say(c.channelId, u, '悠遊卡可以付款嗎');
    out = await sentTo(c.channelId, u);
    expect(out.at(-2)?.message.text).toContain('健保給付的治療只需支付掛號費與部分負擔');
    const ask2 = out.at(-1)!.message.quickReply.items[0].action;
    await tap(c.channelId, u, ask2.data, '有幫助');
    expect((await sentTo(c.channelId, u)).at(-1)?.message.text).toBe('謝謝您的回饋！');

    // the same wording cannot go to a second FAQ; a dismissed group leaves the queue
    const hours = list.find((f: { title: string }) => f.title === '門診時間');
    const clash = await api.post('/api/faqs/trainer/add-wording', {
      questionIds: g.questionIds,
      faqId: hours.id,
      wording: '可以用悠遊卡付款嗎',
    });
    expect(clash.statusCode).toBe(422);
    await say(c.channelId, u, '你們有賣牙刷嗎');
    const open = (await api.get('/api/faqs/trainer')).json().groups;
    const brush = open.find((x: { text: string }) => x.text === '你們有賣牙刷嗎');
    expect((await api.post('/api/faqs/trainer/dismiss', { questionIds: brush.questionIds })).json()).toEqual({
      updated: 1,
    });

    // another clinic neither sees nor handles this clinic's questions
    const other = await s.clinic();
    const oq = (await as(b.t.app, other.admin).get('/api/faqs/trainer')).json();
    expect(oq.groups).toEqual([]);
    const ow = await as(b.t.app, other.admin).post('/api/faqs/trainer/dismiss', {
      questionIds: open.flatMap((x: { questionIds: string[] }) => x.questionIds),
    });
    expect(ow.statusCode).toBe(404);

    const stats = await faqService(b.t.deps).stats(c.clinicId, from, new Date(Date.now() + 60_000).toISOString());
    expect(stats).toEqual({ asked: 5, answered: 2, unanswered: 3, helpful: 1, notHelpful: 1 });
    list = (await api.get('/api/faqs')).json().items;
    expect(list.find((f: { title: string }) => f.title === '費用')).toMatchObject({ hits: 1, helpful: 1 });
  });

  it('answers and records once per LINE event, and says after hours when a person will reply', async () => {
    const c = await s.clinic();
    // Sunday 20:00 in Taipei; the front desk works on Mondays from 9:00
    const real = b.t.clock.now();
    b.t.clock.set('2026-12-06T12:00:00Z');
    const now = b.t.clock.now();
    await as(b.t.app, c.admin).patch('/api/clinic', {
      businessHours: [{ weekday: 1, open: '09:00', close: '09:01' }],
    });
    const replies: unknown[][] = [];
    const line = lineService(b.t.deps);
    const ctx = (replyToken: string | null): EventContext => ({
      deps: b.t.deps,
      line: {
        ...line,
        // a reply LINE accepted: its message log and what the sender writes with it (the replied-at)
        reply: async (...args: unknown[]) => {
          replies.push(args);
          const opts = args[5] as { alsoWrite?: readonly Compilable<unknown>[] } | undefined;
          await writeStatements(b.t.deps.db, b.t.deps.dialect, opts?.alsoWrite ?? []);
          return { ok: true };
        },
      } as never,
      clinicId: c.clinicId,
      lineUserId: 'U-retry',
      event: { type: 'message', webhookEventId: 'EV-1', message: { id: 'M1', type: 'text', text: '哪裡可以停車' } },
      replyToken,
      at: now.toISOString(),
    });
    expect(await answerWithFaq(ctx('token-1'), '哪裡可以停車')).toBe(true);
    expect(await answerWithFaq(ctx('token-1'), '哪裡可以停車')).toBe(true);
    expect(replies).toHaveLength(1);
    const messages = replies[0][3] as { text?: string }[];
    expect(messages.at(-1)?.text).toBe(
      '目前非服務時間，如需專人協助，櫃台人員將於明天（週一）9:00上班後回覆您。\n\n這個回答有幫助嗎？',
    );
    const stats = await faqService(b.t.deps).stats(c.clinicId, '2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z');
    expect(stats.asked).toBe(1);
    // the same event recorded again (two workers at once): the first row is kept, no second hit
    const parking = async () =>
      (await as(b.t.app, c.admin).get('/api/faqs')).json().items.find((f: { hits: number }) => f.hits > 0);
    expect(await parking()).toMatchObject({ hits: 1 });
    const svc = faqService(b.t.deps);
    const first = await svc.questionByEvent(c.clinicId, 'EV-1');
    const again = await svc.recordQuestion(c.clinicId, {
      eventKey: 'EV-1',
      lineUserId: 'U-retry',
      text: '哪裡可以停車',
      outcome: await svc.match(c.clinicId, '哪裡可以停車'),
    });
    expect(again).toMatchObject({ inserted: false, row: { id: first?.id } });
    expect(await parking()).toMatchObject({ hits: 1 });

    // too late for a free reply: answered by push (once, with a retry key), recorded once
    const late = { ...ctx(null), event: { ...ctx(null).event, webhookEventId: 'EV-2' } };
    expect(await answerWithFaq(late, '哪裡可以停車')).toBe(true);
    expect(await answerWithFaq(late, '哪裡可以停車')).toBe(true);
    expect(replies).toHaveLength(1);
    const pushes = await b.t.deps.db
      .selectFrom('jobs')
      .select('payload')
      .where('clinic_id', '=', c.clinicId)
      .where('type', '=', 'line.push')
      .execute();
    expect(pushes).toHaveLength(1);
    expect(pushes[0].payload).toContain('附近有路邊停車格');
    expect((await faqService(b.t.deps).stats(c.clinicId, '2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z')).asked).toBe(
      2,
    );
    b.t.clock.set(real);
  });
});
