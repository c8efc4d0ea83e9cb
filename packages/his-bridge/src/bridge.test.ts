// The bridge in-process against an in-process cloud: permanent refusals go to `rejected`,
// 5xx/unreachable is retried, reads fall back to the local copy, and `careline-bridge status`
// reports it all (human readable and --json).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestClinic, type TestApp } from '../../../apps/server/src/testing/helpers.ts';
import { startBridge, type RunningBridge } from './bridge.ts';
import { classify } from './forwarder.ts';
import { silentLogger } from './log.ts';
import { StatusSync } from './status-sync.ts';
import { BridgeStore } from './store.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let t: TestApp;
let cloud: string;
const dirs: string[] = [];
const bridges: RunningBridge[] = [];

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  cloud = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const b of bridges) await b.close().catch(() => {});
  await t?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function bridgeFor(fetchImpl?: typeof fetch, extra: Partial<Parameters<typeof startBridge>[0]> = {}) {
  const c = await createTestClinic(t);
  const apiKey = await c.apiKey();
  const dataDir = mkdtempSync(join(tmpdir(), 'careline-bridge-'));
  dirs.push(dataDir);
  const b = await startBridge({
    cloud,
    apiKey,
    dataDir,
    port: 0,
    log: silentLogger,
    minBackoffMs: 50,
    maxBackoffMs: 200,
    statusIntervalMs: 200,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    ...extra,
  });
  bridges.push(b);
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(b.url + path, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: r.status,
      source: r.headers.get('careline-bridge-source'),
      body: (await r.json()) as Record<string, any>,
    };
  };
  const drained = async () => {
    for (let i = 0; i < 200; i++) {
      if (b.store.status().backlog === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`backlog not drained: ${JSON.stringify(b.store.status())}`);
  };
  return { b, c, call, drained, dataDir, apiKey };
}

const appt = { patientId: 'P1', doctorId: 'D1', startsAt: '2026-12-01T09:30:00+08:00', status: 'booked', version: 1 };

describe('careline-bridge', () => {
  it('classifies cloud answers', () => {
    expect(classify(200, '{}').kind).toBe('done');
    expect(classify(201, '{}').kind).toBe('done');
    expect(classify(409, '{"error":{"code":"VERSION_CONFLICT"}}').kind).toBe('done');
    expect(classify(422, '{"error":{"code":"VALIDATION_FAILED"}}').kind).toBe('rejected');
    for (const s of [500, 502, 503, 429, 408, 401]) expect(classify(s, '').kind).toBe('retry');
  });

  it('queues with 202, forwards, keeps refused calls in `rejected`, and reports status', async () => {
    const { b, call, drained, dataDir } = await bridgeFor();
    expect(await call('PUT', '/his/v1/doctors/D1', { name: '陳建志' })).toMatchObject({
      status: 202,
      body: { queued: true, seq: 1 },
    });
    expect((await call('PUT', '/his/v1/patients/P1', { name: '王小明', phone: '0912-345-678' })).status).toBe(202);
    // a bad national id: the cloud answers 422, the call is kept for the operator
    expect((await call('PUT', '/his/v1/patients/P2', { name: '李四', nationalId: 'A123456788' })).status).toBe(202);
    const batch = await call('POST', '/his/v1/appointments/batch', {
      items: [
        { ...appt, appointmentId: 'A1' },
        { ...appt, appointmentId: 'A2', patientId: 'NOBODY' },
        { ...appt, appointmentId: 'A1', version: 2, status: 'checked_in' },
        { ...appt, appointmentId: 'A1', version: 1 },
      ],
    });
    expect(batch).toMatchObject({ status: 202, body: { queued: true, seq: 7 } });
    expect(batch.body.items.map((r: { seq: number; status: number }) => [r.status, r.seq])).toEqual([
      [202, 4],
      [202, 5],
      [202, 6],
      [202, 7],
    ]);
    // local validation that needs no cloud: not JSON, no items, missing appointmentId
    expect((await fetch(`${b.url}/his/v1/doctors/D9`, { method: 'PUT', body: 'nope' })).status).toBe(400);
    expect((await call('POST', '/his/v1/appointments/batch', { items: [] })).status).toBe(400);
    // malformed calls are refused at once (422, nothing queued); a bad batch item does not sink the others
    const noVersion = await call('PUT', '/his/v1/appointments/A9', { ...appt, version: 'one' });
    expect(noVersion).toMatchObject({
      status: 422,
      body: { error: { code: 'VALIDATION_FAILED', details: [{ field: 'version' }] } },
    });
    expect((await call('PUT', '/his/v1/patients/P9', { phone: '0912-345-678' })).status).toBe(422);
    const mixed = await call('POST', '/his/v1/appointments/batch', {
      items: [
        { ...appt },
        { ...appt, appointmentId: 'A3', status: 'maybe' },
        { ...appt, appointmentId: 'A3', version: 1 },
      ],
    });
    expect(mixed.status).toBe(202);
    expect(
      mixed.body.items.map((r: { status: number; appointmentId: string | null }) => [r.status, r.appointmentId]),
    ).toEqual([
      [422, null],
      [422, 'A3'],
      [202, 'A3'],
    ]);
    expect(mixed.body.items[2].seq).toBe(8);
    await drained();

    const s = b.store.status();
    expect(s).toMatchObject({ backlog: 0, rejected: 2, forwardedTotal: 6 });
    expect(s.lastForwardOkAt).not.toBeNull();
    const rejected = b.store.rejectedCalls();
    expect(rejected.map((r) => [r.kind, r.entityId, r.status])).toEqual([
      ['appointment', 'A2', 422],
      ['patient', 'P2', 422],
    ]);

    const got = await call('GET', '/his/v1/appointments/A1');
    expect(got).toMatchObject({
      status: 200,
      source: 'cloud',
      body: { appointmentId: 'A1', version: 2, status: 'checked_in', lights: { reply: { code: 'not_sent' } } },
    });
    expect((await call('GET', '/his/v1/patients/P1/status')).body).toMatchObject({
      lights: { line: { code: 'unbound' } },
    });

    // the HIS reads the refusals from the bridge (its writes were answered 202 before the cloud saw them)
    const refused = await call('GET', '/bridge/rejected');
    expect(refused.status).toBe(200);
    expect(refused.body.total).toBe(2);
    expect(refused.body.items.map((r: { id: string; status: number }) => [r.id, r.status])).toEqual([
      ['A2', 422],
      ['P2', 422],
    ]);
    expect(refused.body.items[0].error.error.code).toMatch(/UNKNOWN_REFERENCE|VALIDATION_FAILED/);

    // `careline-bridge status` from the repo root, human readable and --json
    const human = spawnSync(
      process.execPath,
      ['packages/his-bridge/bin/careline-bridge.mjs', 'status', '--data', dataDir],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/backlog\s+0 call\(s\) waiting/);
    expect(human.stdout).toMatch(/rejected\s+2/);
    expect(human.stdout).toMatch(/bridge process\s+running/);
    const json = spawnSync(
      process.execPath,
      ['packages/his-bridge/src/cli.ts', 'status', '--data', dataDir, '--json'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      backlog: 0,
      rejected: 2,
      forwardedTotal: 6,
      rejectedRecent: [
        { id: 'A2', status: 422 },
        { id: 'P2', status: 422 },
      ],
    });
  });

  it('forwards queue events as POST in order after the writes they follow; checks them locally', async () => {
    const { b, call, drained, apiKey } = await bridgeFor();
    await call('PUT', '/his/v1/doctors/D1', { name: '陳建志' });
    await call('PUT', '/his/v1/patients/P1', { name: '王小明' });
    await call('PUT', '/his/v1/appointments/A1', appt);
    const at = (m: number) => new Date(t.clock.now().getTime() - 10 * 60_000 + m * 60_000).toISOString();
    const ev = { doctorId: 'D1', session: 'morning' };
    const checkIn = { ...ev, eventId: 'E1', type: 'check_in', occurredAt: at(0), appointmentId: 'A1', queueNumber: 7 };
    expect(await call('POST', '/his/v1/queue-events', checkIn)).toMatchObject({ status: 202, body: { queued: true } });
    const callEv = { ...ev, eventId: 'E2', type: 'call', occurredAt: at(1), calledNumber: 5 };
    expect((await call('POST', '/his/v1/queue-events', callEv)).status).toBe(202);
    // resent after a crash: the cloud answers 200 (the same event), nothing is rejected
    expect((await call('POST', '/his/v1/queue-events', callEv)).status).toBe(202);
    const bad = await call('POST', '/his/v1/queue-events', { ...ev, eventId: 'E3', type: 'serve', occurredAt: at(2) });
    expect(bad).toMatchObject({ status: 422, body: { error: { details: [{ field: 'type' }] } } });
    await drained();
    expect(b.store.status()).toMatchObject({ backlog: 0, rejected: 0, forwardedTotal: 6 });
    const again = await t.app.inject({
      method: 'POST',
      url: '/his/v1/queue-events',
      headers: { authorization: `Bearer ${apiKey}` },
      payload: callEv,
    });
    expect(again.json()).toMatchObject({ duplicate: true, queue: { calledNumber: 5 } });
  });

  it('retries 5xx and unreachable without losing or reordering, then serves local copies while down', async () => {
    let mode: 'down' | '503' | 'up' = 'down';
    let attempts = 0;
    const flaky: typeof fetch = async (input, init) => {
      attempts++;
      if (mode === 'down') throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
      if (mode === '503') return new Response('{"error":{"code":"UNAVAILABLE","message":"維護中"}}', { status: 503 });
      return fetch(input, init);
    };
    const { b, call, drained } = await bridgeFor(flaky);
    await call('PUT', '/his/v1/doctors/D1', { name: '林怡伶' });
    await call('PUT', '/his/v1/patients/P1', { name: '林語彤' });
    for (let v = 1; v <= 5; v++) await call('PUT', '/his/v1/appointments/A1', { ...appt, version: v, note: `v${v}` });
    await new Promise((r) => setTimeout(r, 300));
    expect(b.store.status()).toMatchObject({ backlog: 7, forwardedTotal: 0 });
    expect(b.store.status().lastForwardError).toMatch(/ECONNREFUSED/);
    // offline read: the newest version the HIS wrote, from the local copy
    expect(await call('GET', '/his/v1/appointments/A1')).toMatchObject({
      status: 200,
      source: 'local',
      body: { version: 5, note: 'v5' },
    });
    mode = '503';
    await new Promise((r) => setTimeout(r, 300));
    expect(b.store.status().backlog).toBe(7);
    expect(b.store.status().lastForwardError).toMatch(/503/);
    mode = 'up';
    await drained();
    expect(attempts).toBeGreaterThan(3);
    const row = await t.deps.db
      .selectFrom('appointments')
      .select(['id', 'version', 'note'])
      .where('his_id', '=', 'A1')
      .where(
        'clinic_id',
        '=',
        (
          await t.deps.db
            .selectFrom('doctors')
            .select('clinic_id')
            .where('name', '=', '林怡伶')
            .executeTakeFirstOrThrow()
        ).clinic_id,
      )
      .executeTakeFirstOrThrow();
    expect({ version: Number(row.version), note: row.note }).toEqual({ version: 5, note: 'v5' });
    const hist = await t.deps.db
      .selectFrom('appointment_history')
      .select('version')
      .where('appointment_id', '=', row.id)
      .orderBy('id')
      .execute();
    expect(hist.map((h) => Number(h.version))).toEqual([1, 2, 3, 4, 5]);
  });

  it('a network that accepts and never answers: times out in seconds, shows since when, resends promptly', async () => {
    // a real socket that accepts and stays silent, like a firewall dropping traffic mid-path
    const sockets: Socket[] = [];
    const hole = createNetServer((sock) => void sockets.push(sock));
    await new Promise<void>((r) => hole.listen(0, '127.0.0.1', () => r()));
    const holeUrl = `http://127.0.0.1:${(hole.address() as AddressInfo).port}`;
    let silent = true;
    const net: typeof fetch = (input, init) => fetch(silent ? String(input).replace(cloud, holeUrl) : input, init);
    try {
      // a long backoff: only the probe can explain a prompt resend
      const { b, call, drained, dataDir } = await bridgeFor(net, {
        forwardTimeoutMs: 300,
        probeIntervalMs: 100,
        minBackoffMs: 20_000,
        maxBackoffMs: 30_000,
      });
      const before = Date.now();
      await call('PUT', '/his/v1/doctors/D1', { name: '陳建志' });
      await call('PUT', '/his/v1/patients/P1', { name: '王小明' });
      await call('PUT', '/his/v1/appointments/A1', { ...appt });
      await expect.poll(() => b.store.status().lastForwardError, { timeout: 3000 }).toMatch(/no answer/);
      const s = b.store.status();
      expect(s.backlog).toBe(3);
      expect(s.forwardFailingSince).toBeGreaterThanOrEqual(before);
      expect(s.forwardFailingSince! - before).toBeLessThan(2000);
      const human = spawnSync(process.execPath, ['packages/his-bridge/src/cli.ts', 'status', '--data', dataDir], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(human.stdout).toMatch(/last forward error .*no answer from the cloud/);
      expect(human.stdout).toMatch(/failing since\s+\d{4}-/);

      // a patient written while offline reads as the cloud would start it: unbound, from the local copy
      expect(await call('GET', '/his/v1/patients/P1/status')).toMatchObject({
        status: 200,
        source: 'local',
        body: { patientId: 'P1', lights: { line: { code: 'unbound', label: 'LINE未綁定' } } },
      });
      expect((await call('GET', '/his/v1/patients/NEVER/status')).status).toBe(404);

      silent = false;
      const back = Date.now();
      await drained();
      expect(Date.now() - back).toBeLessThan(3000);
      expect(b.store.status()).toMatchObject({ backlog: 0, forwardFailingSince: null, rejected: 0 });
      const after = spawnSync(process.execPath, ['packages/his-bridge/src/cli.ts', 'status', '--data', dataDir], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(after.stdout).toMatch(/\(recovered since\)/);
      expect(after.stdout).not.toMatch(/failing since/);
    } finally {
      for (const s of sockets) s.destroy();
      hole.close();
    }
  });

  it('a busy lights feed (503 STATUS_FEED_BUSY) is no failed pull; the next starts at the same cursor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'careline-bridge-'));
    dirs.push(dir);
    const store = new BridgeStore(dir);
    const warned: string[] = [];
    const asked: string[] = [];
    let busy = true;
    const sync = new StatusSync({
      cloud: 'http://cloud.invalid',
      apiKey: 'clk_test_x',
      store,
      log: { ...silentLogger, warn: (m) => warned.push(m) },
      fetch: async (url) => {
        asked.push(new URL(String(url)).search);
        return busy
          ? Response.json(
              { error: { code: 'STATUS_FEED_BUSY', message: '燈號變更正在寫入中', details: [] } },
              { status: 503 },
            )
          : Response.json({ items: [], nextCursor: 'c1_5', hasMore: false });
      },
    });
    store.setMeta('status_cursor', 'c1_5');
    expect(await sync.pullAll()).toBe(0);
    expect(warned).toEqual([]);
    expect(store.getMeta('last_status_pull_error')).toBeNull();
    busy = false;
    expect(await sync.pullAll()).toBe(0);
    expect(asked).toEqual(['?limit=500&after=c1_5', '?limit=500&after=c1_5']);
    store.close();
  });

  it('`start --help` and `status --help` print the usage; a bad flag says so without a stack trace', () => {
    for (const cmd of ['start', 'status']) {
      const r = spawnSync(process.execPath, ['packages/his-bridge/bin/careline-bridge.mjs', cmd, '--help'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/--forward-timeout-ms/);
      expect(r.stdout).toMatch(/CARELINE_BRIDGE_LOCAL_KEY/);
      expect(r.stderr).toBe('');
    }
    const bad = spawnSync(process.execPath, ['packages/his-bridge/src/cli.ts', 'start', '--bogus'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--bogus'/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });
});
