// A patient's answers from the LIFF page and from the reminder buttons in LINE: each state offers
// only what makes sense in it, a pending request can be withdrawn, and an outdated button is
// answered with the appointment's current state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as } from '../../testing/helpers.ts';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { liffSteps, phone } from '../../testing/liff.ts';
import { signToken } from '../reminders/templates.ts';

let b: LineTestbed;
let s: ReturnType<typeof liffSteps>;
beforeAll(async () => {
  b = await createLineTestbed();
  s = liffSteps(b);
});
afterAll(async () => b.close());

const DAY = 86_400_000;

async function setup() {
  const c = await s.clinic();
  const p = phone();
  await c.his.put('/his/v1/patients/M', { name: '陳媽媽', phone: p, birthDate: '1975-01-01' });
  const base = b.t.clock.now().getTime();
  const at = (ms: number) => new Date(Math.floor((base + ms) / 60_000) * 60_000).toISOString();
  const put = (id: string, startsAt: string, status = 'booked') =>
    c.his.put(`/his/v1/appointments/${id}`, { patientId: 'M', doctorId: 'D1', startsAt, status, version: 1 });
  await put('A1', at(3 * DAY));
  await put('A2', at(4 * DAY), 'cancelled');
  await put('A3', at(-3 * DAY), 'completed');
  await put('A4', at(5 * DAY));
  const { u, api } = await s.bindUser(c, p, '陳媽媽');
  const list = (await api.get('/appointments')).json().members[0];
  const byStart = (ms: number) =>
    [...list.upcoming, ...list.recent].find((x: { startsAt: string }) => x.startsAt === at(ms));
  return { c, u, api, a1: byStart(3 * DAY), a2: byStart(4 * DAY), a3: byStart(-3 * DAY), a4: byStart(5 * DAY) };
}

const offers = (v: Record<string, unknown>) => ({
  confirm: v.canConfirm,
  cancel: v.canCancel,
  reschedule: v.canReschedule,
  withdraw: v.canWithdraw,
  pending: v.pendingLabel,
});

describe('what each state offers on the LIFF card', () => {
  it('booked: confirm/cancel/reschedule; confirmed: cancel/reschedule; requested: withdraw; else none', async () => {
    const { api, a1, a2, a3 } = await setup();
    expect(offers(a1)).toEqual({ confirm: true, cancel: true, reschedule: true, withdraw: false, pending: null });
    expect(offers(a2)).toEqual({ confirm: false, cancel: false, reschedule: false, withdraw: false, pending: null });
    expect(offers(a3)).toEqual({ confirm: false, cancel: false, reschedule: false, withdraw: false, pending: null });
    const confirmed = (await api.post(`/appointments/${a1.id}/confirm`)).json();
    expect(offers(confirmed)).toEqual({
      confirm: false,
      cancel: true,
      reschedule: true,
      withdraw: false,
      pending: null,
    });
    const cancelAsked = (await api.post(`/appointments/${a1.id}/cancel-request`, { reason: '出差' })).json();
    expect(offers(cancelAsked)).toEqual({
      confirm: false,
      cancel: false,
      reschedule: false,
      withdraw: true,
      pending: '取消申請處理中',
    });
    // the card's own buttons are gone, and the API refuses them with the current state
    const conf = await api.post(`/appointments/${a1.id}/confirm`);
    expect([conf.statusCode, conf.json().error.code]).toEqual([409, 'REQUEST_PENDING']);
    expect(conf.json().error.message).toContain('取消申請處理中');
    const resch = await api.post(`/appointments/${a1.id}/reschedule-request`, {});
    expect([resch.statusCode, resch.json().error.code]).toEqual([409, 'REQUEST_PENDING']);
    const listed = (await api.get('/appointments')).json().members[0].upcoming[0];
    expect(offers(listed)).toMatchObject({ withdraw: true, pending: '取消申請處理中' });
  });
});

describe('withdrawing a pending request', () => {
  it('restores the reply light for the HIS, closes the task as withdrawn, says so in LINE; twice → 409', async () => {
    const { c, u, api, a1, a4 } = await setup();
    await api.post(`/appointments/${a1.id}/confirm`);
    await api.post(`/appointments/${a1.id}/cancel-request`, { reason: '出差' });
    const w = await api.post(`/appointments/${a1.id}/withdraw-request`);
    expect(w.statusCode).toBe(200);
    expect(w.json()).toMatchObject({ reply: 'confirmed', canConfirm: false, canCancel: true, canWithdraw: false });
    expect((await c.his.get('/his/v1/appointments/A1')).json().lights.reply.code).toBe('confirmed');
    const changes = (await c.his.get('/his/v1/status-changes')).json().items as {
      appointmentId: string;
      light: string;
      from: { code: string } | null;
      to: { code: string };
    }[];
    expect(changes.filter((x) => x.appointmentId === 'A1' && x.light === 'reply').map((x) => x.to.code)).toEqual([
      'confirmed',
      'cancel_requested',
      'confirmed',
    ]);
    const tasks = await b.t.deps.db
      .selectFrom('front_desk_tasks')
      .select(['kind', 'status'])
      .where('clinic_id', '=', c.clinicId)
      .execute();
    expect(tasks).toEqual([{ kind: 'cancel_request', status: 'withdrawn' }]);
    const again = await api.post(`/appointments/${a1.id}/withdraw-request`);
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'NOTHING_TO_WITHDRAW']);
    // a reschedule request on an unanswered booking withdraws back to where it was
    await api.post(`/appointments/${a4.id}/reschedule-request`, { note: '想改下午' });
    const w4 = (await api.post(`/appointments/${a4.id}/withdraw-request`)).json();
    expect(w4).toMatchObject({ reply: 'not_sent', canConfirm: true, canCancel: true, canReschedule: true });
    await b.drain();
    const pushed = (await s.sent(c.channelId, u)).map((m) => m.message.text ?? '');
    expect(pushed.some((t) => t.startsWith('已撤回您的取消申請'))).toBe(true);
    expect(pushed.some((t) => t.startsWith('已撤回您的改期申請'))).toBe(true);
    // the front desk sees the withdrawn request on the appointment, not as an open task
    const home = await as(b.t.app, c.admin).get(`/api/appointments/${a1.id}`);
    expect(home.statusCode).toBe(200);
  });
});

describe('reminder buttons in LINE chat', () => {
  it('a tap on an outdated button answers with the current state and changes nothing', async () => {
    const { c, u, api, a1 } = await setup();
    await api.post(`/appointments/${a1.id}/cancel-request`, {});
    await b.drain();
    const before = (await s.sent(c.channelId, u)).length;
    const data = signToken(b.t.deps.crypto, {
      appointmentId: a1.id,
      action: 'c',
      expiresAt: new Date(b.t.clock.now().getTime() + 7 * DAY),
    });
    await b.emu_('POST', `/_emulator/users/${u}/postback`, { channelId: c.channelId, data, displayText: '確認赴約' });
    await b.drain();
    const replies = (await s.sent(c.channelId, u)).slice(before).map((m) => m.message.text ?? '');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('取消申請處理中');
    expect((await c.his.get('/his/v1/appointments/A1')).json().lights.reply.code).toBe('cancel_requested');
  });
});
