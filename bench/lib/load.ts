// Shared helpers for benchmarks: a closed-loop HTTP load generator and a bare Fastify
// baseline server. Progress goes to stderr; nothing here writes to stdout.
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';

/** What a benchmark module's default export resolves to (docs/contracts.md "Benchmark result line"). */
export type BenchResult = {
  bench?: string;
  metric: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  [key: string]: unknown;
};

export type LoadOptions = {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** Request body for the i-th request: a string is sent as is, anything else as JSON (undefined: no body). */
  body?: (i: number) => unknown;
  /** Requests in flight at once (= keep-alive connections). Default 64. */
  concurrency?: number;
  /** Measured duration. Default 5,000 ms. */
  durationMs?: number;
  /** Unmeasured warm-up before the measured run (JIT, connection set-up). Default 500 ms. */
  warmupMs?: number;
  /** Status codes that count as success. Default: any 2xx. */
  ok?: (status: number) => boolean;
  /** Label for progress lines on stderr. */
  label?: string;
};

export type LoadResult = {
  requests: number;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  errors: number;
  /** Up to 5 distinct error descriptions, to make a failing run debuggable. */
  error_samples: string[];
};

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

/**
 * Closed-loop load: `concurrency` workers each send one request, wait for the full response,
 * and send the next, until the duration is over. Uses Node's fetch (undici); its global
 * dispatcher is a keep-alive Agent without a per-origin connection cap, so each worker
 * keeps reusing one connection.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const {
    url,
    method = 'GET',
    headers = {},
    body,
    concurrency = 64,
    durationMs = 5_000,
    warmupMs = 500,
    ok = (s: number) => s >= 200 && s < 300,
    label = `${method} ${url}`,
  } = options;

  let counter = 0;
  const buildInit = (): RequestInit => {
    const i = counter++;
    const init: RequestInit = { method, headers: { ...headers } };
    if (body) {
      const b = body(i);
      if (typeof b === 'string') {
        init.body = b;
      } else if (b !== undefined) {
        init.body = JSON.stringify(b);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
    }
    return init;
  };

  const phase = async (ms: number, record: boolean) => {
    const latencies: number[] = [];
    let errors = 0;
    const samples = new Set<string>();
    const end = performance.now() + ms;
    const worker = async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          const res = await fetch(url, buildInit());
          await res.arrayBuffer();
          if (!ok(res.status)) {
            errors++;
            if (samples.size < 5) samples.add(`HTTP ${res.status}`);
          }
        } catch (err) {
          errors++;
          if (samples.size < 5) samples.add(String((err as Error)?.cause ?? err));
        }
        if (record) latencies.push(performance.now() - t0);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { latencies, errors, samples: [...samples], elapsed: performance.now() - started };
  };

  if (warmupMs > 0) {
    process.stderr.write(`[load] ${label}: warm-up ${warmupMs} ms, concurrency ${concurrency}\n`);
    await phase(warmupMs, false);
  }
  process.stderr.write(`[load] ${label}: measuring ${durationMs} ms, concurrency ${concurrency}\n`);
  const { latencies, errors, samples, elapsed } = await phase(durationMs, true);
  const sorted = Float64Array.from(latencies).sort();
  const result: LoadResult = {
    requests: latencies.length,
    rps: round(latencies.length / (elapsed / 1000), 1),
    p50_ms: round(percentile(sorted, 50)),
    p95_ms: round(percentile(sorted, 95)),
    p99_ms: round(percentile(sorted, 99)),
    errors,
    error_samples: samples,
  };
  process.stderr.write(
    `[load] ${label}: ${result.requests} requests, ${result.rps} req/s, p50 ${result.p50_ms} ms, ` +
      `p95 ${result.p95_ms} ms, p99 ${result.p99_ms} ms, ${errors} errors\n`,
  );
  return result;
}

/** A hello-world Fastify server on a free 127.0.0.1 port: the baseline for ratio benchmarks. */
export async function startBareFastify(): Promise<{ url: string; close: () => Promise<void> }> {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      await app.close();
    },
  };
}
