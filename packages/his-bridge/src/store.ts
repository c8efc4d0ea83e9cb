// The bridge's durable state: one SQLite file (node:sqlite, WAL, synchronous=FULL) under the
// data directory. Every accepted HIS write is a row in `queue` (committed, so fsync'd, before
// the HIS gets its 202); the forwarder deletes rows only after the cloud has taken them.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

export type QueueKind = 'doctor' | 'patient' | 'appointment' | 'webhook' | 'queue_event';

export type QueuedCall = {
  seq: number;
  kind: QueueKind;
  /** the HIS id of the doctor, patient or appointment (a queue event's eventId) */
  entityId: string;
  /** PUT for the upserts; POST for queue events */
  method: 'PUT' | 'POST';
  path: string;
  body: string;
  receivedAt: number;
};

export type NewCall = { kind: QueueKind; entityId: string; path: string; body: string; method?: 'PUT' | 'POST' };

export type RejectedCall = QueuedCall & { status: number; error: string; rejectedAt: number };

export type BridgeStatus = {
  backlog: number;
  oldestQueuedAt: number | null;
  nextSeq: number | null;
  forwardedTotal: number;
  lastForwardOkAt: number | null;
  lastForwardError: string | null;
  lastForwardErrorAt: number | null;
  /** first failure of the current run of failures; null once the cloud took a call again */
  forwardFailingSince: number | null;
  rejected: number;
  statusCursor: string | null;
  lastStatusPullAt: number | null;
  lastStatusPullError: string | null;
  cachedAppointments: number;
  cachedPatients: number;
  heartbeatAt: number | null;
  pid: number | null;
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS queue (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS rejected (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  status INTEGER NOT NULL,
  error TEXT NOT NULL,
  rejected_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
-- last known state, served to the HIS while the cloud is unreachable
CREATE TABLE IF NOT EXISTS appointments (
  appointment_id TEXT PRIMARY KEY, json TEXT NOT NULL, updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS patients (patient_id TEXT PRIMARY KEY, json TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS status_changes (id INTEGER PRIMARY KEY AUTOINCREMENT, cursor TEXT, json TEXT NOT NULL);
`;

type Row = Record<string, unknown>;

/** The cloud's light for a patient without a LINE binding (code and zh-TW label). */
const UNBOUND = { code: 'unbound', label: 'LINE未綁定' };

function toCall(r: Row): QueuedCall {
  return {
    seq: Number(r.seq),
    kind: r.kind as QueueKind,
    entityId: String(r.entity_id),
    method: r.method === 'POST' ? 'POST' : 'PUT',
    path: String(r.path),
    body: String(r.body),
    receivedAt: Number(r.received_at),
  };
}

export class BridgeStore {
  readonly file: string;
  readonly db: DatabaseSync;
  private readonly st: Record<string, StatementSync>;

  constructor(dataDir: string, opts: { readOnly?: boolean } = {}) {
    const dir = resolve(dataDir);
    if (!opts.readOnly) mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'bridge.db');
    this.db = new DatabaseSync(this.file, { readOnly: opts.readOnly ?? false });
    if (!opts.readOnly) {
      this.db.exec('PRAGMA journal_mode=WAL');
      this.db.exec('PRAGMA synchronous=FULL');
      this.db.exec(SCHEMA);
    }
    this.db.exec('PRAGMA busy_timeout=5000');
    const p = (sql: string) => this.db.prepare(sql);
    this.st = opts.readOnly
      ? {}
      : {
          enqueue: p('INSERT INTO queue (kind, entity_id, method, path, body, received_at) VALUES (?, ?, ?, ?, ?, ?)'),
          peek: p('SELECT * FROM queue ORDER BY seq LIMIT ?'),
          deleteUpTo: p('DELETE FROM queue WHERE seq <= ?'),
          deleteOne: p('DELETE FROM queue WHERE seq = ?'),
          reject: p(
            'INSERT OR REPLACE INTO rejected (seq, kind, entity_id, method, path, body, received_at, status, ' +
              'error, rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          ),
          getMeta: p('SELECT value FROM meta WHERE key = ?'),
          setMeta: p(
            'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
          ),
          getAppt: p('SELECT json FROM appointments WHERE appointment_id = ?'),
          putAppt: p(
            'INSERT INTO appointments (appointment_id, json, updated_at) VALUES (?, ?, ?) ' +
              'ON CONFLICT(appointment_id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at',
          ),
          getPatient: p('SELECT json FROM patients WHERE patient_id = ?'),
          putPatient: p(
            'INSERT INTO patients (patient_id, json, updated_at) VALUES (?, ?, ?) ' +
              'ON CONFLICT(patient_id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at',
          ),
          addChange: p('INSERT INTO status_changes (cursor, json) VALUES (?, ?)'),
        };
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private tx<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /** Appends calls in one transaction (one fsync) and returns their sequence numbers. */
  enqueue(calls: NewCall[], now = Date.now()): number[] {
    return this.tx(() =>
      calls.map((c) => {
        const r = this.st.enqueue.run(c.kind, c.entityId, c.method ?? 'PUT', c.path, c.body, now);
        if (c.kind === 'appointment') this.rememberWrittenAppointment(c.entityId, c.body, now);
        if (c.kind === 'patient') this.rememberWrittenPatient(c.entityId, now);
        return Number(r.lastInsertRowid);
      }),
    );
  }

  /** Keeps the newest version the HIS wrote, so offline reads show it. */
  private rememberWrittenAppointment(id: string, body: string, now: number): void {
    let written: Row;
    try {
      written = JSON.parse(body) as Row;
    } catch {
      return;
    }
    const prev = this.getAppointment(id);
    if (
      prev &&
      typeof prev.version === 'number' &&
      typeof written.version === 'number' &&
      prev.version > written.version
    )
      return;
    const merged: Row = { ...prev, ...written, appointmentId: id };
    this.st.putAppt.run(id, JSON.stringify(merged), now);
  }

  /**
   * A patient the bridge has no lights for yet: the cloud starts every new patient unbound
   * (docs/contracts.md "HIS Open API v1", GET patients/{id}/status), and a bound or blocked
   * patient reaches the local copy through the status pull. So while offline the HIS reads
   * `unbound` for a patient it has just written, as it reads its own appointment writes.
   */
  private rememberWrittenPatient(id: string, now: number): void {
    if (this.getPatient(id)) return;
    this.st.putPatient.run(
      id,
      JSON.stringify({ patientId: id, lights: { line: UNBOUND }, lineStatusChangedAt: null }),
      now,
    );
  }

  peek(limit: number): QueuedCall[] {
    return (this.st.peek.all(limit) as Row[]).map(toCall);
  }

  /** Marks everything up to `seq` as forwarded and records the success. */
  ackUpTo(seq: number, count: number, now = Date.now()): void {
    this.tx(() => {
      this.st.deleteUpTo.run(seq);
      this.st.setMeta.run('last_forward_ok_at', String(now));
      this.st.setMeta.run('forward_failing_since', '');
      this.st.setMeta.run('forwarded_total', String(this.metaNumber('forwarded_total') + count));
    });
  }

  /** Moves a call the cloud refused for good (4xx) to `rejected`, keeping its error for the operator. */
  reject(call: QueuedCall, status: number, error: string, now = Date.now()): void {
    this.tx(() => {
      this.st.reject.run(
        call.seq,
        call.kind,
        call.entityId,
        call.method,
        call.path,
        call.body,
        call.receivedAt,
        status,
        error,
        now,
      );
      this.st.deleteOne.run(call.seq);
      // the cloud answered (with a refusal): forwarding itself works
      this.st.setMeta.run('forward_failing_since', '');
    });
  }

  recordForwardError(message: string, now = Date.now()): void {
    this.tx(() => {
      this.st.setMeta.run('last_forward_error', message);
      this.st.setMeta.run('last_forward_error_at', String(now));
      if (!this.getMeta('forward_failing_since')) this.st.setMeta.run('forward_failing_since', String(now));
    });
  }

  getMeta(key: string): string | null {
    const r = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
    return r ? (r.value as string | null) : null;
  }

  setMeta(key: string, value: string): void {
    this.st.setMeta.run(key, value);
  }

  private metaNumber(key: string): number {
    const v = this.getMeta(key);
    return v === null ? 0 : Number(v);
  }

  getAppointment(id: string): Row | null {
    const r = (this.st.getAppt ?? this.db.prepare('SELECT json FROM appointments WHERE appointment_id = ?')).get(id) as
      Row | undefined;
    return r ? (JSON.parse(String(r.json)) as Row) : null;
  }

  /** Stores what the cloud answered for an appointment (it wins over older local copies). */
  cacheAppointment(id: string, cloud: Row, now = Date.now()): void {
    const prev = this.getAppointment(id);
    // a newer version still in the queue stays visible; the lights come from the cloud
    const merged =
      prev && typeof prev.version === 'number' && typeof cloud.version === 'number' && prev.version > cloud.version
        ? { ...cloud, ...prev, lights: cloud.lights ?? prev.lights, reply: cloud.reply ?? prev.reply }
        : { ...prev, ...cloud };
    this.st.putAppt.run(id, JSON.stringify(merged), now);
  }

  /** A patient's LINE light shows on each of their appointments too. */
  setPatientLineOnAppointments(patientId: string, line: unknown, now = Date.now()): void {
    this.db
      .prepare(
        "UPDATE appointments SET json = json_set(json, '$.lights.line', json(?)), updated_at = ? " +
          "WHERE json_extract(json, '$.patientId') = ?",
      )
      .run(JSON.stringify(line), now, patientId);
  }

  getPatient(id: string): Row | null {
    const r = (this.st.getPatient ?? this.db.prepare('SELECT json FROM patients WHERE patient_id = ?')).get(id) as
      Row | undefined;
    return r ? (JSON.parse(String(r.json)) as Row) : null;
  }

  cachePatientStatus(id: string, status: Row, now = Date.now()): void {
    this.st.putPatient.run(id, JSON.stringify({ ...this.getPatient(id), ...status }), now);
  }

  /** Applies one page of status changes from the cloud and moves the cursor, atomically. */
  applyStatusChanges(items: Row[], nextCursor: string | null, now = Date.now()): void {
    this.tx(() => {
      for (const item of items) {
        this.st.addChange.run(item.cursor === undefined ? null : String(item.cursor), JSON.stringify(item));
        applyChange(this, item, now);
      }
      // keep the newest 100,000 changes for local resync reads
      if (items.length)
        this.db.prepare('DELETE FROM status_changes WHERE id <= (SELECT max(id) FROM status_changes) - 100000').run();
      if (nextCursor !== null) this.st.setMeta.run('status_cursor', nextCursor);
      this.st.setMeta.run('last_status_pull_at', String(now));
      this.st.setMeta.run('last_status_pull_error', '');
    });
  }

  /** Status changes stored locally after `cursor` (for a resync while the cloud is down). */
  localStatusChanges(after: string | null, limit: number): { items: Row[]; nextCursor: string | null } | null {
    let fromId = 0;
    if (after) {
      const r = this.db
        .prepare('SELECT id FROM status_changes WHERE cursor = ? ORDER BY id DESC LIMIT 1')
        .get(after) as Row | undefined;
      if (!r) return null;
      fromId = Number(r.id);
    }
    const rows = this.db
      .prepare('SELECT json FROM status_changes WHERE id > ? ORDER BY id LIMIT ?')
      .all(fromId, limit) as Row[];
    const items = rows.map((r) => JSON.parse(String(r.json)) as Row);
    const last = items.at(-1);
    return { items, nextCursor: last && last.cursor !== undefined ? String(last.cursor) : (after ?? null) };
  }

  status(): BridgeStatus {
    const q = this.db
      .prepare('SELECT count(*) AS n, min(received_at) AS oldest, min(seq) AS next FROM queue')
      .get() as Row;
    const n = (sql: string) => Number((this.db.prepare(sql).get() as Row).n);
    const num = (k: string) => {
      const v = this.getMeta(k);
      return v === null || v === '' ? null : Number(v);
    };
    const str = (k: string) => {
      const v = this.getMeta(k);
      return v === null || v === '' ? null : v;
    };
    return {
      backlog: Number(q.n),
      oldestQueuedAt: q.oldest === null ? null : Number(q.oldest),
      nextSeq: q.next === null ? null : Number(q.next),
      forwardedTotal: num('forwarded_total') ?? 0,
      lastForwardOkAt: num('last_forward_ok_at'),
      lastForwardError: str('last_forward_error'),
      lastForwardErrorAt: num('last_forward_error_at'),
      forwardFailingSince: num('forward_failing_since'),
      rejected: n('SELECT count(*) AS n FROM rejected'),
      statusCursor: str('status_cursor'),
      lastStatusPullAt: num('last_status_pull_at'),
      lastStatusPullError: str('last_status_pull_error'),
      cachedAppointments: n('SELECT count(*) AS n FROM appointments'),
      cachedPatients: n('SELECT count(*) AS n FROM patients'),
      heartbeatAt: num('heartbeat_at'),
      pid: num('pid'),
    };
  }

  rejectedCalls(limit = 20): RejectedCall[] {
    const rows = this.db.prepare('SELECT * FROM rejected ORDER BY seq DESC LIMIT ?').all(limit) as Row[];
    return rows.map((r) => ({
      ...toCall(r),
      status: Number(r.status),
      error: String(r.error),
      rejectedAt: Number(r.rejected_at),
    }));
  }
}

/**
 * Folds one status change into the local copies, in the cloud's shapes: an item names the
 * light (`line` of a patient, `reply`/`status` of an appointment), the HIS ids it concerns
 * and the new value `to` = {code, label}.
 */
function applyChange(store: BridgeStore, item: Row, now: number): void {
  const light = typeof item.light === 'string' ? item.light : null;
  const to = item.to ?? null;
  const patientId = typeof item.patientId === 'string' ? item.patientId : null;
  const appointmentId = typeof item.appointmentId === 'string' ? item.appointmentId : null;
  if (light === 'line' && patientId) {
    const prev = store.getPatient(patientId);
    store.cachePatientStatus(
      patientId,
      {
        patientId,
        lights: { ...(prev?.lights as Row | undefined), line: to },
        lineStatusChangedAt: item.changedAt ?? null,
      },
      now,
    );
    store.setPatientLineOnAppointments(patientId, to, now);
    return;
  }
  if (light === 'reply' && appointmentId) {
    const prev = store.getAppointment(appointmentId) ?? { appointmentId, patientId };
    store.cacheAppointment(appointmentId, { ...prev, lights: { ...(prev.lights as Row | undefined), reply: to } }, now);
  }
  // `status` changes are the HIS's own writes (or the desk's): the HIS knows them, and the
  // next cloud read refreshes the local copy.
}
