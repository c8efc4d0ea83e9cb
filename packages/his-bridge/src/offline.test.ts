// Issue #5, the offline test: the bridge starts with the cloud down, takes 10,000 appointment
// changes (500 appointments × 20 versions, interleaved across appointments, plus stale
// re-sends), is SIGKILLed twice during the backlog and restarted, then the cloud comes up.
// Every change must arrive exactly once in effect: final state = highest version, history has
// each version once, in increasing order. Lights are served locally while the cloud is down.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestClinic, type TestApp } from '../../../apps/server/src/testing/helpers.ts';
import { decodeCursor } from '../../../apps/server/src/modules/status/feed.ts';
import { changeStatus } from '../../../apps/server/src/modules/status/service.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const APPOINTMENTS = 500;
const VERSIONS = 20;
const WORKERS = 16;

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const apptId = (i: number) => `OFF-${String(i).padStart(4, '0')}`;
function body(i: number, v: number) {
  const day = 1 + ((i + v) % 20);
  return {
    patientId: `P${String(i % 50).padStart(3, '0')}`,
    doctorId: i % 2 ? 'D01' : 'D02',
    startsAt: `2026-12-${String(day).padStart(2, '0')}T${String(9 + (v % 8)).padStart(2, '0')}:30:00+08:00`,
    durationMinutes: 30,
    visitType: '洗牙',
    status: v === VERSIONS ? (i % 7 === 0 ? 'cancelled' : 'booked') : 'booked',
    note: `v${v}`,
    version: v,
  };
}

type Bridge = { proc: ChildProcess; out: string[] };

let cloud: TestApp | null = null;
let bridge: Bridge | null = null;
const dataDir = mkdtempSync(join(tmpdir(), 'careline-bridge-'));

afterAll(async () => {
  bridge?.proc.kill('SIGKILL');
  await cloud?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('careline-bridge offline', () => {
  it(
    'survives 10,000 changes with the cloud down and two SIGKILLs; each arrives exactly once in effect, in order',
    { timeout: 180_000 },
    async () => {
      cloud = await createTestApp();
      const clinic = await createTestClinic(cloud);
      const key = await clinic.apiKey();
      const cloudPort = await freePort();
      const bridgePort = await freePort();
      const local = `http://127.0.0.1:${bridgePort}`;
      const logs: string[] = [];

      const startBridge = async (): Promise<Bridge> => {
        // node itself (not npx) so that SIGKILL hits the bridge, not a wrapper
        const proc = spawn(
          process.execPath,
          [
            'packages/his-bridge/src/cli.ts',
            'start',
            '--cloud',
            `http://127.0.0.1:${cloudPort}`,
            '--api-key',
            key,
            '--port',
            String(bridgePort),
            '--data',
            dataDir,
            '--max-backoff-ms',
            '1000',
            '--status-interval-ms',
            '500',
          ],
          { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        const b: Bridge = { proc, out: logs };
        proc.stdout!.on('data', (d: Buffer) => logs.push(d.toString()));
        proc.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
        for (let i = 0; i < 200; i++) {
          if (proc.exitCode !== null) throw new Error(`bridge exited ${proc.exitCode}: ${logs.join('')}`);
          try {
            if ((await fetch(`${local}/healthz`)).ok) return b;
          } catch {
            /* not yet */
          }
          await sleep(50);
        }
        throw new Error(`bridge did not start: ${logs.join('')}`);
      };
      const health = async () =>
        (await (await fetch(`${local}/healthz`)).json()) as {
          backlog: number;
          rejected: number;
          forwardedTotal: number;
        };

      bridge = await startBridge();

      // The HIS's calls; each is retried until the bridge answers 202 (as an HIS would).
      let accepted = 0;
      let retries = 0;
      const send = async (method: 'PUT' | 'POST', path: string, payload: unknown, items: number) => {
        for (;;) {
          try {
            const r = await fetch(local + path, {
              method,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(payload),
            });
            const text = await r.text();
            if (r.status === 202) {
              accepted += items;
              return;
            }
            throw new Error(`bridge answered ${r.status} ${text}`);
          } catch (err) {
            if (err instanceof Error && err.message.startsWith('bridge answered')) throw err;
            retries++;
            await sleep(30);
          }
        }
      };

      await send('PUT', '/his/v1/doctors/D01', { name: '陳建志', department: '一般牙科' }, 1);
      await send('PUT', '/his/v1/doctors/D02', { name: '林怡伶', department: '兒童牙科' }, 1);
      for (let p = 0; p < 50; p++)
        await send(
          'PUT',
          `/his/v1/patients/P${String(p).padStart(3, '0')}`,
          { name: `測試病患${p}`, phone: `0912-345-${String(p).padStart(3, '0')}` },
          1,
        );

      // Each worker owns appointments i ≡ w (mod WORKERS) and sends their versions in order,
      // interleaved across its appointments at random, as single PUTs or local batches, with
      // occasional stale re-sends of an older version.
      let changes = 0;
      let stale = 0;
      const killAt = [3000, 6500];
      const kills: Promise<void>[] = [];
      const maybeKill = () => {
        while (killAt.length && changes >= killAt[0]) {
          killAt.shift();
          const old = bridge!;
          old.proc.kill('SIGKILL');
          kills.push(
            new Promise<void>((res) => old.proc.once('exit', () => res())).then(async () => {
              await sleep(200);
              bridge = await startBridge();
            }),
          );
        }
      };
      const worker = async (w: number) => {
        const r = rng(1000 + w);
        const next = new Map<number, number>();
        for (let i = w; i < APPOINTMENTS; i += WORKERS) next.set(i, 1);
        while (next.size) {
          const ids = [...next.keys()];
          const n = r() < 0.4 ? 1 : 1 + Math.floor(r() * 40);
          const items: (ReturnType<typeof body> & { appointmentId: string })[] = [];
          for (let k = 0; k < n && next.size; k++) {
            const i = ids[Math.floor(r() * ids.length)];
            const v = next.get(i);
            if (v === undefined) continue;
            items.push({ appointmentId: apptId(i), ...body(i, v) });
            if (v > 3 && r() < 0.05) {
              items.push({ appointmentId: apptId(i), ...body(i, v - 3) });
              stale++;
            }
            if (v === VERSIONS) next.delete(i);
            else next.set(i, v + 1);
          }
          if (items.length === 1) {
            const { appointmentId, ...b } = items[0];
            await send('PUT', `/his/v1/appointments/${appointmentId}`, b, 1);
          } else if (items.length > 1) {
            await send('POST', '/his/v1/appointments/batch', { items }, items.length);
          }
          changes += items.length;
          maybeKill();
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
      await Promise.all(kills);
      expect(kills.length).toBe(2);
      expect(changes).toBe(APPOINTMENTS * VERSIONS + stale);

      // Cloud still down: nothing lost (every 202 is in the queue; retried calls may be twice).
      const offline = await health();
      expect(offline.forwardedTotal).toBe(0);
      expect(offline.backlog).toBeGreaterThanOrEqual(accepted);
      // the HIS still reads its appointments (newest version written) from the bridge
      const localRead = await fetch(`${local}/his/v1/appointments/${apptId(7)}`);
      expect(localRead.headers.get('careline-bridge-source')).toBe('local');
      expect(await localRead.json()).toMatchObject({
        appointmentId: apptId(7),
        version: VERSIONS,
        note: `v${VERSIONS}`,
      });

      // The cloud comes up; the bridge drains its backlog.
      await cloud.app.listen({ port: cloudPort, host: '127.0.0.1' });
      const started = Date.now();
      for (;;) {
        const h = await health();
        if (h.backlog === 0) break;
        if (Date.now() - started > 90_000)
          throw new Error(`backlog not drained: ${JSON.stringify(h)}\n${logs.join('').slice(-3000)}`);
        await sleep(200);
      }
      expect((await health()).rejected).toBe(0);

      // Exactly once in effect, order kept.
      const db = cloud.deps.db;
      const appts = await db
        .selectFrom('appointments')
        .select(['id', 'his_id', 'version', 'note', 'status', 'starts_at'])
        .where('clinic_id', '=', clinic.clinicId)
        .execute();
      expect(appts.length).toBe(APPOINTMENTS);
      const byId = new Map(appts.map((a) => [a.id, a]));
      const hist = await db
        .selectFrom('appointment_history')
        .select(['appointment_id', 'version'])
        .where('clinic_id', '=', clinic.clinicId)
        .orderBy('id')
        .execute();
      const versions = new Map<string, number[]>();
      for (const h of hist) {
        const his = byId.get(h.appointment_id)!.his_id;
        versions.set(his, [...(versions.get(his) ?? []), Number(h.version)]);
      }
      const all = Array.from({ length: VERSIONS }, (_, k) => k + 1);
      for (let i = 0; i < APPOINTMENTS; i++) {
        const a = appts.find((x) => x.his_id === apptId(i))!;
        const want = body(i, VERSIONS);
        expect({ version: Number(a.version), note: a.note, status: a.status }).toEqual({
          version: VERSIONS,
          note: want.note,
          status: want.status,
        });
        // every version applied once, in the order the HIS sent them
        expect(versions.get(apptId(i))).toEqual(all);
      }

      // The bridge pulls status changes and keeps serving the last known lights when the cloud goes away.
      const patient = await db
        .selectFrom('patients')
        .select('id')
        .where('clinic_id', '=', clinic.clinicId)
        .where('his_id', '=', 'P007')
        .executeTakeFirstOrThrow();
      const change = await db.transaction().execute((trx) =>
        changeStatus(trx, cloud!.deps, {
          clinicId: clinic.clinicId,
          subject: 'patient',
          subjectId: patient.id,
          light: 'line',
          to: 'bound',
          source: 'patient',
          actor: { type: 'system', id: null, label: 'test' },
        }),
      );
      // Wait for the pull that reaches this change: the bridge may still be paging through the
      // lights of the 10,000 changes above (its cursor moves before it gets here).
      const target = decodeCursor(change!.cursor)!;
      for (let i = 0; ; i++) {
        const s = (await (await fetch(`${local}/healthz`)).json()) as { statusCursor: string | null };
        if (s.statusCursor && (decodeCursor(s.statusCursor) ?? 0) >= target) break;
        if (i > 300) throw new Error(`bridge did not pull the status change (cursor ${s.statusCursor})`);
        await sleep(100);
      }
      await cloud.close();
      cloud = null;
      const lightsOffline = await fetch(`${local}/his/v1/patients/P007/status`);
      expect(lightsOffline.headers.get('careline-bridge-source')).toBe('local');
      expect(await lightsOffline.json()).toMatchObject({
        patientId: 'P007',
        lights: { line: { code: 'bound', label: 'LINE綁定' } },
      });
      const apptOffline = await fetch(`${local}/his/v1/appointments/${apptId(7)}`);
      expect(apptOffline.headers.get('careline-bridge-source')).toBe('local');
      expect(await apptOffline.json()).toMatchObject({ version: VERSIONS, lights: { line: { code: 'bound' } } });
      process.stderr.write(
        `offline test: ${changes} changes (${stale} stale re-sends), ${accepted} accepted items, ` +
          `${retries} client retries across 2 SIGKILLs, drained in ${Date.now() - started} ms\n`,
      );
    },
  );
});
