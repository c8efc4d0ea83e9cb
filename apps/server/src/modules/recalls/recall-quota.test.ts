// Recall messages are non-essential LINE messages: they stop at the clinic's monthly
// non-essential cap (the one that pauses non-essential reminders) and the patients over it
// stay on the recall list with a note for a phone call.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, bindFriendForTest, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-06-10T02:00:00.000Z' });
});
afterAll(async () => t.close());

it('sends recall messages on LINE up to the non-essential cap, then leaves the rest for a call', async () => {
  const c = await createTestClinic(t);
  const his = c.his(await c.apiKey());
  const api = as(t.app, c.admin);
  await his.put('/his/v1/doctors/D1', { name: '林醫師' });
  const iso = t.clock.now().toISOString();
  for (const i of [1, 2, 3]) {
    await his.put(`/his/v1/patients/P${i}`, { name: `病患${i}`, phone: `0912-000-00${i}` });
    await his.put(`/his/v1/appointments/A${i}`, {
      patientId: `P${i}`,
      doctorId: 'D1',
      startsAt: '2025-10-01T09:00:00+08:00',
      status: 'completed',
      visitType: '洗牙',
      version: 1,
    });
    await bindFriendForTest(t, c.clinicId, `P${i}`, `U${String(i).padStart(32, '0')}`);
  }
  // A cap of 2 non-essential messages this month, one already used by a staff message.
  const rules = (await api.get('/api/reminders/rules')).json();
  expect((await api.put('/api/reminders/rules', { ...rules, monthlyCap: 2 })).statusCode).toBe(200);
  await t.deps.db
    .insertInto('line_messages')
    .values({
      clinic_id: c.clinicId,
      line_user_id: 'U1',
      direction: 'out',
      kind: 'text',
      text: '您好',
      payload: '{}',
      source: 'staff',
      method: 'push',
      related_type: null,
      related_id: null,
      created_at: iso,
    })
    .execute();

  expect(
    (
      await api.post('/api/recall-rules', {
        name: '半年洗牙',
        kind: 'after_visit',
        visitType: '洗牙',
        intervalDays: 182,
        message: '{name} 您好，該洗牙了',
        button: 'call',
      })
    ).statusCode,
  ).toBe(201);
  const scan = (await api.post('/api/recalls/scan')).json();
  expect(scan).toMatchObject({ created: 3, sent: 1 });
  const items = (await api.get('/api/recalls')).json().items as {
    status: string;
    channel: string | null;
    note: string;
  }[];
  expect(items.filter((r) => r.status === 'sent' && r.channel === 'line')).toHaveLength(1);
  const held = items.filter((r) => r.status === 'due');
  expect(held).toHaveLength(2);
  for (const r of held) expect(r.note).toContain('非必要訊息上限');
  const pushes = await t.deps.db
    .selectFrom('jobs')
    .select('id')
    .where('clinic_id', '=', c.clinicId)
    .where('type', '=', 'line.push')
    .execute();
  expect(pushes).toHaveLength(1);
});
