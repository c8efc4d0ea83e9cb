// startBridge(): the durable queue, the forwarder, the status puller and the local HTTP server
// in one process. The CLI (`careline-bridge start`) is a thin wrapper around it.
import type { Server } from 'node:http';
import { Forwarder } from './forwarder.ts';
import { createLogger, type Logger } from './log.ts';
import { createLocalServer, listen } from './server.ts';
import { StatusSync } from './status-sync.ts';
import { BridgeStore } from './store.ts';

export { BridgeStore } from './store.ts';
export type { BridgeStatus } from './store.ts';
export { classify, parseResults } from './forwarder.ts';

export type BridgeOptions = {
  cloud: string;
  apiKey: string;
  dataDir: string;
  port?: number;
  host?: string;
  localKey?: string;
  log?: Logger;
  fetch?: typeof fetch;
  batchSize?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** connect + answer deadline of each forward and status pull (default 5000 ms) */
  forwardTimeoutMs?: number;
  /** while the cloud is unreachable, how often it is probed (default 1000 ms) */
  probeIntervalMs?: number;
  statusIntervalMs?: number;
};

export type RunningBridge = { url: string; port: number; store: BridgeStore; close(): Promise<void> };

export async function startBridge(opts: BridgeOptions): Promise<RunningBridge> {
  const log = opts.log ?? createLogger();
  const store = new BridgeStore(opts.dataDir);
  const forwarder = new Forwarder({
    cloud: opts.cloud,
    apiKey: opts.apiKey,
    store,
    log,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
    ...(opts.minBackoffMs ? { minBackoffMs: opts.minBackoffMs } : {}),
    ...(opts.maxBackoffMs ? { maxBackoffMs: opts.maxBackoffMs } : {}),
    ...(opts.forwardTimeoutMs ? { requestTimeoutMs: opts.forwardTimeoutMs } : {}),
    ...(opts.probeIntervalMs ? { probeIntervalMs: opts.probeIntervalMs } : {}),
  });
  const sync = new StatusSync({
    cloud: opts.cloud,
    apiKey: opts.apiKey,
    store,
    log,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.statusIntervalMs ? { intervalMs: opts.statusIntervalMs } : {}),
    ...(opts.forwardTimeoutMs ? { timeoutMs: opts.forwardTimeoutMs } : {}),
  });
  const server: Server = createLocalServer({
    store,
    forwarder,
    log,
    cloud: opts.cloud,
    apiKey: opts.apiKey,
    ...(opts.localKey ? { localKey: opts.localKey } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  const addr = await listen(server, opts.port ?? 7070, opts.host ?? '127.0.0.1');
  store.setMeta('pid', String(process.pid));
  store.setMeta('heartbeat_at', String(Date.now()));
  const heartbeat = setInterval(() => {
    try {
      store.setMeta('heartbeat_at', String(Date.now()));
    } catch {
      /* closing */
    }
  }, 5000);
  heartbeat.unref();
  const s = store.status();
  const url = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  log.info('bridge started', {
    listen: url,
    cloud: opts.cloud,
    data: store.file,
    backlog: s.backlog,
    rejected: s.rejected,
    statusCursor: s.statusCursor ?? '-',
  });
  forwarder.start();
  sync.start();
  return {
    url,
    port: addr.port,
    store,
    async close() {
      clearInterval(heartbeat);
      await new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      });
      await forwarder.stop();
      await sync.stop();
      store.setMeta('heartbeat_at', '');
      log.info('bridge stopped', { backlog: store.status().backlog });
      store.close();
    },
  };
}
