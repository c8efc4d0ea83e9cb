// A test bed with the real LINE emulator: the app listens on a free port, the emulator's
// channels deliver webhooks to it, and the app calls the emulator's Messaging API.
import { randomBytes } from 'node:crypto';
import { startEmulator, type RunningEmulator } from '../../../line-emulator/src/index.ts';
import { lineService } from '../modules/line/service.ts';
import { systemActor } from '../platform/audit.ts';
import { startWorker, type Worker } from '../platform/jobs.ts';
import { jobDefinitions } from '../jobs.ts';
import { createTestApp, createTestClinic, type TestApp, type TestClinic } from './helpers.ts';

export type LineTestbed = {
  t: TestApp;
  emu: RunningEmulator;
  appUrl: string;
  worker: Worker;
  /** A clinic with a LINE channel registered in the emulator and connected in Careline. */
  clinicWithChannel(): Promise<TestClinic & { channelId: string; channelSecret: string; accessToken: string }>;
  emu_: (method: string, path: string, body?: unknown) => Promise<any>;
  /** Runs the worker until no job is due (bounded). */
  drain(): Promise<void>;
  close(): Promise<void>;
};

export async function createLineTestbed(): Promise<LineTestbed> {
  const emu = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    rateLimits: false,
    webhook: { retryDelaysMs: [200, 400, 800] },
  });
  const t = await createTestApp({ env: { LINE_API_BASE_URL: emu.url, SMS_BASE_URL: emu.url } });
  const appUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const worker = startWorker(t.deps, jobDefinitions(), { workerId: 'test-worker', autoStart: false });
  const emu_ = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${emu.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`emulator ${method} ${path} → ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  let channelSeq = 0;
  return {
    t,
    emu,
    appUrl,
    worker,
    emu_,
    async clinicWithChannel() {
      const clinic = await createTestClinic(t);
      const channelId = `${Date.now() % 1_000_000_000}${String(channelSeq++).padStart(3, '0')}`;
      const channelSecret = randomBytes(16).toString('hex');
      const created = await emu_('POST', '/_emulator/channels', {
        channelId,
        channelSecret,
        webhookUrl: `${appUrl}/line/webhook/${channelId}`,
        displayName: '測試診所',
      });
      const accessToken = created.channelAccessToken as string;
      await lineService(t.deps).saveChannel(
        clinic.clinicId,
        { channelId, channelSecret, accessToken },
        systemActor,
        '127.0.0.1',
      );
      return { ...clinic, channelId, channelSecret, accessToken };
    },
    async drain() {
      for (let i = 0; i < 50; i++) {
        const n = await worker.runOnce();
        if (n === 0) return;
      }
    },
    async close() {
      await worker.stop();
      await t.close();
      await emu.close();
    },
  };
}
