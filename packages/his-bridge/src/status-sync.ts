// Pulls GET /his/v1/status-changes?after=<cursor> periodically and keeps the cursor and the
// last known lights in the bridge's database, so the HIS keeps seeing them while offline.
import { errorCode } from './forwarder.ts';
import type { Logger } from './log.ts';
import type { BridgeStore } from './store.ts';

export type StatusSyncOptions = {
  cloud: string;
  apiKey: string;
  store: BridgeStore;
  log: Logger;
  fetch?: typeof fetch;
  intervalMs?: number;
  pageSize?: number;
  /** connect + answer deadline of one page */
  timeoutMs?: number;
};

export class StatusSync {
  private readonly o: Required<StatusSyncOptions>;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failing = false;
  private stopped = false;

  constructor(opts: StatusSyncOptions) {
    this.o = {
      fetch: globalThis.fetch,
      intervalMs: 5000,
      pageSize: 500,
      timeoutMs: 5000,
      ...opts,
      cloud: opts.cloud.replace(/\/+$/, ''),
    };
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.pullAll()
        .then(() => undefined)
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(tick, this.o.intervalMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Pulls pages until the cloud has nothing newer. */
  async pullAll(): Promise<number> {
    let total = 0;
    try {
      for (let page = 0; page < 1000 && !this.stopped; page++) {
        const cursor = this.o.store.getMeta('status_cursor');
        const qs = new URLSearchParams({ limit: String(this.o.pageSize) });
        if (cursor) qs.set('after', cursor);
        const res = await this.o.fetch(`${this.o.cloud}/his/v1/status-changes?${qs}`, {
          headers: { authorization: `Bearer ${this.o.apiKey}` },
          signal: AbortSignal.timeout(this.o.timeoutMs),
        });
        const text = await res.text();
        // The clinic has a change still being written (a long batch): the cloud holds the feed
        // back so that no change is skipped. Not a failure: the next interval pulls it.
        if (res.status === 503 && errorCode(text) === 'STATUS_FEED_BUSY') {
          this.o.log.info('cloud is still writing status changes; pulling at the next interval');
          break;
        }
        if (res.status !== 200) throw new Error(`HTTP ${res.status} ${text.slice(0, 200)}`);
        const body = JSON.parse(text) as { items?: Record<string, unknown>[]; nextCursor?: string | null };
        const items = body.items ?? [];
        const next = body.nextCursor ?? null;
        this.o.store.applyStatusChanges(items, next);
        total += items.length;
        if (items.length === 0 || next === null || next === cursor) break;
      }
      if (this.failing) this.o.log.info('status pull works again');
      this.failing = false;
      if (total > 0)
        this.o.log.info('pulled status changes', { changes: total, cursor: this.o.store.getMeta('status_cursor') });
    } catch (err) {
      const message =
        err instanceof Error
          ? err.cause instanceof Error
            ? `${err.message}: ${err.cause.message}`
            : err.message
          : String(err);
      try {
        this.o.store.setMeta('last_status_pull_error', message);
      } catch {
        /* closing */
      }
      if (!this.failing) this.o.log.warn('status pull failed; serving last known lights locally', { error: message });
      this.failing = true;
    }
    return total;
  }
}
