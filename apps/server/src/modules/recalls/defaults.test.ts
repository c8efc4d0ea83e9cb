// 回診提醒 › 建立預設規則 adds the shipped rules a clinic lacks (by name): pressed twice, or after
// a rule of the clinic's own, it never lists one rule twice.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: '2026-06-10T02:00:00.000Z' });
});
afterAll(async () => t.close());

it('creates the missing default rules only', async () => {
  const api = as(t.app, (await createTestClinic(t)).admin);
  const own = await api.post('/api/recall-rules', {
    name: '半年洗牙',
    kind: 'after_visit',
    visitType: '洗牙',
    intervalDays: 180,
    message: '{name} 您好，該洗牙了',
    button: 'call',
  });
  expect(own.statusCode, own.body).toBeLessThan(300);
  const first = await api.post('/api/recall-rules/defaults');
  expect(first.statusCode, first.body).toBe(200);
  const names = (r: { json(): { items: { name: string }[] } }) =>
    r
      .json()
      .items.map((x) => x.name)
      .sort();
  expect(names(first)).toEqual(['半年洗牙', '年度健康檢查', '慢性處方箋領藥']);
  // the clinic's own 半年洗牙 is kept as it was
  expect(first.json().items.find((x: { name: string }) => x.name === '半年洗牙')).toMatchObject({
    intervalDays: 180,
    button: 'call',
  });
  expect(names(await api.post('/api/recall-rules/defaults'))).toEqual(['半年洗牙', '年度健康檢查', '慢性處方箋領藥']);
});
