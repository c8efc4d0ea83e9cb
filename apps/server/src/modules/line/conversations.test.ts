// Messages no automatic reply answers: an acknowledgement through the free Reply API (at most one
// per user in a few hours, worded with the clinic's business hours), a count of unanswered
// conversations for the home page, and a minimal conversation page's API (messages, the patients
// linked to that LINE user, a reply that pushes a text, 「標示已處理」).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as } from '../../testing/helpers.ts';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { liffSteps, phone } from '../../testing/liff.ts';
import { failedAnswerReply } from './hours.ts';

let b: LineTestbed;
let s: ReturnType<typeof liffSteps>;
beforeAll(async () => {
  b = await createLineTestbed();
  s = liffSteps(b);
});
afterAll(async () => b.close());

const HOURS = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '09:00', close: '18:00' }));

async function say(channelId: string, userId: string, text: string) {
  await b.emu_('POST', `/_emulator/users/${userId}/messages`, { channelId, text });
  await b.drain();
}

describe('unanswered messages', () => {
  it('are acknowledged once in a few hours by reply, counted, listed and handled by the front desk', async () => {
    const c = await s.clinic();
    expect((await as(b.t.app, c.admin).patch('/api/clinic', { businessHours: HOURS })).statusCode).toBe(200);
    await as(b.t.app, c.admin).post('/api/auto-replies', {
      name: '停車',
      matchType: 'keyword',
      triggers: ['停車'],
      reply: { type: 'text', text: '附近有公有停車場' },
    });
    // Only the canned reply answers here: the FAQ bot's starter set would answer the rest.
    for (const f of (await as(b.t.app, c.admin).get('/api/faqs')).json().items)
      await as(b.t.app, c.admin).delete(`/api/faqs/${f.id}`);
    const p = phone();
    await c.his.put('/his/v1/patients/P1', { name: '陳小明', phone: p });
    const { u } = await s.bindUser(c, p, '陳先生');
    const before = (await s.sent(c.channelId, u)).length;

    await say(c.channelId, u, '請問哪裡可以停車');
    await say(c.channelId, u, '可以改下午嗎？');
    await say(c.channelId, u, '謝謝');
    const out = (await s.sent(c.channelId, u)).slice(before);
    expect(out.map((m) => [m.via, m.message.text])).toEqual([
      ['reply', '附近有公有停車場'],
      [
        'reply',
        failedAnswerReply({ businessHours: HOURS, timeZone: 'Asia/Taipei', phone: '02-2700-1234' }, b.t.clock.now()),
      ],
    ]);

    const desk = await c.staff('front_desk');
    const summary = (await as(b.t.app, desk).get('/api/line/conversations/summary')).json();
    expect(summary).toEqual({ unanswered: 1 });
    const list = (await as(b.t.app, desk).get('/api/line/conversations?unanswered=true')).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ lineUserId: u, displayName: '陳先生', lastText: '謝謝', unanswered: true });
    const conv = (await as(b.t.app, desk).get(`/api/line/conversations/${u}`)).json();
    expect(conv.patients.map((x: { name: string }) => x.name)).toEqual(['陳小明']);
    const texts = conv.messages.map((m: { direction: string; text: string }) => `${m.direction}:${m.text}`);
    expect(texts).toContain('in:可以改下午嗎？');
    expect(texts).toContain('out:附近有公有停車場');

    // the front desk answers: a push reaches the phone and the conversation is no longer waiting
    const r = await as(b.t.app, desk).post(`/api/line/conversations/${u}/reply`, { text: '可以，幫您改到下午 3 點' });
    expect(r.statusCode).toBe(200);
    await b.drain();
    expect((await s.sent(c.channelId, u)).at(-1)).toMatchObject({
      via: 'push',
      message: { text: '可以，幫您改到下午 3 點' },
    });
    expect((await as(b.t.app, desk).get('/api/line/conversations/summary')).json()).toEqual({ unanswered: 0 });

    // a new question later: acknowledged again only after the quiet period, and marked handled by hand
    await say(c.channelId, u, '還有一個問題');
    expect((await s.sent(c.channelId, u)).at(-1)?.message.text).toBe('可以，幫您改到下午 3 點');
    // (the acknowledgement was sent 7 hours ago: the reply token of the next message is fresh)
    await b.t.deps.db
      .updateTable('line_conversations')
      .set({ last_ack_at: new Date(b.t.clock.now().getTime() - 7 * 3_600_000).toISOString() })
      .where('clinic_id', '=', c.clinicId)
      .execute();
    await say(c.channelId, u, '請問今天有開嗎');
    expect((await s.sent(c.channelId, u)).at(-1)?.via).toBe('reply');
    expect((await as(b.t.app, desk).get('/api/line/conversations/summary')).json()).toEqual({ unanswered: 1 });
    const h = await as(b.t.app, desk).post(`/api/line/conversations/${u}/handled`);
    expect(h.statusCode).toBe(200);
    expect((await as(b.t.app, desk).get('/api/line/conversations/summary')).json()).toEqual({ unanswered: 0 });

    // viewers may read but not answer; another clinic sees nothing
    const viewer = await c.staff('viewer');
    expect((await as(b.t.app, viewer).post(`/api/line/conversations/${u}/reply`, { text: 'x' })).statusCode).toBe(403);
    const other = await s.clinic();
    expect((await as(b.t.app, other.admin).get(`/api/line/conversations/${u}`)).statusCode).toBe(404);
  });
});
