// Child process for the reminder kill test and benchmark: the LINE emulator with one channel
// and N virtual users who are friends, answering IPC requests for a compact summary of what
// the bot sent (a full message log of 100k Flex messages would be hundreds of MB of JSON).
//   argv: <users> <perSecond|off>
import { startEmulator } from '../../apps/line-emulator/src/index.ts';

export const BENCH_CHANNEL = {
  channelId: '9100000001',
  channelSecret: 'reminders-bench-secret',
  channelAccessToken: 'reminders-bench-token',
};
export const benchUserId = (i: number) => `U${i.toString(16).padStart(32, '0')}`;

if (process.send) {
  const users = Number(process.argv[2] ?? 1000);
  const perSecond = process.argv[3] === 'off' ? false : Number(process.argv[3] ?? 2000);
  const emu = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    rateLimits: false,
    channels: [
      {
        ...BENCH_CHANNEL,
        rateLimits: perSecond === false ? false : { perSecond, broadcastPerHour: 60, richMenuCreatePerHour: 100 },
      },
    ],
  });
  const channel = emu.store.channels.get(BENCH_CHANNEL.channelId)!;
  for (let i = 0; i < users; i++) {
    const u = emu.store.createUser({ displayName: `病患${i}`, userId: benchUserId(i) });
    channel.friends.set(u.userId, 'friend');
  }
  let peakRss = process.memoryUsage().rss;
  setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250).unref();
  process.on('message', (m: { cmd: string; faults?: unknown }) => {
    if (m.cmd === 'summary') {
      const sent = channel.log.filter((r) => r.direction === 'bot' && r.via === 'push');
      const perKey = new Map<string, number>();
      const perUser = new Map<string, number>();
      for (const r of sent) {
        perKey.set(r.retryKey ?? '', (perKey.get(r.retryKey ?? '') ?? 0) + 1);
        perUser.set(r.userId, (perUser.get(r.userId) ?? 0) + 1);
      }
      const at = sent.map((r) => Date.parse(r.at));
      process.send!({
        cmd: 'summary',
        messages: sent.length,
        uniqueRetryKeys: perKey.size,
        uniqueUsers: perUser.size,
        duplicateKeys: [...perKey.values()].filter((n) => n > 1).length,
        usersWithMoreThanOne: [...perUser.values()].filter((n) => n > 1).length,
        firstAt: at.length ? Math.min(...at.slice(0, 1000)) : null,
        lastAt: at.length ? at[at.length - 1] : null,
        at: sampleRate(at),
        rssMb: Math.round(peakRss / 1048576),
        cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
      });
    } else if (m.cmd === 'faults') {
      Object.assign(emu.store.faults.api, m.faults);
      process.send!({ cmd: 'faults' });
    }
  });
  process.send({ cmd: 'ready', url: emu.url });
}

/**
 * Sends per second over the busiest stretch (seconds with at least one send, first and last partial
 * seconds dropped).
 */
function sampleRate(at: number[]): { seconds: number; sustained: number; perSecond: number[] } {
  if (at.length < 2) return { seconds: 0, sustained: 0, perSecond: [] };
  const t0 = Math.floor(at[0] / 1000);
  const buckets = new Map<number, number>();
  for (const t of at) buckets.set(Math.floor(t / 1000) - t0, (buckets.get(Math.floor(t / 1000) - t0) ?? 0) + 1);
  const secs = [...buckets.keys()].sort((a, b) => a - b);
  const perSecond = secs.map((s) => buckets.get(s)!);
  const inner = perSecond.slice(1, -1);
  const sustained = inner.length
    ? inner.reduce((a, b) => a + b, 0) / inner.length
    : perSecond.reduce((a, b) => a + b, 0);
  return { seconds: secs.length, sustained: Math.round(sustained), perSecond };
}
