// Child process of the broadcast benchmark (bench/broadcast.ts): the LINE emulator with one
// channel, LINE's own rate limits (multicast 200 requests/s, push 2,000/s, per endpoint) and an
// unlimited plan, and N virtual users who are friends. The benchmark counts what arrived from
// the emulator's own log through the control API (GET /_emulator/channels/{id}/recipients); over
// IPC it only asks for the log's length, cheaply and often, to time the kill of the worker.
//   argv: <users>
import { startEmulator } from '../../apps/line-emulator/src/index.ts';

export const BROADCAST_CHANNEL = {
  channelId: '9200000001',
  channelSecret: 'broadcast-bench-secret',
  channelAccessToken: 'broadcast-bench-token',
};
/** The bench's i-th LINE user id (also what the fixture binds patient i to). */
export const broadcastUserId = (i: number) => `U${(0xb0000000 + i).toString(16).padStart(32, '0')}`;

if (process.send && process.argv[1] === import.meta.filename) {
  const users = Number(process.argv[2] ?? 1000);
  const emu = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    channels: [{ ...BROADCAST_CHANNEL, plan: { freeMessages: 200, paidCap: null } }],
    // the message bodies of a 100,000-copy run need not all stay whole
    fullMessageHistory: 2000,
  });
  const channel = emu.store.channels.get(BROADCAST_CHANNEL.channelId)!;
  for (let i = 0; i < users; i++) {
    const u = emu.store.createUser({ displayName: `病患${i}`, userId: broadcastUserId(i) });
    channel.friends.set(u.userId, 'friend');
  }
  let peakRss = process.memoryUsage.rss();
  setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 250).unref();
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'seq') process.send!({ cmd: 'seq', seq: emu.store.seq });
    else if (m.cmd === 'stats') {
      const cpu = process.cpuUsage();
      process.send!({
        cmd: 'stats',
        rssMb: Math.round(peakRss / 1048576),
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      });
    }
  });
  process.send({ cmd: 'ready', url: emu.url });
}
