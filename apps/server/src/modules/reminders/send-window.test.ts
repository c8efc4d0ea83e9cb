// nextSendableAt reads the clinic's own quiet hours (as saved on 提醒規則) and time zone; the
// calendar only when asked. Both databases.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { nextSendableAt } from './send-window.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-03-09T02:00:00.000Z' });
});
afterAll(() => t.close());

it('uses the clinic’s saved quiet hours in its zone; another clinic keeps its own', async () => {
  const a = await createTestClinic(t, { timeZone: 'Asia/Taipei' });
  const b = await createTestClinic(t, { timeZone: 'Asia/Taipei' });
  const late = new Date('2026-03-09T22:30:00+08:00'); // a Monday evening
  // The defaults: 21:00–08:00.
  expect((await nextSendableAt(t.deps, a.clinicId, late)).toISOString()).toBe('2026-03-10T00:00:00.000Z');
  const admin = as(t.app, a.admin);
  const doc = (await admin.get('/api/reminders/rules')).json();
  for (const r of doc.rules) delete r.explanation;
  const saved = await admin.put('/api/reminders/rules', {
    ...doc,
    quietHours: { enabled: true, start: '22:00', end: '07:30' },
  });
  expect(saved.statusCode, saved.body).toBe(200);
  expect((await nextSendableAt(t.deps, a.clinicId, late)).toISOString()).toBe('2026-03-09T23:30:00.000Z');
  expect((await nextSendableAt(t.deps, b.clinicId, late)).toISOString()).toBe('2026-03-10T00:00:00.000Z');
  // Sunday noon: sendable as is, or on Monday at 09:00 when the message needs a working day.
  const sunday = new Date('2026-03-08T12:00:00+08:00');
  expect((await nextSendableAt(t.deps, a.clinicId, sunday)).toISOString()).toBe(sunday.toISOString());
  const monday = await nextSendableAt(t.deps, a.clinicId, sunday, { workingDay: true });
  expect(monday.toISOString()).toBe('2026-03-09T01:00:00.000Z');
});
