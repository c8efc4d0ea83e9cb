// The follow-up list: openFollowUp opens one task per key (retried callers, two at once); the
// clock counts the clinic's open hours by priority; staff assign, start and close a task with an
// outcome (bad moves → 409/422 in zh-TW, everything on the history and audited); the home
// counter; another clinic sees and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { followUpCounts, followUpService, openFollowUp } from './service.ts';

let t: TestApp;
// Wednesday 2026-12-09 11:00 in Taipei (default hours 09–12, 14–17:30, 18:30–21 on weekdays).
const START = '2026-12-09T03:00:00.000Z';

beforeAll(async () => {
  t = await createTestApp({ start: START });
});
afterAll(async () => t.close());

async function setup() {
  const c = await createTestClinic(t);
  const his = c.his(await c.apiKey());
  const r = await his.put('/his/v1/patients/P1', { name: '陳小明', phone: '0912345678' });
  expect(r.statusCode).toBeLessThan(300);
  const patientId = (
    await t.deps.db
      .selectFrom('patients')
      .select('id')
      .where('clinic_id', '=', c.clinicId)
      .where('his_id', '=', 'P1')
      .executeTakeFirstOrThrow()
  ).id;
  return { c, patientId, admin: as(t.app, c.admin) };
}

const input = (patientId: string, key: string, priority: 'normal' | 'high' = 'normal') => ({
  patientId,
  appointmentId: null,
  lineUserId: null,
  source: 'care_checkin' as const,
  priority,
  title: '拔牙後第 1 天回覆：有點腫',
  answer: '有點腫',
  refId: null,
  idempotencyKey: key,
});

describe('openFollowUp', () => {
  it('opens one task per key, also when called twice at once', async () => {
    t.clock.set(START);
    const { c, patientId } = await setup();
    const a = await openFollowUp(t.deps, c.clinicId, input(patientId, 'k1'));
    const b = await openFollowUp(t.deps, c.clinicId, input(patientId, 'k1'));
    expect(b).toBe(a);
    const [x, y] = await Promise.all([
      openFollowUp(t.deps, c.clinicId, input(patientId, 'k2')),
      openFollowUp(t.deps, c.clinicId, input(patientId, 'k2')),
    ]);
    expect(x).toBe(y);
    const list = await followUpService(t.deps).list(c.clinicId, { status: 'all', limit: 50, offset: 0 });
    expect(list.total).toBe(2);
    const task = await followUpService(t.deps).get(c.clinicId, a);
    expect(task.events.filter((e) => e.kind === 'opened')).toHaveLength(1);
    expect(task).toMatchObject({ status: 'open', statusLabel: '待處理', answer: '有點腫', patientName: '陳小明' });
  });

  it('counts the clock in open hours: high within 2, normal within 8', async () => {
    t.clock.set(START);
    const { c, patientId } = await setup();
    const svc = followUpService(t.deps);
    const high = await svc.get(c.clinicId, await openFollowUp(t.deps, c.clinicId, input(patientId, 'h', 'high')));
    // 11–12 and 14–15
    expect(high.dueAt).toBe('2026-12-09T07:00:00.000Z');
    const normal = await svc.get(c.clinicId, await openFollowUp(t.deps, c.clinicId, input(patientId, 'n')));
    // 11–12, 14–17:30, 18:30–21, then Thursday 09–10
    expect(normal.dueAt).toBe('2026-12-10T02:00:00.000Z');
    // an answer at 22:00 counts from the next opening
    t.clock.set('2026-12-09T14:00:00.000Z');
    const night = await svc.get(c.clinicId, await openFollowUp(t.deps, c.clinicId, input(patientId, 'x', 'high')));
    expect(night.dueAt).toBe('2026-12-10T03:00:00.000Z');
    expect(night.overdue).toBe(false);
    t.clock.set('2026-12-10T02:30:00.000Z');
    expect(await followUpCounts(t.deps, c.clinicId)).toEqual({ active: 3, overdue: 2 });
    t.clock.set('2026-12-10T03:00:01.000Z');
    expect((await svc.get(c.clinicId, night.id)).overdue).toBe(true);
    expect(await followUpCounts(t.deps, c.clinicId)).toEqual({ active: 3, overdue: 3 });
    t.clock.set(START);
  });
});

describe('staff work the list', () => {
  it('assign, start and close with an outcome; bad moves → 409/422 in zh-TW; history and audit', async () => {
    t.clock.set(START);
    const { c, patientId, admin } = await setup();
    const desk = await c.staff('front_desk');
    const staff = as(t.app, desk);
    const id = await openFollowUp(t.deps, c.clinicId, input(patientId, 'w1', 'high'));
    const list = (await staff.get('/api/follow-ups')).json();
    expect(list).toMatchObject({ total: 1, active: 1, overdue: 0, limits: { highHours: 2, normalHours: 8 } });
    expect(list.items[0]).toMatchObject({ id, priorityLabel: '優先', statusLabel: '待處理', ownerId: null });

    const bad = await staff.post(`/api/follow-ups/${id}/assign`, { ownerId: 'nobody' });
    expect(bad.statusCode).toBe(422);
    const assigned = await staff.post(`/api/follow-ups/${id}/assign`, { ownerId: desk.userId });
    expect(assigned.json()).toMatchObject({ ownerId: desk.userId, ownerName: '測試front_desk' });
    expect((await staff.post(`/api/follow-ups/${id}/start`, {})).json()).toMatchObject({ status: 'in_progress' });
    expect((await staff.post(`/api/follow-ups/${id}/start`, {})).statusCode).toBe(409);
    const noNote = await staff.post(`/api/follow-ups/${id}/close`, { outcome: 'other' });
    expect(noNote.statusCode).toBe(422);
    expect(noNote.json().error.details[0].message).toBe('結果選「其他」時，請填寫說明');
    const badOutcome = await staff.post(`/api/follow-ups/${id}/close`, { outcome: 'maybe' });
    expect(badOutcome.statusCode).toBe(422);
    const done = (await staff.post(`/api/follow-ups/${id}/close`, { outcome: 'rebooked', note: '改約週五' })).json();
    expect(done).toMatchObject({
      status: 'done',
      outcome: 'rebooked',
      outcomeLabel: '已安排回診',
      outcomeNote: '改約週五',
    });
    const again = await staff.post(`/api/follow-ups/${id}/close`, { outcome: 'called' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain('已完成');
    expect(done.events.map((e: { kind: string }) => e.kind)).toEqual(['opened', 'assigned', 'started', 'done']);
    expect((await staff.get('/api/follow-ups')).json().total).toBe(0);
    expect((await staff.get('/api/follow-ups?status=done')).json().total).toBe(1);
    expect((await staff.get('/api/follow-ups/counts')).json()).toEqual({ active: 0, overdue: 0 });
    const reopened = (await staff.post(`/api/follow-ups/${id}/reopen`, {})).json();
    expect(reopened).toMatchObject({ status: 'in_progress', outcome: null });
    const noted = (await staff.post(`/api/follow-ups/${id}/notes`, { text: '留言請病患回電' })).json();
    expect(noted.events.at(-1)).toMatchObject({ kind: 'note', text: '留言請病患回電' });

    const actions = (
      await t.deps.db
        .selectFrom('audit_log')
        .select('action')
        .where('clinic_id', '=', c.clinicId)
        .where('entity_id', '=', id)
        .orderBy('id')
        .execute()
    ).map((r) => r.action);
    expect(actions).toEqual([
      'follow_ups.opened',
      'follow_ups.assigned',
      'follow_ups.started',
      'follow_ups.closed',
      'follow_ups.reopened',
      'follow_ups.noted',
    ]);
    // a viewer reads but does not change
    const viewer = as(t.app, await c.staff('viewer'));
    expect((await viewer.get(`/api/follow-ups/${id}`)).statusCode).toBe(200);
    expect((await viewer.post(`/api/follow-ups/${id}/close`, { outcome: 'called' })).statusCode).toBe(403);
    void admin;
  });

  it('staff open a task for a patient, once per client key; another clinic sees and changes nothing', async () => {
    t.clock.set(START);
    const { c, patientId, admin } = await setup();
    const body = { patientId, priority: 'normal', title: '電話詢問術後出血，下午回電', clientKey: 'k-12345678' };
    const a = await admin.post('/api/follow-ups', body);
    expect(a.statusCode).toBe(201);
    expect(a.json()).toMatchObject({ source: 'staff', sourceLabel: '人員建立', status: 'open' });
    expect((await admin.post('/api/follow-ups', body)).json().id).toBe(a.json().id);
    const unknown = await admin.post('/api/follow-ups', { ...body, patientId: 'nope', clientKey: 'k-99999999' });
    expect(unknown.statusCode).toBe(422);

    const other = await setup();
    expect((await other.admin.get('/api/follow-ups')).json().total).toBe(0);
    expect((await other.admin.get(`/api/follow-ups/${a.json().id}`)).statusCode).toBe(404);
    expect((await other.admin.post(`/api/follow-ups/${a.json().id}/assign`, { ownerId: null })).statusCode).toBe(404);
    expect((await other.admin.post(`/api/follow-ups/${a.json().id}/close`, { outcome: 'called' })).statusCode).toBe(
      404,
    );
    const cross = await other.admin.post('/api/follow-ups', { ...body, clientKey: 'k-77777777' });
    expect(cross.statusCode).toBe(422);
    expect((await admin.get(`/api/follow-ups/${a.json().id}`)).json()).toMatchObject({ status: 'open' });
    void c;
  });
});
