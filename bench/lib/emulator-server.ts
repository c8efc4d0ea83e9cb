// Child process of the emulator benchmark: the server under test, alone in its process.
//   argv: emulator | bare
// 'emulator': the LINE emulator with rate limiting off, one channel and one friend user.
// 'bare': a bare Fastify endpoint answering a push-like body (the baseline).
// IPC: sends {cmd:'ready', url}; answers {cmd:'cpu'} with the CPU time (whole process and
// main thread alone) and GC pause time since the previous {cmd:'cpu'} (so warm-up can be
// excluded), and the message-log size.
// Profile with BENCH_PROF=<dir> (the parent passes --cpu-prof to this child).
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import { startEmulator } from '../../apps/line-emulator/src/index.ts';

export const BENCH_EMU_CHANNEL = { channelId: '9000000001', channelSecret: 's', channelAccessToken: 'bench-token' };
export const BENCH_EMU_USER = `U${'b'.repeat(32)}`;

if (process.send && process.argv[1] === import.meta.filename) {
  const kind = process.argv[2];
  let url: string;
  let logSize = () => 0;
  let close: () => Promise<void>;
  if (kind === 'bare') {
    const bare = Fastify({ logger: false });
    bare.post('/v2/bot/message/push', async () => ({ sentMessages: [{ id: '1', quoteToken: 'q' }] }));
    await bare.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/v2/bot/message/push`;
    close = () => bare.close();
  } else {
    const emu = await startEmulator({ rateLimits: false, channels: [BENCH_EMU_CHANNEL] });
    const channel = emu.store.channels.get(BENCH_EMU_CHANNEL.channelId)!;
    emu.store.createUser({ displayName: 'bench', userId: BENCH_EMU_USER });
    channel.friends.set(BENCH_EMU_USER, 'friend');
    url = `${emu.url}/v2/bot/message/push`;
    logSize = () => channel.log.length;
    close = emu.close;
  }
  let gcMs = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  }).observe({ entryTypes: ['gc'] });
  let last = process.cpuUsage();
  let lastMain = process.threadCpuUsage();
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'cpu') {
      const d = process.cpuUsage(last);
      const main = process.threadCpuUsage(lastMain);
      last = process.cpuUsage();
      lastMain = process.threadCpuUsage();
      process.send!({
        cmd: 'cpu',
        userUs: d.user,
        systemUs: d.system,
        mainUs: main.user + main.system,
        gcMs,
        log: logSize(),
        rssMb: Math.round(process.memoryUsage().rss / 1048576),
      });
      gcMs = 0;
    } else if (m.cmd === 'close') {
      void close().then(() => process.exit(0));
    }
  });
  process.send({ cmd: 'ready', url });
}
