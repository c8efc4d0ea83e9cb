// Child process of `npm run bench -- peak`: the LINE emulator with one channel per clinic (each
// enforcing LINE's push limit on its own, as LINE does per channel) plus the single-channel
// baseline's channel, and 100 friends per channel. Answers IPC requests for a compact summary
// of one set of channels: messages, retry keys seen twice, each channel's last push time.
//   argv: <clinics> <users per clinic> <baseline users> <perSecond>
import { startEmulator } from '../../apps/line-emulator/src/index.ts';

export const peakChannel = (i: number | 'base') => ({
  channelId: i === 'base' ? '9300000000' : String(9300000001 + i),
  channelSecret: `peak-secret-${i}`,
  channelAccessToken: `peak-token-${i}`,
});
/** Distinct users per channel (LINE's user ids differ per provider): clinic c, patient k. */
export const peakUserId = (c: number | 'base', k: number) =>
  `U${(c === 'base' ? 'f' : c.toString(16)).padStart(8, '0')}${k.toString(16).padStart(24, '0')}`;

export type PeakSummary = {
  messages: number;
  uniqueRetryKeys: number;
  duplicateKeys: number;
  usersWithMoreThanOne: number;
  firstAt: number | null;
  lastAt: number | null;
  /** per channel: pushes received and the time of the last one (ms) */
  channels: { count: number; lastAt: number | null }[];
  perSecond: number[];
  rssMb: number;
};

if (process.send) {
  const clinics = Number(process.argv[2]);
  const users = Number(process.argv[3]);
  const baseUsers = Number(process.argv[4]);
  const perSecond = Number(process.argv[5] ?? 2000);
  const limits = { perSecond, broadcastPerHour: 60, richMenuCreatePerHour: 100 };
  const emu = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    rateLimits: false,
    channels: [
      { ...peakChannel('base'), rateLimits: limits },
      ...Array.from({ length: clinics }, (_, i) => ({ ...peakChannel(i), rateLimits: limits })),
    ],
  });
  const befriend = (c: number | 'base', n: number) => {
    const channel = emu.store.channels.get(peakChannel(c).channelId)!;
    for (let k = 0; k < n; k++) {
      const u = emu.store.createUser({ displayName: `病患${k}`, userId: peakUserId(c, k) });
      channel.friends.set(u.userId, 'friend');
    }
  };
  befriend('base', baseUsers);
  for (let c = 0; c < clinics; c++) befriend(c, users);
  let peakRss = process.memoryUsage().rss;
  setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250).unref();
  process.on('message', (m: { cmd: string; set: 'base' | 'peak' }) => {
    if (m.cmd !== 'summary') return;
    const ids = m.set === 'base' ? ['base' as const] : Array.from({ length: clinics }, (_, i) => i);
    const perKey = new Map<string, number>();
    const perUser = new Map<string, number>();
    const all: number[] = [];
    const channels = ids.map((c) => {
      const log = emu.store.channels
        .get(peakChannel(c).channelId)!
        .log.filter((r) => r.direction === 'bot' && r.via === 'push');
      let lastAt: number | null = null;
      for (const r of log) {
        perKey.set(r.retryKey ?? '', (perKey.get(r.retryKey ?? '') ?? 0) + 1);
        perUser.set(r.userId, (perUser.get(r.userId) ?? 0) + 1);
        const t = Date.parse(r.at);
        all.push(t);
        if (lastAt === null || t > lastAt) lastAt = t;
      }
      return { count: log.length, lastAt };
    });
    all.sort((a, b) => a - b);
    const perSecond: number[] = [];
    if (all.length) {
      const t0 = Math.floor(all[0] / 1000);
      for (const t of all) perSecond[Math.floor(t / 1000) - t0] = (perSecond[Math.floor(t / 1000) - t0] ?? 0) + 1;
    }
    const summary: PeakSummary = {
      messages: all.length,
      uniqueRetryKeys: perKey.size,
      duplicateKeys: [...perKey.values()].filter((n) => n > 1).length,
      usersWithMoreThanOne: [...perUser.values()].filter((n) => n > 1).length,
      firstAt: all[0] ?? null,
      lastAt: all.at(-1) ?? null,
      channels,
      perSecond: Array.from(perSecond, (n) => n ?? 0),
      rssMb: Math.round(peakRss / 1048576),
    };
    process.send!({ cmd: 'summary', ...summary });
  });
  process.send({ cmd: 'ready', url: emu.url });
}
