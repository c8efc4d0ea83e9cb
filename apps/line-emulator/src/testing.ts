// Helpers shared by the emulator's tests: a webhook receiver on a free port.
import { createServer, type IncomingMessage, type Server } from 'node:http';

export type Received = {
  headers: IncomingMessage['headers'];
  raw: string;
  body: { destination: string; events: Record<string, unknown>[] };
};

export type Receiver = {
  url: string;
  received: Received[];
  /** status to answer (default 200); a function can vary per call */
  status: number | ((n: number) => number);
  delayMs: number;
  waitFor: (pred: (r: Received[]) => boolean, timeoutMs?: number) => Promise<void>;
  close: () => Promise<void>;
  server: Server;
};

export async function startReceiver(): Promise<Receiver> {
  const rec: Receiver = {
    url: '',
    received: [],
    status: 200,
    delayMs: 0,
    server: undefined as unknown as Server,
    waitFor: async (pred, timeoutMs = 8000) => {
      const until = Date.now() + timeoutMs;
      while (!pred(rec.received)) {
        if (Date.now() > until) throw new Error(`timed out; received ${rec.received.length} deliveries`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise((r) => {
        rec.server.closeAllConnections();
        rec.server.close(() => r());
      }),
  };
  rec.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      rec.received.push({ headers: req.headers, raw, body: JSON.parse(raw || '{}') as Received['body'] });
      const status = typeof rec.status === 'function' ? rec.status(rec.received.length) : rec.status;
      setTimeout(() => {
        res.statusCode = status;
        res.end('{}');
      }, rec.delayMs);
    });
  });
  await new Promise<void>((r) => rec.server.listen(0, '127.0.0.1', () => r()));
  const addr = rec.server.address();
  rec.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/webhook`;
  return rec;
}

export function json(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
