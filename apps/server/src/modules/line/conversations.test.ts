// Messages no automatic reply answers: an acknowledgement through the free Reply API (at most one
// per user in a few hours, worded with the clinic's business hours), a count of unanswered
// conversations for the home page, and the inbox's reply and 標示完成.
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
    await say(c.channelId, u, '我家的貓生病了');
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
    const summary = (await as(b.t.app, desk).get('/api/inbox/summary')).json();
    expect(summary).toEqual({ unanswered: 1 });
    const list = (await as(b.t.app, desk).get('/api/inbox/conversations?filter=waiting')).json();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ lineUserId: u, displayName: '陳先生', lastText: '謝謝', state: 'waiting' });
    const conv = (await as(b.t.app, desk).get(`/api/inbox/conversations/${u}`)).json();
    expect(conv.patients.map((x: { name: string }) => x.name)).toEqual(['陳小明']);
    const texts = conv.messages.map((m: { direction: string; text: string }) => `${m.direction}:${m.text}`);
    expect(texts).toContain('in:我家的貓生病了');
    expect(texts).toContain('out:附近有公有停車場');

    // the front desk answers: the message reaches the phone and the conversation is no longer waiting
    const r = await as(b.t.app, desk).post(`/api/inbox/conversations/${u}/messages`, {
      clientKey: 'reply-0000001',
      text: '建議帶去看獸醫喔',
    });
    expect(r.statusCode).toBe(200);
    await b.drain();
    expect((await s.sent(c.channelId, u)).at(-1)).toMatchObject({ message: { text: '建議帶去看獸醫喔' } });
    expect((await as(b.t.app, desk).get('/api/inbox/summary')).json()).toEqual({ unanswered: 0 });
    // (the bot's pause after a staff reply is over)
    await b.t.deps.db
      .updateTable('line_conversations')
      .set({ bot_paused_until: null })
      .where('clinic_id', '=', c.clinicId)
      .execute();

    // a new question later: acknowledged again only after the quiet period, and marked handled by hand
    await say(c.channelId, u, '還有一個問題');
    expect((await s.sent(c.channelId, u)).at(-1)?.message.text).toBe('建議帶去看獸醫喔');
    // (the acknowledgement was sent 7 hours ago: the reply token of the next message is fresh)
    await b.t.deps.db
      .updateTable('line_conversations')
      .set({ last_ack_at: new Date(b.t.clock.now().getTime() - 7 * 3_600_000).toISOString() })
      .where('clinic_id', '=', c.clinicId)
      .execute();
    await say(c.channelId, u, '我家的狗也生病了');
    expect((await s.sent(c.channelId, u)).at(-1)?.via).toBe('reply');
    expect((await as(b.t.app, desk).get('/api/inbox/summary')).json()).toEqual({ unanswered: 1 });
    const h = await as(b.t.app, desk).post(`/api/inbox/conversations/${u}/done`);
    expect(h.statusCode).toBe(200);
    expect((await as(b.t.app, desk).get('/api/inbox/summary')).json()).toEqual({ unanswered: 0 });

    // viewers may read but not answer; another clinic sees nothing
    const viewer = await c.staff('viewer');
    const denied = await as(b.t.app, viewer).post(`/api/inbox/conversations/${u}/messages`, {
      clientKey: 'reply-0000002',
      text: 'x',
    });
    expect(denied.statusCode).toBe(403);
    const other = await s.clinic();
    expect((await as(b.t.app, other.admin).get(`/api/inbox/conversations/${u}`)).statusCode).toBe(404);
  });
});
