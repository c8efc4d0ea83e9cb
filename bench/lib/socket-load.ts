// A lean closed-loop HTTP/1.1 load generator for servers in another process: `concurrency`
// keep-alive connections, each sending one pre-serialised request, reading the whole
// response, then sending the next. Two clients:
//   - 'socket' (default): raw node:net sockets and a minimal response parser (status line,
//     Content-Length or chunked body). Costs a few µs per request, so on a small machine
//     the server under test, not the client, is what saturates.
//   - 'http': node:http with a keep-alive Agent (maxSockets = concurrency), for comparison.
// Reports requests/s, p50/p95/p99 latency, errors by kind and the generator's own CPU time.
// Progress goes to stderr; nothing here writes to stdout.
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export type SocketLoadOptions = {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  concurrency?: number;
  durationMs?: number;
  /** status counted as success (default 200) */
  okStatus?: number;
  client?: 'socket' | 'http';
  label?: string;
};

export type SocketLoadResult = {
  requests: number;
  rps: number;
  errors: number;
  error_samples: string[];
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  elapsed_ms: number;
  /** CPU time of this (generator) process during the run, per request and as a share of one core */
  client_cpu_us_per_req: number;
  client_cpu_pct: number;
  /** CPU time of this process during the run (µs), to aggregate several runs */
  client_cpu_us: number;
  /** every request's latency in ms, in completion order (to merge several runs) */
  latencies: Float64Array;
};

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Incremental parser of HTTP/1.1 responses on one connection; calls onResponse(status) for each. */
class ResponseParser {
  private buf: Buffer | null = null;
  private onResponse: (status: number) => void;
  constructor(onResponse: (status: number) => void) {
    this.onResponse = onResponse;
  }

  feed(chunk: Buffer): void {
    let b = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const headEnd = b.indexOf(CRLFCRLF);
      if (headEnd < 0) break;
      const head = b.toString('latin1', 0, headEnd);
      const status = Number(head.slice(9, 12));
      const lower = head.toLowerCase();
      let bodyEnd: number;
      const cl = lower.indexOf('\r\ncontent-length:');
      if (cl >= 0) {
        const eol = lower.indexOf('\r\n', cl + 2);
        bodyEnd = headEnd + 4 + Number(lower.slice(cl + 17, eol < 0 ? undefined : eol).trim());
      } else if (lower.includes('\r\ntransfer-encoding: chunked')) {
        bodyEnd = chunkedEnd(b, headEnd + 4);
        if (bodyEnd < 0) break;
      } else {
        bodyEnd = headEnd + 4; // 204/304 or no body
      }
      if (b.length < bodyEnd) break;
      this.onResponse(status);
      b = b.subarray(bodyEnd);
      if (b.length === 0) break;
    }
    this.buf = b.length > 0 ? b : null;
  }
}

/** End offset of a chunked body starting at `from`, or -1 when not complete yet. */
function chunkedEnd(b: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const eol = b.indexOf('\r\n', i);
    if (eol < 0) return -1;
    const size = Number.parseInt(b.toString('latin1', i, eol), 16);
    i = eol + 2 + size + 2;
    if (i > b.length) return -1;
    if (size === 0) return i;
  }
}

export async function runSocketLoad(options: SocketLoadOptions): Promise<SocketLoadResult> {
  const {
    method = 'GET',
    headers = {},
    body,
    concurrency = 64,
    durationMs = 5000,
    okStatus = 200,
    client = 'socket',
  } = options;
  const url = new URL(options.url);
  const label = options.label ?? `${method} ${url.pathname}`;
  const bodyBuf = body === undefined ? undefined : Buffer.from(body);

  const latencies = new Float64Array(Math.max(100_000, Math.ceil(durationMs * 50)));
  let n = 0;
  let errors = 0;
  const samples = new Set<string>();
  const fail = (what: string) => {
    errors++;
    if (samples.size < 5) samples.add(what);
  };

  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const end = started + durationMs;
  const tick = setInterval(() => {
    process.stderr.write(
      `  ${label}: ${n} responses, ${errors} errors (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
    );
  }, 1000);

  if (client === 'socket') {
    const lines = [`${method} ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`, 'connection: keep-alive'];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (bodyBuf) lines.push(`content-length: ${bodyBuf.length}`);
    const request = Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), bodyBuf ?? Buffer.alloc(0)]);
    await Promise.all(
      Array.from(
        { length: concurrency },
        () =>
          new Promise<void>((resolve) => {
            const socket = net.connect({ host: url.hostname, port: Number(url.port), noDelay: true });
            let t0 = 0;
            const send = () => {
              t0 = performance.now();
              socket.write(request);
            };
            const parser = new ResponseParser((status) => {
              const t = performance.now();
              if (n < latencies.length) latencies[n] = t - t0;
              n++;
              if (status !== okStatus) fail(`HTTP ${status}`);
              if (t < end) send();
              else socket.destroy();
            });
            socket.on('connect', send);
            socket.on('data', (chunk) => parser.feed(chunk));
            socket.on('error', (err) => fail(String(err)));
            socket.on('close', () => resolve());
          }),
      ),
    );
  } else {
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const reqHeaders: Record<string, string | number> = { ...headers };
    if (bodyBuf) reqHeaders['content-length'] = bodyBuf.length;
    await Promise.all(
      Array.from(
        { length: concurrency },
        () =>
          new Promise<void>((resolve) => {
            const one = () => {
              const t0 = performance.now();
              const req = http.request(
                {
                  host: url.hostname,
                  port: url.port,
                  path: url.pathname + url.search,
                  method,
                  headers: reqHeaders,
                  agent,
                },
                (res) => {
                  res.on('data', () => undefined);
                  res.on('end', () => {
                    const t = performance.now();
                    if (n < latencies.length) latencies[n] = t - t0;
                    n++;
                    if (res.statusCode !== okStatus) fail(`HTTP ${res.statusCode}`);
                    if (t < end) one();
                    else resolve();
                  });
                },
              );
              req.on('error', (err) => {
                fail(String(err));
                if (performance.now() < end) setTimeout(one, 10);
                else resolve();
              });
              req.end(bodyBuf);
            };
            one();
          }),
      ),
    );
    agent.destroy();
  }

  clearInterval(tick);
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const cpuUs = cpu.user + cpu.system;
  const recorded = latencies.subarray(0, Math.min(n, latencies.length));
  const sorted = Float64Array.from(recorded).sort();
  return {
    requests: n,
    rps: Math.round((n - errors) / (elapsed / 1000)),
    errors,
    error_samples: [...samples],
    p50_ms: round(percentile(sorted, 50)),
    p95_ms: round(percentile(sorted, 95)),
    p99_ms: round(percentile(sorted, 99)),
    elapsed_ms: Math.round(elapsed),
    client_cpu_us_per_req: n ? round(cpuUs / n, 1) : 0,
    client_cpu_pct: Math.round((cpuUs / 1000 / elapsed) * 100),
    client_cpu_us: cpuUs,
    latencies: recorded,
  };
}
