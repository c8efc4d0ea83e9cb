// The first-use checklist of a new clinic, with fake LINE and SMS gateways: every step starts
// open, each turns done only from the state of its own module (the LINE test with its webhook
// check, both rich menus published, a live HIS key that has been used, the rules saved, the SMS
// choice saved, another staff member), and another clinic's admin sees only their own list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeLine, fakeSms } from '../../testing/fakes.ts';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';

let t: TestApp;
const line = fakeLine();
beforeAll(async () => {
  t = await createTestApp({ line, sms: fakeSms() });
});
afterAll(async () => t.close());

type Step = { key: string; done: boolean; detail: string; link: string };
const checklist = async (s: Parameters<typeof as>[1]) => {
  const r = await as(t.app, s).get('/api/home/setup');
  expect(r.statusCode, r.body).toBe(200);
  const body = r.json() as { steps: Step[]; done: number; total: number };
  return { ...body, step: (k: string) => body.steps.find((x) => x.key === k)! };
};

describe('first-use checklist', () => {
  it('starts open and ticks each step from the module it belongs to', async () => {
    const c = await createTestClinic(t);
    const other = await createTestClinic(t);
    const admin = as(t.app, c.admin);
    let list = await checklist(c.admin);
    expect(list).toMatchObject({ done: 0, total: 6 });
    expect(list.steps.map((s) => s.key)).toEqual(['line', 'rich_menus', 'his', 'reminder_rules', 'sms', 'staff']);
    expect(list.step('line').detail).toContain('Channel ID');
    expect(list.step('his').link).toBe('/settings/api-keys');

    // LINE: saved, then the connection test with its webhook check.
    const channelId = String(1_700_000_000 + Math.floor(Math.random() * 1e8));
    const saved = await admin.put('/api/line/channel', {
      channelId,
      channelSecret: 's'.repeat(32),
      accessToken: 't'.repeat(40),
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((await checklist(c.admin)).step('line')).toMatchObject({
      done: false,
      detail: expect.stringContaining('測試連線'),
    });
    expect((await admin.post('/api/line/channel/test')).json()).toMatchObject({ ok: true, webhook: { ok: true } });
    expect(line.calls.some((x) => x.method === 'webhook.set')).toBe(true);
    expect((await checklist(c.admin)).step('line').done).toBe(true);

    // Rich menus: one published is not enough.
    expect((await admin.post('/api/rich-menus/unbound/publish')).statusCode).toBe(200);
    list = await checklist(c.admin);
    expect(list.step('rich_menus')).toMatchObject({ done: false, detail: expect.stringContaining('已綁定') });
    expect((await admin.post('/api/rich-menus/bound/publish')).statusCode).toBe(200);
    expect((await checklist(c.admin)).step('rich_menus').done).toBe(true);

    // HIS: a key alone is not enough; its first call is.
    const key = await c.apiKey();
    expect((await checklist(c.admin)).step('his')).toMatchObject({
      done: false,
      detail: expect.stringContaining('等待'),
    });
    expect((await c.his(key).put('/his/v1/doctors/D1', { name: '陳醫師' })).statusCode).toBeLessThan(300);
    expect((await checklist(c.admin)).step('his').done).toBe(true);

    // Reminder rules: the shipped rules count once an admin saved them.
    const rules = (await admin.get('/api/reminders/rules')).json();
    expect((await admin.put('/api/reminders/rules', rules.settings ?? rules)).statusCode).toBe(200);
    expect((await checklist(c.admin)).step('reminder_rules').done).toBe(true);

    // SMS: the choice saved (the Careline default counts).
    const sms = await admin.put('/api/sms/settings', { provider: 'default', username: '', reminderFallback: true });
    expect(sms.statusCode, sms.body).toBe(200);
    expect((await checklist(c.admin)).step('sms')).toMatchObject({
      done: true,
      detail: expect.stringContaining('簡訊'),
    });

    // Staff: someone besides the admin.
    await c.staff('front_desk');
    list = await checklist(c.admin);
    expect(list).toMatchObject({ done: 6, total: 6 });

    // Another clinic's admin sees their own, untouched list; other roles cannot read it.
    expect(await checklist(other.admin)).toMatchObject({ done: 0 });
    expect((await as(t.app, await c.staff('front_desk')).get('/api/home/setup')).statusCode).toBe(403);
  });
});
