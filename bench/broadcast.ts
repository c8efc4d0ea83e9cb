// `npm run bench -- broadcast`: a 群發 to a saved segment of 50,000 LINE friends, started through
// the back-office API (訊息 › 群發), sent by the real server's worker (`server.ts --role worker`,
// a child process) through the LINE emulator (its own child process, enforcing LINE's multicast
// limit of 200 requests/s per channel, at most 500 user ids each). Two broadcasts run back to back:
//   1. a clean one: `value` = recipients per second while sending (the emulator's log, first copy
//      to last), `ratio` = value ÷ LINE's multicast ceiling (200 requests/s × 500 = 100,000
//      recipients/s), `rss_mb` = the worker's peak resident set (VmHWM);
//   2. one whose worker is killed with SIGKILL once about 40 % of the copies reached the emulator
//      and then started again: `duplicates` (copies beyond one per user) and `lost` (segment
//      members no copy reached) from the emulator's own log, once the broadcast says it is done.
// The API child (`--role api`) serves the back office; the database is a temporary SQLite file,
// or BENCH_DATABASE_URL=postgres://… (an empty database).
//   BENCH_FRIENDS (50,000), BENCH_KILL_AT (0.4 of the copies), BENCH_TIMEOUT_S (300), BENCH_KILL=0 (the clean
//   run only), BENCH_PROF=<dir> (CPU profiles of the server children; bench/lib/cpuprofile-summary.ts)
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecipientsSummary } from '../apps/line-emulator/src/recipients.ts';
import { BROADCAST_CHANNEL } from './lib/broadcast-emulator.ts';
import {
  freePort,
  login,
  peakRssMb,
  rssMb,
  seedFriends,
  serverEnv,
  startServerChild,
  stopServerChild,
  type ServerChild,
  type Session,
} from './lib/broadcast-fixture.ts';

const N = Number(process.env.BENCH_FRIENDS ?? 50_000);
const KILL_AT = Number(process.env.BENCH_KILL_AT ?? 0.4);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 300) * 1000;
/** LINE's multicast ceiling per channel: 200 requests/s × 500 user ids. */
const CEILING = 200 * 500;
const log = (s: string) => process.stderr.write(`[broadcast] ${s}\n`);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Emu = { url: string; seq(): Promise<number>; stats(): Promise<{ rssMb: number; cpuMs: number }>; kill(): void };

function startEmulatorChild(users: number): Promise<Emu> {
  const proc = fork(join(import.meta.dirname, 'lib', 'broadcast-emulator.ts'), [String(users)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ask = <T>(cmd: string) =>
    new Promise<T>((resolve, reject) => {
      const on = (m: { cmd: string }) => {
        if (m.cmd !== cmd) return;
        proc.off('message', on);
        proc.off('exit', exit);
        resolve(m as T);
      };
      const exit = (code: number | null) => reject(new Error(`emulator exited (${code}) before "${cmd}"`));
      proc.on('message', on);
      proc.once('exit', exit);
      if (cmd !== 'ready') proc.send({ cmd });
    });
  return ask<{ url: string }>('ready').then(({ url }) => ({
    url,
    seq: async () => (await ask<{ seq: number }>('seq')).seq,
    stats: () => ask<{ rssMb: number; cpuMs: number }>('stats'),
    kill: () => proc.kill('SIGKILL'),
  }));
}

async function recipients(emu: Emu, after: number, text: string): Promise<RecipientsSummary> {
  const q = new URLSearchParams({ after: String(after), via: 'multicast', text });
  const res = await fetch(`${emu.url}/_emulator/channels/${BROADCAST_CHANNEL.channelId}/recipients?${q}`);
  return (await res.json()) as RecipientsSummary;
}

type Broadcast = { id: string; state: string; counts: Record<string, number> };

/** Creates a broadcast to the segment through the back-office API and sends it now. */
async function sendBroadcast(s: Session, segmentId: string, marker: string): Promise<string> {
  const estimate = await s.call<{ total: number; line: number }>('POST', '/api/broadcasts/estimate', {
    audience: { kind: 'segment', id: segmentId },
  });
  if (estimate.line !== N)
    throw new Error(`the estimate expects ${estimate.line} LINE recipients, not ${N}: ${JSON.stringify(estimate)}`);
  const created = await s.call<Broadcast>('POST', '/api/broadcasts', {
    title: `群發壓測 ${marker}`,
    audience: { kind: 'segment', id: segmentId },
    messages: [{ type: 'text', text: `【康健牙醫】12 月洗牙優惠開始預約囉！${marker}` }],
  });
  await s.call('POST', `/api/broadcasts/${created.id}/send`, { sendAt: null });
  return created.id;
}

async function waitDone(s: Session, id: string, deadline: number, onTick?: () => Promise<void>): Promise<Broadcast> {
  let last = 0;
  for (;;) {
    if (onTick) await onTick();
    if (Date.now() - last >= 1000) {
      last = Date.now();
      const b = await s.call<Broadcast>('GET', `/api/broadcasts/${id}`);
      if (b.state === 'done' || b.state === 'paused' || b.state === 'cancelled') return b;
    }
    if (Date.now() > deadline) throw new Error(`broadcast ${id} not done after ${TIMEOUT_MS / 1000} s`);
    await sleep(onTick ? 10 : 100);
  }
}

/** Recipients per second while sending: copies ÷ (last copy − first copy) at the emulator. */
const rateOf = (r: RecipientsSummary) =>
  r.firstAt && r.lastAt ? r.copies / Math.max(0.001, (Date.parse(r.lastAt) - Date.parse(r.firstAt)) / 1000) : 0;

export default async function main(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'careline-bench-broadcast-'));
  const children: ServerChild[] = [];
  let emu: Emu | null = null;
  try {
    emu = await startEmulatorChild(N);
    const env = serverEnv(process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, 'careline.db')}`, emu.url);
    log(`emulator ${emu.url}; seeding ${N.toLocaleString('en-US')} bound friends…`);
    let t = Date.now();
    const { tagId } = await seedFriends(env, N);
    const seedS = (Date.now() - t) / 1000;
    log(`seeded in ${seedS.toFixed(1)} s`);

    const apiPort = await freePort();
    const api = await startServerChild('api', { ...env, PORT: String(apiPort) });
    children.push(api);
    const s = await login(`http://127.0.0.1:${apiPort}`);
    // Broadcasts respect quiet hours; the benchmark runs at any hour.
    type Rules = { rules: { explanation?: string }[]; quietHours: { enabled: boolean } };
    const rules = await s.call<Rules>('GET', '/api/reminders/rules');
    for (const r of rules.rules) delete r.explanation;
    await s.call('PUT', '/api/reminders/rules', { ...rules, quietHours: { ...rules.quietHours, enabled: false } });
    const segment = await s.call<{ id: string }>('POST', '/api/segments', {
      name: '群發壓測分眾',
      conditions: { tagIds: [tagId] },
    });

    let worker = await startServerChild('worker', env);
    children.push(worker);

    // 1. clean run
    let mark = await emu.seq();
    // the worker's resident set before the first multicast (the start job) and while sending
    const phases = { idle: rssMb(worker.pid), preparing: 0, sending: 0 };
    const cleanT = Date.now();
    const cleanId = await sendBroadcast(s, segment.id, '#clean');
    const clean = await waitDone(s, cleanId, Date.now() + TIMEOUT_MS, async () => {
      const sending = (await emu!.seq()) > mark;
      const rss = rssMb(worker.pid);
      if (sending) phases.sending = Math.max(phases.sending, rss);
      else phases.preparing = Math.max(phases.preparing, rss);
    });
    const cleanWall = (Date.now() - cleanT) / 1000;
    const cleanRss = peakRssMb(worker.pid);
    const r1 = await recipients(emu, mark, '#clean');
    const value = Math.round(rateOf(r1));
    log(
      `clean: ${r1.copies} copies to ${r1.users} users in ${r1.requests} requests, ${value}/s while sending ` +
        `(${round(value / CEILING, 3)} of ${CEILING}/s); ${cleanWall.toFixed(1)} s from 傳送 to done; ` +
        `worker peak ${cleanRss} MB`,
    );

    // 2. kill -9 of the worker mid-send, then a restart
    if (process.env.BENCH_KILL === '0')
      return {
        bench: 'broadcast',
        metric: 'recipients_per_s',
        value,
        ratio: round(value / CEILING, 3),
        rss_mb: cleanRss,
        rss_mb_worker_phases: phases,
        end_to_end_per_s: r1.lastAt ? Math.round(r1.users / ((Date.parse(r1.lastAt) - cleanT) / 1000)) : null,
        wall_s: round(cleanWall, 1),
        load_avg: loadavg().map((x) => round(x, 1)),
      };
    mark = await emu.seq();
    t = Date.now();
    const killId = await sendBroadcast(s, segment.id, '#kill');
    let killedAt: number | null = null;
    let killedRss = 0;
    let restartedAt: number | null = null;
    let seenAtKill = 0;
    const killed = await waitDone(s, killId, Date.now() + TIMEOUT_MS, async () => {
      if (killedAt !== null) return;
      const seen = (await emu!.seq()) - mark;
      if (seen < N * KILL_AT) return;
      killedRss = peakRssMb(worker.pid);
      worker.proc.kill('SIGKILL');
      await worker.exited;
      killedAt = Date.now();
      seenAtKill = seen;
      log(`killed the worker (SIGKILL) after ${seen} copies; starting another…`);
      worker = await startServerChild('worker', env);
      children.push(worker);
      restartedAt = Date.now();
    });
    const killWall = (Date.now() - t) / 1000;
    const r2 = await recipients(emu, mark, '#kill');
    const duplicates = r2.copies - r2.users;
    const lost = N - r2.users;
    const restartRss = peakRssMb(worker.pid);
    log(
      `kill run: ${r2.copies} copies to ${r2.users} users; duplicates ${duplicates}, lost ${lost}; ` +
        `${killWall.toFixed(1)} s from 傳送 to done`,
    );
    const emuStats = await emu.stats();
    return {
      bench: 'broadcast',
      metric: 'recipients_per_s',
      value,
      unit: 'recipients/s',
      baseline: CEILING,
      ratio: round(value / CEILING, 3),
      duplicates,
      lost,
      rss_mb: cleanRss,
      rss_mb_worker_phases: phases,
      friends: N,
      seed_s: round(seedS, 1),
      clean: {
        state: clean.state,
        counts: clean.counts,
        requests: r1.requests,
        copies: r1.copies,
        users: r1.users,
        sending_s: r1.firstAt && r1.lastAt ? round((Date.parse(r1.lastAt) - Date.parse(r1.firstAt)) / 1000) : null,
        first_copy_after_s: r1.firstAt ? round((Date.parse(r1.firstAt) - cleanT) / 1000) : null,
        last_copy_after_s: r1.lastAt ? round((Date.parse(r1.lastAt) - cleanT) / 1000) : null,
        end_to_end_per_s: r1.lastAt ? Math.round(r1.users / ((Date.parse(r1.lastAt) - cleanT) / 1000)) : null,
        wall_s: round(cleanWall, 1),
        per_second: r1.perSecond,
      },
      kill: {
        state: killed.state,
        counts: killed.counts,
        killed: killedAt !== null,
        copies_before_kill: seenAtKill,
        requests: r2.requests,
        copies: r2.copies,
        users: r2.users,
        copies_per_user: r2.copiesPerUser,
        restart_s: killedAt !== null && restartedAt !== null ? round((restartedAt - killedAt) / 1000) : null,
        wall_s: round(killWall, 1),
        recipients_per_s_with_restart: round(r2.users / killWall, 0),
        worker_rss_mb: { killed: killedRss, restarted: restartRss },
      },
      rss_mb_emulator: emuStats.rssMb,
      load_avg: loadavg().map((x) => round(x, 1)),
    };
  } finally {
    await Promise.all(children.map(stopServerChild));
    emu?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
