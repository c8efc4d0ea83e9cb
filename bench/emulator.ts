// Push requests/s the LINE emulator accepts (rate limiting off) vs a bare Fastify endpoint,
// both driven by Node fetch with 64 concurrent connections for a bounded duration.
import Fastify from 'fastify';
import { startEmulator } from '../apps/line-emulator/src/index.ts';

const CONCURRENCY = 64;
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);

async function drive(label: string, url: string, init: () => RequestInit): Promise<{ rps: number; errors: number }> {
  let ok = 0;
  let errors = 0;
  const end = Date.now() + DURATION_MS;
  const start = Date.now();
  const tick = setInterval(() => process.stderr.write(`  ${label}: ${ok} ok, ${errors} errors\n`), 1000);
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < end) {
      try {
        const res = await fetch(url, init());
        await res.arrayBuffer();
        if (res.status === 200) ok++;
        else errors++;
      } catch {
        errors++;
      }
    }
  }));
  clearInterval(tick);
  return { rps: Math.round(ok / ((Date.now() - start) / 1000)), errors };
}

export default async function main(): Promise<Record<string, unknown>> {
  // Baseline: a bare Fastify endpoint answering a push-like body.
  const bare = Fastify();
  bare.post('/v2/bot/message/push', async () => ({ sentMessages: [{ id: '1', quoteToken: 'q' }] }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/v2/bot/message/push`;

  const emu = await startEmulator({ rateLimits: false, channels: [{ channelId: '9000000001', channelSecret: 's', channelAccessToken: 'bench-token' }] });
  const user = (await (await fetch(`${emu.url}/_emulator/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ displayName: 'bench' }) })).json()) as { userId: string };
  await fetch(`${emu.url}/_emulator/users/${user.userId}/follow`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channelId: '9000000001' }) });
  const body = JSON.stringify({ to: user.userId, messages: [{ type: 'text', text: '明天上午 09:30 門診提醒' }] });
  const init = (): RequestInit => ({ method: 'POST', headers: { authorization: 'Bearer bench-token', 'content-type': 'application/json' }, body });

  process.stderr.write(`warm-up…\n`);
  await drive('warm-up', bareUrl, init).catch(() => undefined);
  process.stderr.write(`baseline (bare Fastify), ${CONCURRENCY} connections, ${DURATION_MS} ms\n`);
  const base = await drive('baseline', bareUrl, init);
  process.stderr.write(`emulator push, rate limiting off\n`);
  const emuRes = await drive('emulator', `${emu.url}/v2/bot/message/push`, init);
  await emu.close();
  await bare.close();
  const result = { bench: 'emulator', metric: 'push_rps', value: emuRes.rps, unit: 'req/s', baseline: base.rps, ratio: Math.round((emuRes.rps / base.rps) * 100) / 100, errors: emuRes.errors, concurrency: CONCURRENCY, duration_ms: DURATION_MS, rss_mb: Math.round(process.memoryUsage().rss / 1048576) };
  process.stderr.write(`emulator ${emuRes.rps} req/s vs bare Fastify ${base.rps} req/s\n`);
  return result;
}
