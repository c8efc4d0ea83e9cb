// The HIS webhook URL an admin saves in production: an address of the service's own network is
// refused with a zh-TW message (SSRF); the same URL is fine in development and tests, where the
// emulator and the fake HIS listen on 127.0.0.1.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';

let prod: TestApp;
let dev: TestApp;
beforeAll(async () => {
  prod = await createTestApp({ env: { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://app.careline.test' } });
  dev = await createTestApp();
});
afterAll(async () => {
  await prod.close();
  await dev.close();
});

it('refuses a private or loopback webhook URL in production, with a zh-TW message and a stable code', async () => {
  const c = await createTestClinic(prod);
  const api = as(prod.app, c.admin);
  for (const url of [
    'https://127.0.0.1/hook',
    'https://169.254.169.254/latest',
    'https://[::1]/x',
    'https://his.local/',
  ]) {
    const r = await api.put('/api/his/webhook', { url });
    expect(r.statusCode, url).toBe(422);
    expect(r.json().error.details[0], url).toMatchObject({ field: 'url', code: 'private_address' });
    expect(r.json().error.details[0].message).toContain('內部或私有網路位址');
  }
  const ok = await api.put('/api/his/webhook', { url: 'https://his.example.tw/careline/webhook' });
  expect(ok.statusCode, ok.body).toBe(200);
});

it('takes 127.0.0.1 outside production', async () => {
  const c = await createTestClinic(dev);
  const r = await as(dev.app, c.admin).put('/api/his/webhook', { url: 'http://127.0.0.1:4100/his/webhook' });
  expect(r.statusCode, r.body).toBe(200);
});
