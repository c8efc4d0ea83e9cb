// 訊息 › 收件匣 against the LINE emulator: conversation states (bot / waiting / done) from the
// hooks and the hand-off, filters and assignment, internal notes, unread counts and markAsRead
// (only in the channel's manual read mode), staff replies by the free Reply API while the reply
// token is fresh and by push otherwise, one send per client key, two staff at once, the bot's
// pause after a staff reply, images, search, and another clinic seeing and changing nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as } from '../../testing/helpers.ts';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { liffSteps, phone } from '../../testing/liff.ts';
import { articleIdBySlug } from '../care-library/service.ts';
import { startWorker } from '../../platform/jobs.ts';
import { LOADING_AFTER_MS, lineEventJob, respond } from './events.ts';
import { handToPerson, isBotPaused } from './inbox.ts';
import { inboxService } from './inbox.service.ts';

let b: LineTestbed;
let s: ReturnType<typeof liffSteps>;
beforeAll(async () => {
  b = await createLineTestbed();
  s = liffSteps(b);
});
afterAll(async () => b.close());

async function say(channelId: string, userId: string, text: string) {
  await b.emu_('POST', `/_emulator/users/${userId}/messages`, { channelId, text });
  await b.drain();
}
async function send(channelId: string, userId: string, message: Record<string, unknown>) {
  await b.emu_('POST', `/_emulator/users/${userId}/messages`, { channelId, message });
  await b.drain();
}
const key = () => randomUUID();
/** Runs `fn` with the app's clock `ms` ahead (the emulator stamps events with the real time). */
async function ahead<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const start = b.t.clock.now();
  b.t.clock.set(new Date(Math.max(start.getTime(), Date.now()) + ms));
  try {
    return await fn();
  } finally {
    b.t.clock.set(start);
  }
}
const hdr = (x: { cookie: string; csrf: string }) => ({ cookie: x.cookie, 'x-csrf-token': x.csrf });

async function setup() {
  const c = await s.clinic();
  await as(b.t.app, c.admin).post('/api/auto-replies', {
    name: '停車',
    matchType: 'keyword',
    triggers: ['停車'],
    reply: { type: 'text', text: '附近有公有停車場' },
  });
  const p = phone();
  await c.his.put('/his/v1/patients/P1', { name: '陳小明', phone: p });
  const { u } = await s.bindUser(c, p, '陳先生');
  const desk = await c.staff('front_desk');
  return { c, u, desk };
}

describe('conversation states', () => {
  it('the bot answers (機器人處理), a failed answer waits with an offer of a person, 找真人 hands over', async () => {
    const { c, u, desk } = await setup();
    const api = as(b.t.app, desk);
    await say(c.channelId, u, '請問哪裡可以停車');
    let conv = (await api.get(`/api/inbox/conversations/${u}`)).json();
    expect(conv).toMatchObject({ state: 'bot', unread: 1, waitingReason: null });

    await say(c.channelId, u, '我家的貓生病了');
    conv = (await api.get(`/api/inbox/conversations/${u}`)).json();
    expect(conv).toMatchObject({ state: 'waiting', waitingReason: 'bot_failed', unread: 2 });
    const ack = (await s.sent(c.channelId, u)).at(-1)!;
    expect(ack.via).toBe('reply');
    expect(ack.message.text).toContain('需要由櫃台人員回覆');
    expect(
      (ack.message as { quickReply?: { items: { action: { text: string } }[] } }).quickReply?.items[0].action.text,
    ).toBe('找真人');

    await say(c.channelId, u, '找真人');
    conv = (await api.get(`/api/inbox/conversations/${u}`)).json();
    expect(conv).toMatchObject({ state: 'waiting', waitingReason: 'handoff' });
    expect((await s.sent(c.channelId, u)).at(-1)?.message.text).toContain('已為您轉接櫃台人員');

    // 「客訴」 is not a request for a person here: the cases module answers it (and hands it over as a complaint)
    await say(c.channelId, u, '我要客訴');
    expect((await s.sent(c.channelId, u)).at(-1)?.message.text ?? '').not.toContain('已為您轉接櫃台人員');

    expect((await api.get('/api/inbox/summary')).json()).toEqual({ unanswered: 1 });
    const done = await api.post(`/api/inbox/conversations/${u}/done`);
    expect(done.json()).toMatchObject({ state: 'done', waitingSince: null });
    expect((await api.get('/api/inbox/summary')).json()).toEqual({ unanswered: 0 });
  });

  it('handToPerson marks waiting with reason, note and appointment, keeping the timer; sends nothing', async () => {
    const { c, u, desk } = await setup();
    await say(c.channelId, u, '請問哪裡可以停車');
    const before = (await s.sent(c.channelId, u)).length;
    await handToPerson(b.t.deps, c.clinicId, u, {
      reason: 'reminder_text',
      note: '可以改下午嗎？',
      appointmentId: 'A1',
    });
    const first = (await as(b.t.app, desk).get(`/api/inbox/conversations/${u}`)).json();
    expect(first).toMatchObject({
      state: 'waiting',
      waitingReason: 'reminder_text',
      waitingNote: '可以改下午嗎？',
      waitingAppointmentId: 'A1',
    });
    await ahead(60_000, () => handToPerson(b.t.deps, c.clinicId, u, { reason: 'complaint' }));
    const second = (await as(b.t.app, desk).get(`/api/inbox/conversations/${u}`)).json();
    expect(second.waitingReason).toBe('complaint');
    expect(second.waitingSince).toBe(first.waitingSince);
    expect((await s.sent(c.channelId, u)).length).toBe(before);
  });

  it("LINE's loading animation only while a slow answer is prepared (not a quick one, not a paused bot)", async () => {
    const { c, u, desk } = await setup();
    const chat = () => b.emu_('GET', `/_emulator/users/${u}/chat?channelId=${c.channelId}`);
    await say(c.channelId, u, '我家的貓生病了'); // acknowledged at once: no animation was needed
    expect((await chat()).loadingMs).toBe(0);
    await say(c.channelId, u, '貓咪也不吃飯'); // no answer (acknowledged already): the bot must not look busy
    expect((await chat()).loadingMs).toBe(0);
    // an answer that takes longer than LOADING_AFTER_MS: the animation shows meanwhile, the reply ends it
    const seen: number[] = [];
    const slow = startWorker(
      b.t.deps,
      [
        lineEventJob({
          onText: [
            async (ctx) => {
              await new Promise((r) => setTimeout(r, LOADING_AFTER_MS + 300));
              seen.push((await chat()).loadingMs);
              await respond(ctx, [{ type: 'text', text: '查好了' }], 'test.slow');
              seen.push((await chat()).loadingMs);
              return true;
            },
          ],
        }),
      ],
      { workerId: 'slow-bot', autoStart: false },
    );
    await b.emu_('POST', `/_emulator/users/${u}/messages`, { channelId: c.channelId, text: '幫我查一下' });
    expect(await slow.runOnce()).toBe(1);
    await slow.stop();
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen[1]).toBe(0);
    expect((await chat()).items.at(-1).message.text).toBe('查好了');
    // a staff reply pauses the bot: the next message shows no animation and gets no answer
    await as(b.t.app, desk).post(`/api/inbox/conversations/${u}/messages`, { clientKey: key(), text: '不太會痛喔' });
    await b.drain();
    await say(c.channelId, u, '好的');
    const after = await chat();
    expect(after.loadingMs).toBe(0);
    expect(after.items.at(-1).message.text).toBe('好的');
  });
});

describe('staff replies', () => {
  it('use the fresh reply token once, then push; a double click sends once; the bot pauses', async () => {
    const { c, u, desk } = await setup();
    const api = as(b.t.app, desk);
    await say(c.channelId, u, '我家的貓生病了'); // ack used the token
    await say(c.channelId, u, '可以嗎'); // within the quiet period: no ack, token unused
    const k = key();
    const r1 = await api.post(`/api/inbox/conversations/${u}/messages`, {
      clientKey: k,
      text: '24 小時內避免喝熱的喔',
    });
    expect(r1.json()).toEqual({ method: 'reply', duplicate: false });
    const r2 = await api.post(`/api/inbox/conversations/${u}/messages`, {
      clientKey: k,
      text: '24 小時內避免喝熱的喔',
    });
    expect(r2.json()).toEqual({ method: 'reply', duplicate: true });
    const r3 = await api.post(`/api/inbox/conversations/${u}/messages`, { clientKey: key(), text: '有問題再跟我們說' });
    expect(r3.json()).toEqual({ method: 'push', duplicate: false });
    await b.drain();
    const out = (await s.sent(c.channelId, u)).slice(-2);
    expect(out.map((m) => [m.via, m.message.text])).toEqual([
      ['reply', '24 小時內避免喝熱的喔'],
      ['push', '有問題再跟我們說'],
    ]);
    const conv = (await api.get(`/api/inbox/conversations/${u}`)).json();
    expect(conv.state).toBe('done');
    expect(conv.botPausedUntil).not.toBeNull();
    expect(
      conv.messages.filter((m: { source: string }) => m.source === 'staff').map((m: { method: string }) => m.method),
    ).toEqual(['reply', 'push']);

    // the bot is paused: a keyword the auto reply knows gets no answer, and the message waits
    expect(await isBotPaused(b.t.deps, c.clinicId, u)).toBe(true);
    const n = (await s.sent(c.channelId, u)).length;
    await say(c.channelId, u, '那停車呢');
    expect((await s.sent(c.channelId, u)).length).toBe(n);
    expect((await api.get(`/api/inbox/conversations/${u}`)).json()).toMatchObject({
      state: 'waiting',
      waitingReason: 'conversation',
    });
    // after the pause (30 minutes by default) the bot answers again
    expect(await ahead(31 * 60_000, () => isBotPaused(b.t.deps, c.clinicId, u))).toBe(false);
    await b.t.deps.db
      .updateTable('line_conversations')
      .set({ bot_paused_until: new Date(b.t.clock.now().getTime() - 1000).toISOString() })
      .where('clinic_id', '=', c.clinicId)
      .execute();
    await say(c.channelId, u, '停車');
    expect((await s.sent(c.channelId, u)).at(-1)?.message.text).toBe('附近有公有停車場');
  });

  it('afterStaffReply hooks run once per sent reply (not for a repeated client key)', async () => {
    const { c, u } = await setup();
    await say(c.channelId, u, '我家的貓生病了');
    const calls: string[] = [];
    const svc = inboxService(b.t.deps, {
      afterStaffReply: [
        async (_deps, clinicId, lineUserId, actor) => void calls.push(`${clinicId}:${lineUserId}:${actor.label}`),
      ],
    });
    const actor = { type: 'staff' as const, id: 'S1', label: 'desk@example.test' };
    const k = key();
    await svc.send(c.clinicId, u, { clientKey: k, text: '您好' }, actor, '127.0.0.1');
    await svc.send(c.clinicId, u, { clientKey: k, text: '您好' }, actor, '127.0.0.1');
    expect(calls).toEqual([`${c.clinicId}:${u}:desk@example.test`]);
  });

  it('a stale reply token is not used: the reply is pushed', async () => {
    const { c, u, desk } = await setup();
    await say(c.channelId, u, '我家的貓生病了');
    await say(c.channelId, u, '在嗎');
    const r = await ahead(60_000, async () => {
      const res = await as(b.t.app, desk).post(`/api/inbox/conversations/${u}/messages`, {
        clientKey: key(),
        text: '在的',
      });
      await b.drain();
      return res;
    });
    expect(r.json()).toEqual({ method: 'push', duplicate: false });
    expect((await s.sent(c.channelId, u)).at(-1)).toMatchObject({ via: 'push', message: { text: '在的' } });
  });

  it('two staff replying at once: each message is sent exactly once', async () => {
    const { c, u, desk } = await setup();
    const other = await c.staff('front_desk');
    await say(c.channelId, u, '我家的貓生病了');
    await say(c.channelId, u, '請問一下');
    const before = (await s.sent(c.channelId, u)).length;
    const [a, z] = await Promise.all([
      as(b.t.app, desk).post(`/api/inbox/conversations/${u}/messages`, { clientKey: key(), text: '甲回覆' }),
      as(b.t.app, other).post(`/api/inbox/conversations/${u}/messages`, { clientKey: key(), text: '乙回覆' }),
    ]);
    expect([a.statusCode, z.statusCode]).toEqual([200, 200]);
    expect([a.json().method, z.json().method].sort()).toEqual(['push', 'reply']);
    await b.drain();
    const out = (await s.sent(c.channelId, u)).slice(before).map((m) => m.message.text);
    expect(out.sort()).toEqual(['乙回覆', '甲回覆']);
  });

  it('a health-education article goes as its Flex card after the text; a draft or unknown one is refused', async () => {
    const { c, u, desk } = await setup();
    const api = as(b.t.app, desk);
    await say(c.channelId, u, '我家的貓生病了');
    await say(c.channelId, u, '可以嗎');
    const articleId = (await articleIdBySlug(b.t.deps, c.clinicId, 'after-extraction'))!;
    const r = await api.post(`/api/inbox/conversations/${u}/messages`, {
      clientKey: key(),
      text: '這篇說明給您參考',
      articleId,
    });
    expect(r.json()).toEqual({ method: 'reply', duplicate: false });
    // an article alone, pushed
    const alone = await api.post(`/api/inbox/conversations/${u}/messages`, { clientKey: key(), articleId });
    expect(alone.json()).toEqual({ method: 'push', duplicate: false });
    await b.drain();
    const out = (await s.sent(c.channelId, u)).slice(-3);
    expect(out.map((m) => [m.via, m.message.type, m.message.text ?? m.message.altText])).toEqual([
      ['reply', 'text', '這篇說明給您參考'],
      ['reply', 'flex', '【衛教】拔牙後照護'],
      ['push', 'flex', '【衛教】拔牙後照護'],
    ]);
    const audit = (await as(b.t.app, c.admin).get('/api/audit?action=line.conversation_replied')).json();
    expect(audit.items[0].detail).toMatchObject({ articleId, method: 'push' });

    const draft = await as(b.t.app, c.admin).post(`/api/care/articles/${articleId}/unpublish`);
    expect(draft.json().status).toBe('draft');
    const refused = await api.post(`/api/inbox/conversations/${u}/messages`, { clientKey: key(), articleId });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details[0]).toMatchObject({ field: 'articleId', code: 'draft' });
    const unknown = await api.post(`/api/inbox/conversations/${u}/messages`, { clientKey: key(), articleId: 'x' });
    expect(unknown.json().error.details[0]).toMatchObject({ field: 'articleId', code: 'unknown' });
    // another clinic's article is unknown here
    const other = await s.clinic();
    const theirs = (await articleIdBySlug(b.t.deps, other.clinicId, 'after-implant'))!;
    const foreign = await api.post(`/api/inbox/conversations/${u}/messages`, { clientKey: key(), articleId: theirs });
    expect(foreign.json().error.details[0]).toMatchObject({ field: 'articleId', code: 'unknown' });
  });

  it('images: JPEG/PNG up to 10 MB, served publicly; anything else is refused', async () => {
    const { c, u, desk } = await setup();
    await say(c.channelId, u, '我家的貓生病了');
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64)]);
    const up = await b.t.app.inject({
      method: 'POST',
      url: '/api/inbox/uploads',
      headers: { ...hdr(desk), 'content-type': 'image/png' },
      payload: png,
    });
    expect(up.statusCode).toBe(200);
    const { id, url } = up.json();
    expect(url).toMatch(new RegExp(`/line/media/${id}$`));
    const media = await b.t.app.inject({ method: 'GET', url: `/line/media/${id}` });
    expect(media.statusCode).toBe(200);
    expect(media.headers['content-type']).toBe('image/png');
    const bad = await b.t.app.inject({
      method: 'POST',
      url: '/api/inbox/uploads',
      headers: { ...hdr(desk), 'content-type': 'image/png' },
      payload: Buffer.from('GIF89a-not-a-png'),
    });
    expect(bad.statusCode).toBe(415);
    expect(bad.json().error.code).toBe('IMAGE_TYPE');
    const big = await b.t.app.inject({
      method: 'POST',
      url: '/api/inbox/uploads',
      headers: { ...hdr(desk), 'content-type': 'image/jpeg' },
      payload: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(10 * 1024 * 1024)]),
    });
    expect(big.statusCode).toBe(413);

    const r = await as(b.t.app, desk).post(`/api/inbox/conversations/${u}/messages`, {
      clientKey: key(),
      imageId: id,
      text: '這是術後注意事項',
    });
    expect(r.statusCode).toBe(200);
    await b.drain();
    const out = (await s.sent(c.channelId, u)).slice(-2);
    expect(out.map((m) => m.message.type)).toEqual(['image', 'text']);
    const wrong = await as(b.t.app, desk).post(`/api/inbox/conversations/${u}/messages`, {
      clientKey: key(),
      imageId: 'nonexistent-image-id',
    });
    expect(wrong.statusCode).toBe(422);
    const empty = await as(b.t.app, desk).post(`/api/inbox/conversations/${u}/messages`, {
      clientKey: key(),
      text: '   ',
    });
    expect(empty.statusCode).toBe(422);
  });

  it('a blocked user is marked and cannot be written to', async () => {
    const { c, u, desk } = await setup();
    await say(c.channelId, u, '我家的貓生病了');
    await b.emu_('POST', `/_emulator/users/${u}/unfollow`, { channelId: c.channelId });
    await b.drain();
    const api = as(b.t.app, desk);
    expect((await api.get(`/api/inbox/conversations/${u}`)).json().friendState).toBe('blocked');
    const r = await api.post(`/api/inbox/conversations/${u}/messages`, { clientKey: key(), text: '您好' });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('LINE_USER_BLOCKED');
  });
});

describe('the list', () => {
  it('filters, assignment, notes, unread and search; non-text messages are described', async () => {
    const { c, u, desk } = await setup();
    const api = as(b.t.app, desk);
    const p2 = phone();
    await c.his.put('/his/v1/patients/P2', { name: '林美華', phone: p2 });
    const { u: u2 } = await s.bindUser(c, p2, '林小姐');
    await say(c.channelId, u, '請問哪裡可以停車'); // bot
    await new Promise((r) => setTimeout(r, 5));
    await say(c.channelId, u2, '我牙齦腫起來了'); // waiting
    await send(c.channelId, u2, { type: 'sticker', packageId: '446', stickerId: '1988' });
    await send(c.channelId, u2, { type: 'image' });
    await send(c.channelId, u2, { type: 'location', title: '診所', address: '臺北市信義區' });

    const list = async (filter: string) =>
      (await api.get(`/api/inbox/conversations?filter=${filter}`))
        .json()
        .items.map((i: { lineUserId: string }) => i.lineUserId);
    expect(await list('all')).toEqual([u2, u]);
    expect(await list('bot')).toEqual([u]);
    expect(await list('waiting')).toEqual([u2]);
    expect(await list('unassigned')).toEqual([u2]);
    expect(await list('mine')).toEqual([]);
    const all = (await api.get('/api/inbox/conversations')).json();
    expect(all.counts).toMatchObject({ all: 2, bot: 1, waiting: 1, unassigned: 1, mine: 0, unread: 5 });
    expect(all.items[0]).toMatchObject({ unread: 4, patients: [{ name: '林美華' }], displayName: '林小姐' });

    // assign to me, then to a colleague, then nobody
    const me = desk.userId;
    expect((await api.post(`/api/inbox/conversations/${u2}/assign`, { assigneeId: me })).json().assignee.id).toBe(me);
    expect(await list('mine')).toEqual([u2]);
    expect(await list('unassigned')).toEqual([]);
    const bad = await api.post(`/api/inbox/conversations/${u2}/assign`, { assigneeId: 'nobody' });
    expect(bad.statusCode).toBe(422);
    expect((await api.post(`/api/inbox/conversations/${u2}/assign`, { assigneeId: null })).json().assignee).toBeNull();

    // notes are internal: shown in the conversation, never sent
    const before = (await s.sent(c.channelId, u2)).length;
    const noted = await api.post(`/api/inbox/conversations/${u2}/notes`, { body: '病患 11/30 拔智齒' });
    expect(noted.json().notes).toMatchObject([{ body: '病患 11/30 拔智齒' }]);
    expect((await s.sent(c.channelId, u2)).length).toBe(before);
    expect((await api.post(`/api/inbox/conversations/${u2}/notes`, { body: '' })).statusCode).toBe(422);

    // opening marks read for staff (auto read mode: LINE is not called)
    expect((await api.post(`/api/inbox/conversations/${u2}/read`)).json()).toEqual({ markedOnLine: false });
    const conv = (await api.get(`/api/inbox/conversations/${u2}`)).json();
    expect(conv.unread).toBe(0);
    const kinds = conv.messages.filter((m: { direction: string }) => m.direction === 'in');
    expect(kinds.map((m: { kind: string }) => m.kind)).toEqual(['text', 'sticker', 'image', 'location']);
    expect(kinds[1].detail).toEqual({ packageId: '446', stickerId: '1988' });
    expect(kinds[3].detail).toMatchObject({ title: '診所', address: '臺北市信義區' });
    const img = await api.get(kinds[2].detail.contentUrl);
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');

    // search over the clinic's history, paged
    const found = (await api.get(`/api/inbox/search?q=${encodeURIComponent('牙齦')}`)).json();
    expect(found.items).toMatchObject([{ lineUserId: u2, text: '我牙齦腫起來了', displayName: '林小姐' }]);
    const paged = (await api.get(`/api/inbox/search?q=${encodeURIComponent('停')}&limit=1`)).json();
    expect(paged.items).toHaveLength(1);
    expect(paged.nextOffset).toBe(1);
    expect((await api.get('/api/inbox/search?q=')).statusCode).toBe(400);
  });

  it('markAsRead reaches LINE only in the manual read mode, once per token', async () => {
    const { c, u, desk } = await setup();
    const api = as(b.t.app, desk);
    await b.emu_('PATCH', `/_emulator/channels/${c.channelId}`, { markAsReadMode: 'manual' });
    expect((await as(b.t.app, c.admin).post('/api/line/channel/test')).json().ok).toBe(true);
    expect((await as(b.t.app, c.admin).get('/api/line/channel')).json().channel.readMode).toBe('manual');
    await say(c.channelId, u, '我家的貓生病了');
    let chat = await b.emu_('GET', `/_emulator/users/${u}/chat?channelId=${c.channelId}`);
    expect(chat.readUpTo).toBe(0);
    expect((await api.post(`/api/inbox/conversations/${u}/read`)).json()).toEqual({ markedOnLine: true });
    chat = await b.emu_('GET', `/_emulator/users/${u}/chat?channelId=${c.channelId}`);
    expect(chat.readUpTo).toBeGreaterThan(0);
    expect((await api.post(`/api/inbox/conversations/${u}/read`)).json()).toEqual({ markedOnLine: false });
  });

  it("the appointment context: the linked patients' upcoming visits with their lights and open requests", async () => {
    const c = await s.clinic();
    const p = phone();
    await c.his.put('/his/v1/patients/M', { name: '陳媽媽', phone: p, birthDate: '1975-01-01' });
    const at = (days: number) =>
      new Date(Math.floor((b.t.clock.now().getTime() + days * 86_400_000) / 60_000) * 60_000).toISOString();
    const put = (id: string, startsAt: string, status = 'booked') =>
      c.his.put(`/his/v1/appointments/${id}`, { patientId: 'M', doctorId: 'D1', startsAt, status, version: 1 });
    await put('A1', at(3));
    await put('A2', at(-3), 'completed');
    const { u, api: liff } = await s.bindUser(c, p, '陳媽媽');
    const upcoming = (await liff.get('/appointments')).json().members[0].upcoming[0];
    expect((await liff.post(`/appointments/${upcoming.id}/cancel-request`, { reason: '出差' })).statusCode).toBe(200);
    await say(c.channelId, u, '我家的貓生病了');
    const desk = await c.staff('front_desk');
    const ctx = (await as(b.t.app, desk).get(`/api/inbox/conversations/${u}/context`)).json();
    expect(ctx.appointments).toMatchObject([
      { id: upcoming.id, patientName: '陳媽媽', startsAt: at(3), doctorName: '林醫師', status: 'booked' },
    ]);
    expect(ctx.appointments[0].replyStatus).toBeTruthy();
    expect(ctx.requests).toMatchObject([{ appointmentId: upcoming.id, kind: 'cancel_request', patientName: '陳媽媽' }]);
    const other = await s.clinic();
    expect((await as(b.t.app, other.admin).get(`/api/inbox/conversations/${u}/context`)).statusCode).toBe(404);
  });

  it('another clinic sees and changes nothing', async () => {
    const { c, u } = await setup();
    await say(c.channelId, u, '我家的貓生病了');
    const other = await s.clinic();
    const api = as(b.t.app, other.admin);
    expect((await api.get('/api/inbox/conversations')).json().items).toEqual([]);
    expect((await api.get(`/api/inbox/conversations/${u}`)).statusCode).toBe(404);
    expect((await api.post(`/api/inbox/conversations/${u}/done`)).statusCode).toBe(404);
    expect((await api.post(`/api/inbox/conversations/${u}/notes`, { body: 'x' })).statusCode).toBe(404);
    expect((await api.post(`/api/inbox/conversations/${u}/assign`, { assigneeId: null })).statusCode).toBe(404);
    expect((await api.post(`/api/inbox/conversations/${u}/messages`, { clientKey: key(), text: 'x' })).statusCode).toBe(
      404,
    );
    expect((await api.get(`/api/inbox/search?q=${encodeURIComponent('拔牙')}`)).json().items).toEqual([]);
    const viewer = await c.staff('viewer');
    expect(
      (await as(b.t.app, viewer).post(`/api/inbox/conversations/${u}/messages`, { clientKey: key(), text: 'x' }))
        .statusCode,
    ).toBe(403);
  });
});
