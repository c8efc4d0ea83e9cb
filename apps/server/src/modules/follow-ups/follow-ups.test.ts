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
