// The HIS webhook URL an admin saves in production: an address of the service's own network is
// refused with a zh-TW message (SSRF); the same URL is fine in development and tests, where the
// emulator and the fake HIS listen on 127.0.0.1.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jobDefinitions } from '../../jobs.ts';
import { startWorker } from '../../platform/jobs.ts';
import { as, createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { webhookRepository } from './repository.ts';

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
  // The HIS sets it through its API the same way.
  const viaHis = await c.his(await c.apiKey()).put('/his/v1/webhook', { url: 'https://10.0.0.5/hook' });
  expect(viaHis.statusCode).toBe(422);
  expect(viaHis.json().error.details[0]).toMatchObject({ field: 'url', code: 'private_address' });
});

it('in production, does not call a private URL stored before the rule; the delivery log says why', async () => {
  let calls = 0;
  const server = createServer((_req, res) => {
    calls++;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const c = await createTestClinic(prod);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const at = prod.clock.now().toISOString();
    await webhookRepository(prod.deps.db).saveEndpoint({
      clinic_id: c.clinicId,
      url,
      secret_enc: prod.deps.crypto.encrypt('whsec_0123456789abcdef'),
      created_at: at,
      updated_at: at,
    });
    const api = as(prod.app, c.admin);
    expect((await api.post('/api/his/webhook/test')).statusCode).toBe(202);
    const worker = startWorker(prod.deps, jobDefinitions(), { workerId: 'w-url', autoStart: false });
    await worker.runOnce();
    await worker.stop();
    expect(calls).toBe(0);
    const log = (await api.get('/api/his/webhook/deliveries')).json().items;
    expect(log[0]).toMatchObject({ ok: false });
    expect(JSON.stringify(log[0])).toContain('內部或私有網路位址');
  } finally {
    server.close();
  }
});

it('takes 127.0.0.1 outside production', async () => {
  const c = await createTestClinic(dev);
  const r = await as(dev.app, c.admin).put('/api/his/webhook', { url: 'http://127.0.0.1:4100/his/webhook' });
  expect(r.statusCode, r.body).toBe(200);
});
