// The local HTTP face of the bridge: the same /his/v1 paths as the cloud, on a local port.
// Writes are committed to the on-disk queue (fsync'd) before the HIS gets 202 {queued, seq};
// reads go to the cloud when it answers and fall back to the last known local copy.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Forwarder } from './forwarder.ts';
import type { Logger } from './log.ts';
import type { BridgeStore, NewCall, QueueKind } from './store.ts';

export type LocalServerOptions = {
  store: BridgeStore;
  forwarder: Forwarder;
  log: Logger;
  cloud: string;
  apiKey: string;
  /** when set, the HIS must send `Authorization: Bearer <localKey>` */
  localKey?: string;
  fetch?: typeof fetch;
  readTimeoutMs?: number;
};

const MAX_BODY = 20 * 1024 * 1024;
const MAX_BATCH = 1000;

class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', '請求內容過大');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseObject(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', '請求內容不是有效的 JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new HttpError(400, 'BAD_REQUEST', '請求內容必須是 JSON 物件');
  return v as Record<string, unknown>;
}

type Detail = { field: string; code: string; message: string };
const STATUSES = ['booked', 'checked_in', 'completed', 'cancelled', 'no_show'];

/**
 * The few checks the bridge can make without the cloud, so the HIS hears about a malformed
 * call at once (422, nothing queued) instead of finding it later in the rejected table. Every
 * other rule (phones, national ids, unknown patients…) is the cloud's, reported by `status`.
 */
export function localCheck(kind: QueueKind, body: Record<string, unknown>): Detail[] {
  const out: Detail[] = [];
  if (kind === 'doctor' || kind === 'patient') {
    if (typeof body.name !== 'string' || body.name.trim() === '')
      out.push({ field: 'name', code: 'required', message: '此欄位為必填' });
  }
  if (kind === 'appointment') {
    if (!Number.isSafeInteger(body.version) || (body.version as number) < 0)
      out.push({ field: 'version', code: 'type', message: 'version 必須是 0 以上的整數，每次修改遞增' });
    if (typeof body.status !== 'string' || !STATUSES.includes(body.status))
      out.push({ field: 'status', code: 'enum', message: `必須是以下其中之一：${STATUSES.join('、')}` });
    for (const f of ['patientId', 'doctorId', 'startsAt']) {
      if (typeof body[f] !== 'string' || body[f] === '')
        out.push({ field: f, code: 'required', message: '此欄位為必填' });
    }
  }
  if (kind === 'queue_event') {
    if (typeof body.eventId !== 'string' || body.eventId === '')
      out.push({ field: 'eventId', code: 'required', message: '此欄位為必填' });
    if (body.type !== 'check_in' && body.type !== 'call')
      out.push({ field: 'type', code: 'enum', message: '必須是以下其中之一：check_in、call' });
    for (const f of ['occurredAt', 'doctorId', 'session']) {
      if (typeof body[f] !== 'string' || body[f] === '')
        out.push({ field: f, code: 'required', message: '此欄位為必填' });
    }
  }
  return out;
}

const invalid = (details: Detail[]) => ({
  error: { code: 'VALIDATION_FAILED', message: '資料格式不正確，請檢查標示的欄位（未寫入佇列）', details },
});

const WRITE_ROUTES: { re: RegExp; kind: QueueKind; prefix: string }[] = [
  { re: /^\/his\/v1\/doctors\/([^/]+)$/, kind: 'doctor', prefix: '/his/v1/doctors/' },
  { re: /^\/his\/v1\/patients\/([^/]+)$/, kind: 'patient', prefix: '/his/v1/patients/' },
  { re: /^\/his\/v1\/appointments\/([^/]+)$/, kind: 'appointment', prefix: '/his/v1/appointments/' },
];

export function createLocalServer(o: LocalServerOptions): Server {
  const doFetch = o.fetch ?? globalThis.fetch;
  const cloud = o.cloud.replace(/\/+$/, '');
  const readTimeoutMs = o.readTimeoutMs ?? 2000;

  const enqueue = (calls: NewCall[]) => {
    const seqs = o.store.enqueue(calls);
    o.forwarder.notify();
    return seqs;
  };

  /** GET from the cloud; null when it cannot be reached or answers 5xx. */
  const cloudGet = async (path: string): Promise<{ status: number; body: unknown } | null> => {
    try {
      const res = await doFetch(cloud + path, {
        headers: { authorization: `Bearer ${o.apiKey}` },
        signal: AbortSignal.timeout(readTimeoutMs),
      });
      if (res.status >= 500 || res.status === 429) return null;
      return { status: res.status, body: await res.json() };
    } catch {
      return null;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://bridge');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (path === '/healthz') return send(res, 200, { ok: true, ...o.store.status() });
    if (o.localKey && req.headers.authorization !== `Bearer ${o.localKey}`) {
      throw new HttpError(401, 'UNAUTHENTICATED', 'API 金鑰錯誤或未提供');
    }

    if (method === 'PUT') {
      for (const r of WRITE_ROUTES) {
        const m = r.re.exec(path);
        if (!m) continue;
        const id = decodeURIComponent(m[1]);
        if (r.kind === 'appointment' && id === 'batch') break;
        const body = parseObject(await readBody(req));
        const bad = localCheck(r.kind, body);
        if (bad.length) return send(res, 422, invalid(bad));
        const [seq] = enqueue([
          { kind: r.kind, entityId: id, path: r.prefix + encodeURIComponent(id), body: JSON.stringify(body) },
        ]);
        return send(res, 202, { queued: true, seq });
      }
      if (path === '/his/v1/webhook') return proxy(req, res, method, path + url.search);
    }

    // Queue events keep their place in the one FIFO (after the appointment write they follow);
    // the cloud is idempotent per eventId and orders them by occurredAt, so a resend after a
    // crash or a late replay is harmless (an old event updates the queue, it notifies no one).
    if (method === 'POST' && path === '/his/v1/queue-events') {
      const body = parseObject(await readBody(req));
      const bad = localCheck('queue_event', body);
      if (bad.length) return send(res, 422, invalid(bad));
      const [seq] = enqueue([
        { kind: 'queue_event', entityId: body.eventId as string, method: 'POST', path, body: JSON.stringify(body) },
      ]);
      return send(res, 202, { queued: true, seq });
    }

    if (method === 'POST' && path === '/his/v1/appointments/batch') {
      const body = parseObject(await readBody(req));
      const items = body.items;
      if (!Array.isArray(items) || items.length === 0)
        throw new HttpError(400, 'BAD_REQUEST', 'items 必須是非空的清單');
      if (items.length > MAX_BATCH) throw new HttpError(400, 'BAD_REQUEST', `一次最多 ${MAX_BATCH} 筆`);
      // like the cloud: one result per item, in order; a bad item does not sink the others
      const results: Record<string, unknown>[] = [];
      const calls: NewCall[] = [];
      items.forEach((it: unknown, i: number) => {
        if (!it || typeof it !== 'object' || Array.isArray(it)) {
          results.push({
            index: i,
            appointmentId: null,
            status: 422,
            ...invalid([{ field: `items.${i}`, code: 'type', message: '格式應為物件' }]),
          });
          return;
        }
        const { appointmentId, ...rest } = it as Record<string, unknown>;
        const bad = localCheck('appointment', rest);
        if (typeof appointmentId !== 'string' || appointmentId === '' || /[\s/?#]/.test(appointmentId))
          bad.unshift({ field: 'appointmentId', code: 'required', message: '此欄位為必填（不可含空白、/、?、#）' });
        if (bad.length) {
          results.push({
            index: i,
            appointmentId: typeof appointmentId === 'string' ? appointmentId : null,
            status: 422,
            ...invalid(bad),
          });
          return;
        }
        results.push({ index: i, appointmentId, status: 202, queued: true, seq: 0 });
        calls.push({
          kind: 'appointment',
          entityId: appointmentId as string,
          path: '/his/v1/appointments/' + encodeURIComponent(appointmentId as string),
          body: JSON.stringify(rest),
        });
      });
      const seqs = calls.length ? enqueue(calls) : [];
      let k = 0;
      for (const r of results) if (r.status === 202) r.seq = seqs[k++];
      return send(res, 202, {
        queued: calls.length > 0,
        seq: seqs.at(-1) ?? null,
        items: results,
        summary: { queued: calls.length, invalid: results.length - calls.length },
      });
    }

    if (method === 'GET' && path === '/bridge/rejected') {
      // the calls the cloud refused for good (400/404/413/422), newest first: the HIS's way to
      // learn about them, since the write itself was answered 202 long before the cloud saw it
      const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
      const items = o.store.rejectedCalls(limit).map((r) => ({
        seq: r.seq,
        kind: r.kind,
        id: r.entityId,
        path: r.path,
        status: r.status,
        error: parseOr(r.error),
        receivedAt: new Date(r.receivedAt).toISOString(),
        rejectedAt: new Date(r.rejectedAt).toISOString(),
      }));
      return send(res, 200, { total: o.store.status().rejected, items });
    }

    if (method === 'GET') {
      let m = /^\/his\/v1\/appointments\/([^/]+)$/.exec(path);
      if (m) {
        const id = decodeURIComponent(m[1]);
        const got = await cloudGet(path);
        if (got && got.status === 200 && got.body && typeof got.body === 'object') {
          o.store.cacheAppointment(id, got.body as Record<string, unknown>);
          return send(res, 200, o.store.getAppointment(id), { 'careline-bridge-source': 'cloud' });
        }
        const local = o.store.getAppointment(id);
        if (local) return send(res, 200, local, { 'careline-bridge-source': 'local' });
        if (got) return send(res, got.status, got.body, { 'careline-bridge-source': 'cloud' });
        throw new HttpError(404, 'NOT_FOUND', '找不到指定的預約（雲端目前無法連線）');
      }
      m = /^\/his\/v1\/patients\/([^/]+)\/status$/.exec(path);
      if (m) {
        const id = decodeURIComponent(m[1]);
        const got = await cloudGet(path);
        if (got && got.status === 200 && got.body && typeof got.body === 'object') {
          o.store.cachePatientStatus(id, got.body as Record<string, unknown>);
          return send(res, 200, got.body, { 'careline-bridge-source': 'cloud' });
        }
        const local = o.store.getPatient(id);
        if (local) return send(res, 200, local, { 'careline-bridge-source': 'local' });
        if (got) return send(res, got.status, got.body, { 'careline-bridge-source': 'cloud' });
        throw new HttpError(404, 'NOT_FOUND', '找不到指定的病患狀態（雲端目前無法連線）');
      }
      if (path === '/his/v1/status-changes') {
        const got = await cloudGet(path + url.search);
        if (got) return send(res, got.status, got.body, { 'careline-bridge-source': 'cloud' });
        const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
        const local = o.store.localStatusChanges(url.searchParams.get('after'), limit);
        if (local) return send(res, 200, local, { 'careline-bridge-source': 'local' });
        throw new HttpError(503, 'CLOUD_UNAVAILABLE', '雲端目前無法連線，且本機沒有此游標之後的紀錄');
      }
    }
    throw new HttpError(404, 'NOT_FOUND', `bridge 不提供 ${method} ${path}`);
  };

  const proxy = async (req: IncomingMessage, res: ServerResponse, method: string, pathAndQuery: string) => {
    const body = await readBody(req);
    try {
      const r = await doFetch(cloud + pathAndQuery, {
        method,
        headers: { authorization: `Bearer ${o.apiKey}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await r.text();
      res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
      res.end(text);
    } catch {
      throw new HttpError(503, 'CLOUD_UNAVAILABLE', '雲端目前無法連線，請稍後再試');
    }
  };

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError)
        return send(res, err.status, { error: { code: err.code, message: err.message, details: [] } });
      o.log.error('local request failed', {
        method: req.method,
        url: req.url,
        error: err instanceof Error ? err.message : String(err),
      });
      if (!res.headersSent)
        send(res, 500, {
          error: { code: 'BRIDGE_ERROR', message: 'bridge 內部錯誤，資料未寫入，請重試', details: [] },
        });
    });
  });
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((res, rej) => {
    server.once('error', rej);
    server.listen(port, host, () => {
      server.off('error', rej);
      res(server.address() as AddressInfo);
    });
  });
}
