// Sends queued calls to the cloud strictly in queue order (global FIFO, so per-appointment
// order holds). Consecutive appointment writes go out as one POST /his/v1/appointments/batch
// (≤ 1,000 items, order preserved). Outcomes:
//   2xx, 409 (older or same version: already applied)  → done, removed from the queue
//   400/404/413/422 (the call itself is bad)            → moved to `rejected` with the error
//   network error, 408, 429, 5xx, 401/403               → retried with backoff, nothing dropped
// The queue row is deleted only after the cloud answered, so a crash resends it (at-least-once);
// the server's versioned, idempotent upserts make that exactly-once in effect.
import type { Logger } from './log.ts';
import type { BridgeStore, QueuedCall } from './store.ts';

export type ForwarderOptions = {
  cloud: string;
  apiKey: string;
  store: BridgeStore;
  log: Logger;
  fetch?: typeof fetch;
  batchSize?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * One deadline per request for connecting AND the cloud's answer: a network that accepts
   * connections and never answers must not hold the queue longer than this. A batch gets
   * `requestTimeoutMs + 5 ms × items` (a full batch of 1,000 takes the cloud well under a second).
   */
  requestTimeoutMs?: number;
  /** while the cloud is unreachable, how often GET /healthz checks whether it answers again */
  probeIntervalMs?: number;
  /** how many consecutive doctor/patient writes go out at once */
  parallel?: number;
};

const PERMANENT = new Set([400, 404, 405, 413, 422]);

export type Outcome =
  { kind: 'done' } | { kind: 'rejected'; status: number; error: string } | { kind: 'retry'; error: string };

export function classify(status: number, body: string): Outcome {
  if (status >= 200 && status < 300) return { kind: 'done' };
  if (status === 409) {
    const code = errorCode(body);
    // VERSION_CONFLICT (or any 409 on a versioned upsert): the cloud already has this or newer
    if (!code || code.includes('VERSION')) return { kind: 'done' };
    return { kind: 'rejected', status, error: body.slice(0, 2000) };
  }
  if (PERMANENT.has(status)) return { kind: 'rejected', status, error: body.slice(0, 2000) };
  if (status === 401 || status === 403)
    return {
      kind: 'retry',
      error: `HTTP ${status}: the cloud refused the API key (check --api-key) ${body.slice(0, 200)}`,
    };
  return { kind: 'retry', error: `HTTP ${status} ${body.slice(0, 300)}` };
}

/** The machine code of an error answer of the cloud (`{error: {code}}`), if it is one. */
export function errorCode(body: string): string | null {
  try {
    const j = JSON.parse(body) as { error?: { code?: string } };
    return j.error?.code ?? null;
  } catch {
    return null;
  }
}

class RetryLater extends Error {}

export class Forwarder {
  private readonly o: Required<Omit<ForwarderOptions, 'fetch'>> & { fetch: typeof fetch };
  private stopped = false;
  private busy = false;
  private backoff = 0;
  private downSince: number | null = null;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(opts: ForwarderOptions) {
    this.o = {
      batchSize: 1000,
      minBackoffMs: 500,
      maxBackoffMs: 30_000,
      requestTimeoutMs: 5000,
      probeIntervalMs: 1000,
      parallel: 8,
      fetch: globalThis.fetch,
      ...opts,
      cloud: opts.cloud.replace(/\/+$/, ''),
    };
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Called after new calls were queued. */
  notify(): void {
    if (this.backoff === 0) this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((res) => {
      const t = setTimeout(() => {
        this.wake = null;
        res();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        res();
      };
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const head = this.o.store.peek(this.o.batchSize);
      if (head.length === 0) {
        if (this.busy) {
          const s = this.o.store.status();
          this.o.log.info('backlog empty: every queued call reached the cloud', {
            forwardedTotal: s.forwardedTotal,
            rejected: s.rejected,
          });
          this.busy = false;
        }
        await this.sleep(1000);
        continue;
      }
      this.busy = true;
      try {
        await this.forward(head);
        if (this.downSince !== null) {
          this.o.log.info('cloud reachable again, forwarding resumed', {
            offlineSeconds: ((Date.now() - this.downSince) / 1000).toFixed(1),
          });
          this.downSince = null;
        }
        this.backoff = 0;
      } catch (err) {
        const message = errorMessage(err, this.o.requestTimeoutMs);
        this.downSince ??= Date.now();
        this.backoff = this.backoff === 0 ? this.o.minBackoffMs : Math.min(this.o.maxBackoffMs, this.backoff * 2);
        const wait = Math.round(this.backoff * (0.8 + Math.random() * 0.4));
        this.o.store.recordForwardError(message);
        const s = this.o.store.status();
        // No answer at all (refused, reset, timed out): probe the cloud every second and resend as
        // soon as it answers, instead of sleeping out a backoff of up to --max-backoff-ms. An HTTP
        // answer (5xx, 429, 401) means the cloud is up and asked us to wait: the backoff holds.
        const unreachable = !(err instanceof RetryLater);
        this.o.log.warn('forward failed, will retry', {
          error: message,
          retryInMs: wait,
          backlog: s.backlog,
          ...(unreachable ? { probeEveryMs: this.o.probeIntervalMs } : {}),
        });
        if (unreachable) await this.sleepUntilReachable(wait);
        else await this.sleep(wait);
      }
    }
  }

  /** Sleeps up to `ms`, waking early once GET /healthz gets any HTTP answer below 500. */
  private async sleepUntilReachable(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopped && Date.now() < until) {
      await this.sleep(Math.min(this.o.probeIntervalMs, until - Date.now()));
      if (this.stopped || Date.now() >= until) return;
      try {
        const res = await this.o.fetch(this.o.cloud + '/healthz', {
          signal: AbortSignal.timeout(Math.min(this.o.requestTimeoutMs, 2000)),
        });
        await res.arrayBuffer();
        if (res.status < 500) {
          this.o.log.info('cloud answers again, resending now', { status: res.status });
          return;
        }
      } catch {
        /* still unreachable */
      }
    }
  }

  /** Forwards a prefix of `head`; throws RetryLater-ish errors when the cloud must be retried. */
  private async forward(head: QueuedCall[]): Promise<void> {
    const first = head[0];
    if (first.kind === 'appointment') {
      const run: QueuedCall[] = [];
      for (const c of head) {
        if (c.kind !== 'appointment') break;
        run.push(c);
      }
      if (run.length > 1) return this.forwardBatch(run);
    } else if (first.kind === 'doctor' || first.kind === 'patient') {
      // consecutive doctor/patient writes for distinct records are independent: send a few at once
      const run: QueuedCall[] = [];
      const seen = new Set<string>();
      for (const c of head) {
        const key = `${c.kind}:${c.entityId}`;
        if ((c.kind !== 'doctor' && c.kind !== 'patient') || seen.has(key) || run.length >= this.o.parallel) break;
        seen.add(key);
        run.push(c);
      }
      if (run.length > 1) return this.forwardParallel(run);
    }
    return this.forwardOne(first);
  }

  /**
   * Sends `run` concurrently, then settles it in queue order: the done prefix is acked, refused
   * calls go to `rejected`, the first retryable failure stops (later calls are resent; they are
   * idempotent).
   */
  private async forwardParallel(run: QueuedCall[]): Promise<void> {
    const outcomes = await Promise.allSettled(
      run.map(async (c) => {
        const { status, text } = await this.call('PUT', c.path, c.body);
        return classify(status, text);
      }),
    );
    let done = -1;
    let count = 0;
    try {
      for (let i = 0; i < run.length; i++) {
        const o = outcomes[i];
        if (o.status === 'rejected') throw o.reason;
        const out = o.value;
        if (out.kind === 'retry') throw new RetryLater(out.error);
        if (out.kind === 'rejected') {
          this.o.store.reject(run[i], out.status, out.error);
          this.o.log.error('cloud rejected a call for good (kept in rejected table)', {
            seq: run[i].seq,
            kind: run[i].kind,
            id: run[i].entityId,
            status: out.status,
            error: out.error.slice(0, 300),
          });
        } else {
          count++;
        }
        done = i;
      }
    } finally {
      if (done >= 0 && count > 0) this.o.store.ackUpTo(run[done].seq, count);
    }
  }

  private async call(method: string, path: string, body: string, items = 1): Promise<{ status: number; text: string }> {
    const res = await this.o.fetch(this.o.cloud + path, {
      method,
      headers: { authorization: `Bearer ${this.o.apiKey}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(this.o.requestTimeoutMs + (items > 1 ? 5 * items : 0)),
    });
    return { status: res.status, text: await res.text() };
  }

  private async forwardOne(c: QueuedCall): Promise<void> {
    const { status, text } = await this.call(c.method, c.path, c.body);
    const out = classify(status, text);
    if (out.kind === 'retry') throw new RetryLater(out.error);
    if (out.kind === 'rejected') {
      this.o.store.reject(c, out.status, out.error);
      this.o.log.error('cloud rejected a call for good (kept in rejected table)', {
        seq: c.seq,
        kind: c.kind,
        id: c.entityId,
        status: out.status,
        error: out.error.slice(0, 300),
      });
    } else {
      this.o.store.ackUpTo(c.seq, 1);
    }
  }

  private async forwardBatch(run: QueuedCall[]): Promise<void> {
    const items = run.map((c) => ({ ...(JSON.parse(c.body) as Record<string, unknown>), appointmentId: c.entityId }));
    const started = Date.now();
    const { status, text } = await this.call(
      'POST',
      '/his/v1/appointments/batch',
      JSON.stringify({ items }),
      items.length,
    );
    if (status === 400 || status === 413 || status === 422) {
      // the batch as a whole was refused: send the items one by one so a bad one is isolated
      this.o.log.warn('batch refused as a whole, forwarding items one by one', {
        status,
        items: run.length,
        error: text.slice(0, 300),
      });
      for (const c of run) await this.forwardOne(c);
      return;
    }
    const whole = classify(status, text);
    if (whole.kind !== 'done') throw new RetryLater(whole.kind === 'retry' ? whole.error : `HTTP ${status}`);
    const results = parseResults(text);
    let acked = 0;
    for (let i = 0; i < run.length; i++) {
      const r = results[i];
      if (!r) throw new RetryLater(`batch answer has ${results.length} results for ${run.length} items`);
      const out = classify(r.status, JSON.stringify(r.body ?? {}));
      if (out.kind === 'retry') {
        if (acked > 0) this.o.store.ackUpTo(run[acked - 1].seq, acked);
        throw new RetryLater(`item ${run[i].entityId}: ${out.error}`);
      }
      if (out.kind === 'rejected') {
        if (acked > 0) this.o.store.ackUpTo(run[acked - 1].seq, acked);
        this.o.store.reject(run[i], out.status, out.error);
        this.o.log.error('cloud rejected an appointment write for good (kept in rejected table)', {
          seq: run[i].seq,
          id: run[i].entityId,
          status: out.status,
          error: out.error.slice(0, 300),
        });
        run.splice(0, i + 1);
        results.splice(0, i + 1);
        i = -1;
        acked = 0;
        continue;
      }
      acked++;
    }
    if (acked > 0) this.o.store.ackUpTo(run[acked - 1].seq, acked);
    this.o.log.info('forwarded appointment batch', {
      items: items.length,
      ms: Date.now() - started,
      backlog: this.o.store.status().backlog,
    });
  }
}

/** A readable error for `status` and the log; an aborted request says which deadline it missed. */
function errorMessage(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
    return `no answer from the cloud within ${timeoutMs} ms (connect or response timeout)`;
  if (err instanceof Error) return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message;
  return String(err);
}

type ItemResult = { status: number; body?: unknown };

/** Reads the per-item results of a batch answer: `{results:[…]}` or `{items:[…]}`, each with a status. */
export function parseResults(text: string): ItemResult[] {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return [];
  }
  const list = Array.isArray(j) ? j : ((j as Record<string, unknown>).results ?? (j as Record<string, unknown>).items);
  if (!Array.isArray(list)) return [];
  return list.map((r: Record<string, unknown>) => {
    const status =
      typeof r.status === 'number'
        ? r.status
        : typeof r.statusCode === 'number'
          ? r.statusCode
          : r.ok === true
            ? 200
            : r.error
              ? 500
              : 200;
    return { status, body: r.error ? { error: r.error } : r };
  });
}
