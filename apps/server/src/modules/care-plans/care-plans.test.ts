// Care plans end to end on the LINE emulator with a manual clock: an HIS visit 拔牙 marked
// completed enrols the patient in the (enabled) shipped plan; each step goes out once at its time
// with the row's retry key, even when its job runs again; 「很痛，想問醫師」 opens a high-priority
// follow-up task once; a new visit of the same kind restarts the plan; 「不用再傳」 and a block
// stop it; staff enrol and end; bad input answers 4xx in zh-TW; the initial sync's copies enrol
// nobody; another clinic sees and changes nothing. Both databases.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, login } from '../../testing/helpers.ts';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { liffSteps, phone } from '../../testing/liff.ts';
import { followUpService } from '../follow-ups/service.ts';
import { sendStep } from './service.ts';

let b: LineTestbed;
let s: ReturnType<typeof liffSteps>;
beforeAll(async () => {
  b = await createLineTestbed();
  s = liffSteps(b);
});
afterAll(async () => b.close());

const MON_10 = '2026-03-09T02:00:00.000Z'; // Monday 10:00 in Taipei

type QuickItem = { action: { label: string; data: string } };
type Msg = {
  via: string;
  retryKey?: string | null;
  message: { type: string; text?: string; quickReply?: { items: QuickItem[] } };
};
const careMessages = async (channelId: string, u: string) =>
  ((await b.emu_('GET', `/_emulator/channels/${channelId}/messages?to=${u}`)).messages as Msg[]).filter(
    (m) => m.via === 'push' && m.message.quickReply?.items.some((i) => i.action.label === '不用再傳'),
  );
async function tap(channelId: string, u: string, item: QuickItem) {
  await b.emu_('POST', `/_emulator/users/${u}/postback`, {
    channelId,
    data: item.action.data,
    displayText: item.action.label,
  });
  await b.drain();
}
const quick = (m: Msg, label: string) => m.message.quickReply!.items.find((i) => i.action.label === label)!;

async function setup() {
  b.t.clock.set(MON_10);
  const c = await s.clinic();
  // Logged in again for each call: moving the clock a day ends a session.
  const admin = async () => as(b.t.app, await login(b.t.app, c.admin.email));
  expect((await (await admin()).post('/api/his/initial-sync/end', {})).statusCode).toBe(200);
  const p = phone();
  expect((await c.his.put('/his/v1/patients/P1', { name: '王小明', phone: p })).statusCode).toBe(201);
  const { u } = await s.bindUser(c, p);
  const plans = (await (await admin()).get('/api/care/plans')).json().items as {
    id: string;
    shippedKey: string;
    enabled: boolean;
  }[];
  const extraction = plans.find((x) => x.shippedKey === 'extraction')!;
  return { c, admin, u, plans, extraction };
}

const visit = (over: Record<string, unknown> = {}) => ({
  patientId: 'P1',
  doctorId: 'D1',
  startsAt: '2026-03-09T09:30:00+08:00',
  visitType: '拔牙',
  status: 'booked',
  version: 1,
  ...over,
});

const enrolments = async (api: ReturnType<typeof as>, q = '') => {
  const r = await api.get(`/api/care/enrolments${q}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};

it('an extraction enrols; steps go once on time; answers route; a new visit restarts; stop ends', async () => {
  const { c, admin, u, plans, extraction } = await setup();
  // Shipped, all disabled until the clinic switches them on.
  expect(plans.map((x) => x.shippedKey).sort()).toEqual(['cleaning', 'extraction', 'implant', 'root_canal']);
  expect(plans.every((x) => !x.enabled)).toBe(true);
  // Disabled: a completed extraction enrols nobody.
  await c.his.put('/his/v1/appointments/A0', visit({ status: 'completed' }));
  await b.drain();
  expect((await enrolments(await admin())).total).toBe(0);
  const on = await (await admin()).put(`/api/care/plans/${extraction.id}/enabled`, { enabled: true });
  expect(on.statusCode, on.body).toBe(200);

  await c.his.put('/his/v1/appointments/A1', visit());
  await c.his.put('/his/v1/appointments/A1', visit({ status: 'completed', version: 2 }));
  await b.drain();
  let list = await enrolments(await admin());
  expect(list.total).toBe(1);
  const en = list.items[0];
  expect(en).toMatchObject({
    planName: '拔牙後照護',
    patientName: '王小明',
    source: 'visit',
    status: 'active',
    nextStep: 1,
  });
  expect(en.steps.map((x: { when: string; dueAt: string }) => [x.when, x.dueAt])).toEqual([
    ['當天 19:00', '2026-03-09T11:00:00.000Z'],
    ['第 1 天 10:00', '2026-03-10T02:00:00.000Z'],
    ['第 3 天 10:00', '2026-03-12T02:00:00.000Z'],
    ['第 7 天 10:00', '2026-03-16T02:00:00.000Z'],
  ]);
  expect(
    (await (await admin()).get('/api/care/plans')).json().items.find((x: { id: string }) => x.id === extraction.id)
      .enrolled,
  ).toBe(1);
  // The same outcome again (a retried job, an HIS resend) enrols nobody twice.
  await c.his.put('/his/v1/appointments/A1', visit({ status: 'completed', version: 2 }));
  await b.drain();
  expect((await enrolments(await admin())).total).toBe(1);
  expect(await careMessages(c.channelId, u)).toHaveLength(0);

  // Evening of day 0.
  b.t.clock.set('2026-03-09T11:00:00.000Z');
  await b.drain();
  let msgs = await careMessages(c.channelId, u);
  expect(msgs).toHaveLength(1);
  expect(msgs[0].message.text).toBe('今天傷口還好嗎？');
  expect(msgs[0].message.quickReply!.items.map((i) => i.action.label)).toEqual([
    '還好',
    '有點腫',
    '很痛，想問醫師',
    '不用再傳',
  ]);

  // Day 1: sent once with the row's retry key, even when its job runs again.
  b.t.clock.set('2026-03-10T02:00:00.000Z');
  await b.drain();
  const rows = await b.t.deps.db
    .selectFrom('care_sends')
    .selectAll()
    .where('enrolment_id', '=', en.id)
    .orderBy('step_index')
    .execute();
  expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'planned', 'planned']);
  expect(await sendStep(b.t.deps, c.clinicId, rows[1].id)).toBe('sent');
  await b.t.deps.db
    .updateTable('jobs')
    .set({ status: 'pending', run_at: b.t.clock.now().toISOString() })
    .where('idempotency_key', '=', `care.send:${rows[1].id}`)
    .execute();
  await b.drain();
  msgs = await careMessages(c.channelId, u);
  expect(msgs).toHaveLength(2);
  const all = (await b.emu_('GET', `/_emulator/channels/${c.channelId}/messages?to=${u}`)).messages as Msg[];
  expect(all.filter((m) => m.message.text?.includes('拔牙後第 1 天'))).toHaveLength(1);
  expect(msgs[1].retryKey).toBe(rows[1].retry_key);

  // 「很痛，想問醫師」 → a high-priority follow-up task, once even when tapped twice.
  await tap(c.channelId, u, quick(msgs[1], '很痛，想問醫師'));
  await tap(c.channelId, u, quick(msgs[1], '很痛，想問醫師'));
  const tasks = await followUpService(b.t.deps).list(c.clinicId, { status: 'all', limit: 50, offset: 0 });
  expect(tasks.total).toBe(1);
  expect(tasks.items[0]).toMatchObject({ priority: 'high', source: 'care_checkin', answer: '很痛，想問醫師' });
  const replies = (await b.emu_('GET', `/_emulator/channels/${c.channelId}/messages?to=${u}`)).messages as Msg[];
  expect(replies.some((m) => m.message.text?.startsWith('已通知診所，會盡快打電話給您'))).toBe(true);
  list = await enrolments(await admin());
  expect(list.items[0].steps[1]).toMatchObject({ answer: '很痛，想問醫師', answerRoute: 'call' });
  // 「有點腫」 on day 0 → a normal one.
  await tap(c.channelId, u, quick(msgs[0], '有點腫'));
  const tasks2 = await followUpService(b.t.deps).list(c.clinicId, { status: 'all', limit: 50, offset: 0 });
  expect(tasks2.items.map((x: { priority: string }) => x.priority).sort()).toEqual(['high', 'normal']);

  // A new extraction on Wednesday restarts the plan from the new visit.
  b.t.clock.set('2026-03-11T02:00:00.000Z');
  await c.his.put('/his/v1/appointments/A2', visit({ startsAt: '2026-03-11T09:00:00+08:00', status: 'completed' }));
  await b.drain();
  list = await enrolments(await admin());
  expect(list.total).toBe(2);
  const [fresh, old] = list.items;
  expect(old).toMatchObject({ status: 'ended', endReason: 'new_visit' });
  expect(old.steps.map((x: { status: string }) => x.status)).toEqual(['sent', 'sent', 'cancelled', 'cancelled']);
  expect(fresh).toMatchObject({ status: 'active', nextStep: 1 });

  // 「不用再傳」 stops it: nothing more goes out.
  b.t.clock.set('2026-03-11T11:00:00.000Z');
  await b.drain();
  msgs = await careMessages(c.channelId, u);
  expect(msgs).toHaveLength(3);
  await tap(c.channelId, u, quick(msgs[2], '不用再傳'));
  list = await enrolments(await admin());
  expect(list.items[0]).toMatchObject({ status: 'ended', endReason: 'patient_stop' });
  b.t.clock.set('2026-03-20T02:00:00.000Z');
  await b.drain();
  expect(await careMessages(c.channelId, u)).toHaveLength(3);
});

it('staff enrol and end; a block ends the plan; bad input is refused; other clinics see nothing', async () => {
  const { c, admin, u, extraction } = await setup();
  const patientId = (
    await b.t.deps.db.selectFrom('patients').select('id').where('clinic_id', '=', c.clinicId).executeTakeFirstOrThrow()
  ).id;
  const enrol = async () => (await admin()).post(`/api/care/plans/${extraction.id}/enrolments`, { patientId });
  const off = await enrol();
  expect(off.statusCode).toBe(409);
  expect(off.json().error).toMatchObject({ code: 'PLAN_DISABLED' });
  await (await admin()).put(`/api/care/plans/${extraction.id}/enabled`, { enabled: true });
  b.t.clock.set('2026-03-09T11:30:00.000Z'); // 19:30: today's 19:00 step goes at once
  const r = await enrol();
  expect(r.statusCode, r.body).toBe(201);
  expect((await enrol()).json().error.code).toBe('ALREADY_ENROLLED');
  await b.drain();
  expect(await careMessages(c.channelId, u)).toHaveLength(1);
  // The patient blocks the account: the next step ends the plan instead of sending.
  await b.emu_('POST', `/_emulator/users/${u}/unfollow`, { channelId: c.channelId });
  await b.drain();
  b.t.clock.set('2026-03-10T02:00:00.000Z');
  await b.drain();
  let list = await enrolments(await admin());
  expect(list.items[0]).toMatchObject({ status: 'ended', endReason: 'blocked' });
  expect(list.items[0].steps.map((x: { status: string }) => x.status)).toEqual([
    'sent',
    'skipped',
    'cancelled',
    'cancelled',
  ]);
  expect(await careMessages(c.channelId, u)).toHaveLength(1);
  // Staff end (and cannot end twice).
  const again = await enrol();
  expect(again.statusCode).toBe(201);
  const end = await (await admin()).post(`/api/care/enrolments/${again.json().id}/end`, {});
  expect(end.statusCode).toBe(200);
  expect((await (await admin()).post(`/api/care/enrolments/${again.json().id}/end`, {})).json().error.code).toBe(
    'NOT_ACTIVE',
  );
  list = await enrolments(await admin(), '?status=ended');
  expect(list.items[0]).toMatchObject({ endReason: 'staff', endedBy: c.admin.email });

  // Bad input: two steps at the same moment; an empty trigger; an image over 1 MB.
  const body = (steps: unknown[], trigger: unknown = { kind: 'visit', visitTypes: ['植牙'], treatmentCodes: [] }) => ({
    name: '測試計畫',
    trigger,
    steps,
  });
  const st = (when: unknown, text = '您好') => ({ when, text, imageId: null, articleId: null, checkIn: null });
  const overlap = await (
    await admin()
  ).post(
    '/api/care/plans',
    body([st({ kind: 'day', day: 1, at: '10:00' }), st({ kind: 'day', day: 1, at: '10:00' }, '第二則')]),
  );
  expect(overlap.statusCode).toBe(422);
  expect(overlap.json().error).toMatchObject({ code: 'OVERLAPPING_STEPS' });
  expect(overlap.json().error.message).toContain('同一時間');
  const hours = await (
    await admin()
  ).post('/api/care/plans', body([st({ kind: 'day', day: 0, at: '19:00' }), st({ kind: 'hours', hours: 9 })]));
  expect(hours.json().error.code).toBe('OVERLAPPING_STEPS');
  const empty = await (
    await admin()
  ).post(
    '/api/care/plans',
    body([st({ kind: 'day', day: 1, at: '10:00' })], { kind: 'visit', visitTypes: [' '], treatmentCodes: [] }),
  );
  expect(empty.statusCode).toBe(422);
  expect(empty.json().error.details[0]).toMatchObject({ field: 'trigger', code: 'empty_trigger' });
  const badTime = await (await admin()).post('/api/care/plans', body([st({ kind: 'day', day: 1, at: '25:00' })]));
  expect(badTime.statusCode).toBe(422);
  const png = Buffer.alloc(1024 * 1024 + 10);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
  const sess = await login(b.t.app, c.admin.email);
  const up = await b.t.app.inject({
    method: 'POST',
    url: '/api/inbox/uploads',
    headers: { cookie: sess.cookie, 'x-csrf-token': sess.csrf, 'content-type': 'image/png' },
    payload: png,
  });
  expect(up.statusCode, up.body).toBe(200);
  const big = await (
    await admin()
  ).post('/api/care/plans', body([{ ...st({ kind: 'day', day: 1, at: '10:00' }), imageId: up.json().id }]));
  expect(big.statusCode).toBe(422);
  expect(big.json().error).toMatchObject({ code: 'IMAGE_TOO_LARGE' });
  expect((await (await admin()).get('/api/care/plans')).json().items).toHaveLength(4);
  // A good one, ordered by time when saved; a viewer cannot save.
  const good = await (
    await admin()
  ).post(
    '/api/care/plans',
    body([st({ kind: 'day', day: 3, at: '10:00' }, '第三天'), st({ kind: 'hours', hours: 4 }, '四小時')]),
  );
  expect(good.statusCode, good.body).toBe(201);
  expect(good.json().steps.map((x: { text: string }) => x.text)).toEqual(['四小時', '第三天']);
  // A step with a published library article; the library then refuses to delete it.
  const articles = (await (await admin()).get('/api/care/articles')).json().items as { id: string; status: string }[];
  const published = articles.find((a) => a.status === 'published')!;
  const withArticle = await (
    await admin()
  ).post('/api/care/plans', body([{ ...st({ kind: 'day', day: 2, at: '10:00' }, ''), articleId: published.id }]));
  expect(withArticle.statusCode, withArticle.body).toBe(201);
  const del = await (await admin()).delete(`/api/care/articles/${published.id}`);
  expect(del.statusCode).toBe(409);
  expect(del.json().error.code).toBe('ARTICLE_IN_USE');
  const unknown = await (
    await admin()
  ).post('/api/care/plans', body([{ ...st({ kind: 'day', day: 2, at: '10:00' }), articleId: 'nope' }]));
  expect(unknown.json().error.details[0]).toMatchObject({ field: 'steps/0/articleId', code: 'unknown' });
  const viewer = as(b.t.app, await c.staff('viewer'));
  expect((await viewer.put(`/api/care/plans/${good.json().id}/enabled`, { enabled: true })).statusCode).toBe(403);

  // Another clinic: its own shipped plans, nothing of this one.
  const other = await s.clinic();
  const oapi = as(b.t.app, other.admin);
  const theirs = (await oapi.get('/api/care/plans')).json().items as { id: string }[];
  expect(theirs).toHaveLength(4);
  expect(theirs.some((x) => x.id === extraction.id)).toBe(false);
  expect((await oapi.get(`/api/care/plans/${good.json().id}`)).statusCode).toBe(404);
  expect((await oapi.put(`/api/care/plans/${extraction.id}/enabled`, { enabled: false })).statusCode).toBe(404);
  expect((await oapi.delete(`/api/care/plans/${good.json().id}`)).statusCode).toBe(404);
  expect((await enrolments(oapi)).total).toBe(0);
  expect((await oapi.post(`/api/care/enrolments/${again.json().id}/end`, {})).statusCode).toBe(404);
  expect((await oapi.post(`/api/care/plans/${extraction.id}/enrolments`, { patientId })).statusCode).toBe(404);
  // Deleting a plan ends its enrolments and takes it off the list.
  expect((await (await admin()).delete(`/api/care/plans/${extraction.id}`)).statusCode).toBe(204);
  expect((await (await admin()).get('/api/care/plans')).json().items).toHaveLength(5);
});

it('an initial-sync copy enrols nobody, nor a visit two days ago; without LINE a step is skipped', async () => {
  b.t.clock.set(MON_10);
  const c = await s.clinic();
  const admin = async () => as(b.t.app, await login(b.t.app, c.admin.email));
  const plans = (await (await admin()).get('/api/care/plans')).json().items as { id: string; shippedKey: string }[];
  await (
    await admin()
  ).put(`/api/care/plans/${plans.find((x) => x.shippedKey === 'extraction')!.id}/enabled`, { enabled: true });
  await c.his.put('/his/v1/patients/P1', { name: '王小明', phone: phone() });
  await c.his.put('/his/v1/appointments/A1', visit({ status: 'completed' }));
  await b.drain();
  expect((await enrolments(await admin())).total).toBe(0);
  await (await admin()).post('/api/his/initial-sync/end', {});
  await c.his.put('/his/v1/appointments/A2', visit({ startsAt: '2026-03-07T09:30:00+08:00', status: 'completed' }));
  await b.drain();
  expect((await enrolments(await admin())).total).toBe(0);
  // Yesterday's, completed this morning, does (its evening step is over: skipped).
  await c.his.put('/his/v1/appointments/A3', visit({ startsAt: '2026-03-08T16:00:00+08:00', status: 'completed' }));
  await b.drain();
  const list = await enrolments(await admin());
  expect(list.total).toBe(1);
  // Day 0's evening is over: skipped; day 1 (10:00 today) is due now, and this patient has no LINE.
  expect(list.items[0].steps.map((x: { status: string; reason: string | null }) => [x.status, x.reason])).toEqual([
    ['skipped', '加入計畫時這一步的日子已過，不補發'],
    ['skipped', '病患未綁定 LINE（照護訊息只以 LINE 傳送）'],
    ['planned', null],
    ['planned', null],
  ]);
});
