// careline-bridge: runs beside an HIS.
//   careline-bridge start --cloud <url> --api-key <key> [--port 7070] [--host 127.0.0.1] [--data ./bridge-data] …
//   careline-bridge status [--data ./bridge-data] [--json]
// (USAGE below lists every flag and environment variable; the README explains them.)
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBridge } from './bridge.ts';
import { createLogger } from './log.ts';
import { BridgeStore, type BridgeStatus } from './store.ts';

const USAGE = `careline-bridge — Careline HIS bridge (durable local queue, forwards to the cloud in order)

usage:
  careline-bridge start --cloud <url> --api-key <key> [--port 7070] [--host 127.0.0.1]
                        [--data ./bridge-data] [--local-key <key>] [--max-backoff-ms 30000]
                        [--forward-timeout-ms 5000] [--status-interval-ms 5000]
  careline-bridge status [--data ./bridge-data] [--json]
  careline-bridge <command> --help

start:
  --cloud <url>               Careline's address, e.g. https://careline.example.tw
  --api-key <key>             the clinic's HIS API key (sent to the cloud as Authorization: Bearer)
  --port, --host              where the HIS calls the bridge (default 127.0.0.1:7070)
  --data <dir>                the on-disk queue and local copies (bridge.db)
  --local-key <key>           require the HIS to send Authorization: Bearer <key> to the bridge;
                              set it whenever --host is not 127.0.0.1
  --forward-timeout-ms <ms>   connect + answer deadline of each forward (a batch gets 5 ms more per item)
  --max-backoff-ms <ms>       longest wait between retries while the cloud answers 5xx/429
  --status-interval-ms <ms>   how often the status lights are pulled from the cloud
status:
  --data <dir>                the bridge's data directory
  --json                      machine-readable, for monitoring (includes the newest refused calls)

environment (used when the flag is absent):
  CARELINE_CLOUD_URL (--cloud), CARELINE_API_KEY (--api-key), CARELINE_BRIDGE_DATA (--data),
  CARELINE_BRIDGE_LOCAL_KEY (--local-key; keeps the key out of the process list)
`;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Answers a bad flag with the usage (exit 2) instead of parseArgs' stack trace. */
function orUsage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
}
const help = { type: 'boolean', short: 'h' } as const;

function fail(msg: string): never {
  process.stderr.write(`careline-bridge: ${msg}\n\n${USAGE}`);
  process.exit(2);
}

function num(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a non-negative integer, got "${v}"`);
  return n;
}

const age = (ms: number | null, now: number) => {
  if (ms === null) return '-';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return `${(s / 3600).toFixed(1)} h ago`;
};

export function formatStatus(s: BridgeStatus, now = Date.now()): string {
  const alive = s.heartbeatAt !== null && now - s.heartbeatAt < 15_000;
  const at = (t: number | null) => (t === null ? null : `${new Date(t).toISOString()} (${age(t, now)})`);
  const heartbeat = age(s.heartbeatAt, now);
  const pullError = s.lastStatusPullError ? `, error: ${s.lastStatusPullError}` : '';
  const running = alive
    ? `running (pid ${s.pid}, heartbeat ${heartbeat})`
    : `not running (last heartbeat ${heartbeat})`;
  const lastError =
    s.lastForwardError === null
      ? 'none'
      : `${at(s.lastForwardErrorAt ?? 0)}: ${s.lastForwardError}` +
        (s.forwardFailingSince !== null
          ? `\nfailing since      ${at(s.forwardFailingSince)}`
          : s.lastForwardOkAt !== null && s.lastForwardOkAt > (s.lastForwardErrorAt ?? 0)
            ? ' (recovered since)'
            : '');
  const rejected = s.rejected ? ' (the cloud refused these for good; see the rejected table)' : '';
  const lines = [
    `bridge process     ${running}`,
    `backlog            ${s.backlog} call(s) waiting${s.backlog ? `, next seq ${s.nextSeq}` : ''}`,
    `oldest queued      ${at(s.oldestQueuedAt) ?? '-'}`,
    `forwarded total    ${s.forwardedTotal}`,
    `last forward ok    ${at(s.lastForwardOkAt) ?? 'never'}`,
    `last forward error ${lastError}`,
    `rejected           ${s.rejected}${rejected}`,
    `status cursor      ${s.statusCursor ?? '-'} (last pull ${age(s.lastStatusPullAt, now)}${pullError})`,
    `local lights       ${s.cachedAppointments} appointment(s), ${s.cachedPatients} patient(s)`,
  ];
  return lines.join('\n') + '\n';
}

export async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (cmd === 'status') {
    const { values } = orUsage(() =>
      parseArgs({ args: rest, options: { data: { type: 'string' }, json: { type: 'boolean' }, help } }),
    );
    if (values.help) return void process.stdout.write(USAGE);
    const dir = resolve(values.data ?? process.env.CARELINE_BRIDGE_DATA ?? './bridge-data');
    if (!existsSync(join(dir, 'bridge.db'))) fail(`no bridge data in ${dir} (start the bridge first, or pass --data)`);
    const store = new BridgeStore(dir, { readOnly: true });
    try {
      const s = store.status();
      if (values.json) {
        process.stdout.write(
          JSON.stringify(
            {
              ...s,
              rejectedRecent: store.rejectedCalls(10).map((r) => ({
                seq: r.seq,
                kind: r.kind,
                id: r.entityId,
                status: r.status,
                error: r.error.slice(0, 500),
                rejectedAt: r.rejectedAt,
              })),
            },
            null,
            2,
          ) + '\n',
        );
      } else {
        process.stdout.write(formatStatus(s));
        for (const r of store.rejectedCalls(5))
          process.stdout.write(
            `  rejected seq ${r.seq} ${r.kind} ${r.entityId}: HTTP ${r.status} ${r.error.slice(0, 200)}\n`,
          );
      }
    } finally {
      store.close();
    }
    return;
  }
  if (cmd === 'start') {
    const { values } = orUsage(() =>
      parseArgs({
        args: rest,
        options: {
          cloud: { type: 'string' },
          'api-key': { type: 'string' },
          port: { type: 'string' },
          host: { type: 'string' },
          data: { type: 'string' },
          'local-key': { type: 'string' },
          'max-backoff-ms': { type: 'string' },
          'forward-timeout-ms': { type: 'string' },
          'status-interval-ms': { type: 'string' },
          help,
        },
      }),
    );
    if (values.help) return void process.stdout.write(USAGE);
    const cloud = values.cloud ?? process.env.CARELINE_CLOUD_URL;
    const apiKey = values['api-key'] ?? process.env.CARELINE_API_KEY;
    if (!cloud) fail('--cloud <url> is required');
    if (!/^https?:\/\//.test(cloud)) fail(`--cloud must be an http(s) URL, got "${cloud}"`);
    if (!apiKey) fail('--api-key <key> is required');
    const log = createLogger();
    const host = values.host ?? '127.0.0.1';
    const localKey = values['local-key'] ?? process.env.CARELINE_BRIDGE_LOCAL_KEY;
    if (!LOOPBACK.has(host) && !localKey)
      log.warn('listening beyond this computer without --local-key: anyone on the network can write through', {
        host,
      });
    const bridge = await startBridge({
      cloud,
      apiKey,
      dataDir: values.data ?? process.env.CARELINE_BRIDGE_DATA ?? './bridge-data',
      port: num(values.port, 'port', 7070),
      host,
      ...(localKey ? { localKey } : {}),
      maxBackoffMs: num(values['max-backoff-ms'], 'max-backoff-ms', 30_000),
      forwardTimeoutMs: num(values['forward-timeout-ms'], 'forward-timeout-ms', 5000),
      statusIntervalMs: num(values['status-interval-ms'], 'status-interval-ms', 5000),
      log,
    });
    let stopping = false;
    const stop = (sig: string) => {
      if (stopping) return;
      stopping = true;
      log.info('stopping', { signal: sig });
      bridge.close().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error('stop failed', { error: String(err) });
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    return;
  }
  fail(`unknown command "${cmd}"`);
}

if (import.meta.main) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`careline-bridge: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
