// The no-show follow-up end to end with the LINE emulator: a visit of today marked no_show → one
// message after the delay (a retried outcome or send job → still one); 「請診所與我聯絡」 → one
// high-priority task (a double tap → still one) and a thank-you; 「不用了，謝謝」 → closed politely;
// a past no-show (initial sync, resync) → nothing; switched off → nothing; quiet hours that push
// the send to tomorrow → skipped; at most one a day per patient; another clinic sees and changes
// nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as } from '../../testing/helpers.ts';
import { createLineTestbed, type LineTestbed } from '../../testing/line.ts';
import { liffSteps, phone } from '../../testing/liff.ts';
import { noShowOnOutcome, sendNoShow } from './no-show.ts';

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
const at = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * MIN).toISOString();

async function setup() {
  b.t.clock.set(NOW);
  const c = await s.clinic();
  const p = phone();
  await c.his.put('/his/v1/patients/P1', { name: '陳小明', phone: p });
  const { u } = await s.bindUser(c, p, '陳媽媽');
  const desk = await c.staff('front_desk');
  const ids = async (hisId: string) =>
    b.t.deps.db
      .selectFrom('appointments')
      .select(['id', 'patient_id', 'doctor_id', 'starts_at', 'status'])
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', hisId)
      .executeTakeFirstOrThrow();
  /** The HIS writes a visit (booked), then marks it no_show; the outcome job runs (drain). */
  async function noShow(hisId: string, startsAt: string, opts: { firstSeen?: boolean } = {}) {
    if (!opts.firstSeen) {
      const r = await c.his.put(`/his/v1/appointments/${hisId}`, {
        patientId: 'P1',
        doctorId: 'D1',
        startsAt,
        status: 'booked',
        version: 1,
      });
      expect(r.statusCode).toBeLessThan(300);
    }
    const r = await c.his.put(`/his/v1/appointments/${hisId}`, {
      patientId: 'P1',
      doctorId: 'D1',
      startsAt,
      status: 'no_show',
      version: 2,
    });
    expect(r.statusCode).toBeLessThan(300);
    await b.drain();
    const a = await ids(hisId);
    return {
      appointmentId: a.id,
      appointmentHisId: hisId,
      patientId: a.patient_id,
      doctorId: a.doctor_id,
      visitType: null,
      treatmentCodes: null,
      status: 'no_show',
      previousStatus: opts.firstSeen ? null : 'booked',
      startsAt: a.starts_at,
      version: 2,
    };
  }
  const messages = async () =>
    (await s.sent(c.channelId, u)).filter((m) => (m.message.altText ?? m.message.text ?? '').includes('沒看到'));
  const replies = async () =>
    (await s.sent(c.channelId, u)).map((m) => m.message.text ?? '').filter((t) => /收到！|謝謝您的回覆/.test(t));
  const log = async () => (await as(b.t.app, c.admin).get('/api/no-show/log')).json().items;
  return { c, u, desk, ids, staff: as(b.t.app, desk), admin: as(b.t.app, c.admin), noShow, messages, replies, log };
}

async function tap(c: { channelId: string }, u: string, data: string, label: string) {
  await b.emu_('POST', `/_emulator/users/${u}/postback`, { channelId: c.channelId, data, displayText: label });
  await b.drain();
}

describe('no-show follow-up', { timeout: 120_000 }, () => {
  it('sends one kind message after the delay; a retried outcome or send job sends nothing more', async () => {
    const x = await setup();
    const o = await x.noShow('A1', '2026-12-09T09:00:00+08:00');
    await b.drain();
    expect(await x.messages()).toHaveLength(0); // 30 minutes after the mark
    b.t.clock.set(at(NOW, 31));
    await b.drain();
    const sent = await x.messages();
    expect(sent).toHaveLength(1);
    expect(sent[0].retryKey).toBeTruthy();
    expect(sent[0].message.template!.text).toBe('陳小明 您好，今天沒看到您，要幫您重新安排看診時間嗎？');
    expect(sent[0].message.template!.actions.map((a) => a.label)).toEqual(['請診所與我聯絡', '不用了，謝謝']);
    // the outcome job retried, the send job run again
    await noShowOnOutcome(b.t.deps, x.c.clinicId, o);
    const [row] = await x.log();
    await sendNoShow(b.t.deps, x.c.clinicId, row.id);
    await b.drain();
    expect(await x.messages()).toHaveLength(1);
    expect(await x.log()).toMatchObject([{ status: 'sent', statusLabel: '已傳送，未回覆', patientName: '陳小明' }]);
  });

  it('「請診所與我聯絡」 opens one high-priority task and thanks; a double tap opens no second', async () => {
    const x = await setup();
    await x.noShow('A1', '2026-12-09T09:00:00+08:00');
    b.t.clock.set(at(NOW, 31));
    await b.drain();
    const [m] = await x.messages();
    const rebook = m.message.template!.actions[0].data!;
    expect(rebook).toMatch(/^fu=ns:/);
    await tap(x.c, x.u, rebook, '請診所與我聯絡');
    await tap(x.c, x.u, rebook, '請診所與我聯絡');
    const list = (await x.staff.get('/api/follow-ups')).json();
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({
      source: 'no_show',
      sourceLabel: '未到診關懷',
      priority: 'high',
      status: 'open',
      title: '今天未到診，請回電安排回診',
      patientName: '陳小明',
    });
    expect(await x.replies()).toEqual([
      '收到！已請診所人員與您聯絡，協助重新安排看診時間，謝謝您。',
      '收到！已請診所人員與您聯絡，協助重新安排看診時間，謝謝您。',
    ]);
    const [row] = await x.log();
    expect(row).toMatchObject({ status: 'rebook', followUpId: list.items[0].id });
    // the inbox shows the conversation as waiting for a person
    const conv = await b.t.deps.db
      .selectFrom('line_conversations')
      .selectAll()
      .where('clinic_id', '=', x.c.clinicId)
      .where('line_user_id', '=', x.u)
      .executeTakeFirst();
    expect(conv).toMatchObject({ waiting_reason: 'care' });
  });

  it('「不用了，謝謝」 closes politely and opens no task', async () => {
    const x = await setup();
    await x.noShow('A1', '2026-12-09T09:00:00+08:00');
    b.t.clock.set(at(NOW, 31));
    await b.drain();
    const [m] = await x.messages();
    await tap(x.c, x.u, m.message.template!.actions[1].data!, '不用了，謝謝');
    expect((await x.staff.get('/api/follow-ups')).json().total).toBe(0);
    expect(await x.replies()).toEqual(['好的，謝謝您的回覆。之後需要時，歡迎隨時在這裡留言或來電預約，祝您健康平安！']);
    expect((await x.log())[0]).toMatchObject({ status: 'declined' });
  });

  it('a past no-show (initial sync, resync, yesterday) or one first seen in the initial sync: nothing', async () => {
    const x = await setup();
    await x.noShow('OLD', '2026-12-01T09:00:00+08:00');
    const y = await x.noShow('YDAY', '2026-12-08T17:00:00+08:00');
    await x.noShow('COPY', '2026-12-09T09:00:00+08:00', { firstSeen: true });
    // even if an outcome came for them (yesterday's does: a clinic closing its day late)
    await noShowOnOutcome(b.t.deps, x.c.clinicId, y);
    await noShowOnOutcome(b.t.deps, x.c.clinicId, {
      ...y,
      appointmentId: (await x.ids('COPY')).id,
      previousStatus: null,
    });
    b.t.clock.set(at(NOW, 120));
    await b.drain();
    expect(await x.messages()).toHaveLength(0);
    expect(await x.log()).toEqual([]);
  });

  it('switched off: nothing; switched off before the send: not sent, shown on the log', async () => {
    const x = await setup();
    const settings = (await x.admin.get('/api/no-show/settings')).json();
    expect(settings).toMatchObject({ enabled: true, delayMinutes: 30 });
    await x.noShow('A1', '2026-12-09T09:00:00+08:00');
    const off = await x.admin.put('/api/no-show/settings', { ...pick(settings), enabled: false });
    expect(off.statusCode).toBe(200);
    await x.noShow('A2', '2026-12-09T09:30:00+08:00');
    b.t.clock.set(at(NOW, 31));
    await b.drain();
    expect(await x.messages()).toHaveLength(0);
    expect(await x.log()).toMatchObject([{ status: 'skipped', skipReason: 'disabled' }]);
  });

  it('quiet hours that push the send to tomorrow: skipped; at most one a day per patient', async () => {
    const x = await setup();
    // 20:50 Taipei + 30 minutes → 21:20, quiet until 08:00 tomorrow
    b.t.clock.set('2026-12-09T12:50:00.000Z');
    await x.noShow('LATE', '2026-12-09T20:00:00+08:00');
    expect(await x.log()).toMatchObject([{ status: 'skipped', skipReason: 'quiet_hours' }]);
    b.t.clock.set(NOW);
    const y = await setup();
    await y.noShow('A1', '2026-12-09T09:00:00+08:00');
    await y.noShow('A2', '2026-12-09T09:30:00+08:00');
    b.t.clock.set(at(NOW, 31));
    await b.drain();
    expect(await y.messages()).toHaveLength(1);
    expect((await y.log()).map((r: { status: string; skipReason: string | null }) => [r.status, r.skipReason])).toEqual(
      expect.arrayContaining([
        ['sent', null],
        ['skipped', 'already_today'],
      ]),
    );
  });

  it('bad settings → 422 in zh-TW, nothing saved; only an admin saves', async () => {
    const x = await setup();
    const base = pick((await x.admin.get('/api/no-show/settings')).json());
    const long = await x.admin.put('/api/no-show/settings', { ...base, text: '字'.repeat(121) });
    expect(long.statusCode).toBe(422);
    const bad = await x.admin.put('/api/no-show/settings', { ...base, text: '{姓名} 您好' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.details[0]).toMatchObject({ field: 'text', code: 'placeholder' });
    expect(bad.json().error.details[0].message).toContain('{name}');
    const delay = await x.admin.put('/api/no-show/settings', { ...base, delayMinutes: 600 });
    expect(delay.statusCode).toBe(422);
    expect((await x.staff.put('/api/no-show/settings', base)).statusCode).toBe(403);
    expect((await x.admin.get('/api/no-show/settings')).json()).toMatchObject(base);
    const ok = await x.admin.put('/api/no-show/settings', {
      ...base,
      text: '{name} 您好，今天沒等到您，需要改約嗎？',
      delayMinutes: 0,
    });
    expect(ok.statusCode).toBe(200);
    const audit = await b.t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('clinic_id', '=', x.c.clinicId)
      .where('action', '=', 'no_show.settings_saved')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('another clinic sees and changes nothing', async () => {
    const x = await setup();
    await x.noShow('A1', '2026-12-09T09:00:00+08:00');
    b.t.clock.set(at(NOW, 31));
    await b.drain();
    const [m] = await x.messages();
    await tap(x.c, x.u, m.message.template!.actions[0].data!, '請診所與我聯絡');
    const task = (await x.staff.get('/api/follow-ups')).json().items[0];
    b.t.clock.set(NOW);
    const other = await setup();
    expect((await other.admin.get('/api/follow-ups')).json().total).toBe(0);
    expect((await other.admin.get(`/api/follow-ups/${task.id}`)).statusCode).toBe(404);
    expect((await other.admin.post(`/api/follow-ups/${task.id}/close`, { outcome: 'called' })).statusCode).toBe(404);
    expect((await other.admin.get('/api/no-show/log')).json().items).toEqual([]);
    // a tap on the first clinic's button by another clinic's user changes nothing
    await tap(other.c, other.u, m.message.template!.actions[1].data!, '不用了，謝謝');
    expect((await x.log())[0]).toMatchObject({ status: 'rebook' });
    expect((await x.staff.get(`/api/follow-ups/${task.id}`)).json()).toMatchObject({ status: 'open' });
  });
});

const pick = (s: { enabled: boolean; text: string; delayMinutes: number }) => ({
  enabled: s.enabled,
  text: s.text,
  delayMinutes: s.delayMinutes,
});
