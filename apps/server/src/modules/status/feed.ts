// The lights feed: every change of a light (a patient's `line`, an appointment's `reply` and
// `status`) appends a status_changes row — whose serial id is the HIS's resync cursor
// (GET /his/v1/status-changes) — and, unless the HIS made the change itself, enqueues the
// signed webhook to the HIS, all inside the caller's transaction: a light, its log row and its
// webhook either all happen or none do. The light's own column belongs to its owner (the
// appointment or the patient), which writes it and then records the change here.
import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from '../../db/connection.ts';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { emitWebhookEvent, emitWebhookEvents } from '../webhooks/service.ts';
import { labelOf, type ChangeSource, type Light, type Subject } from './lights.ts';
import { statusChangeRepository } from './repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type StatusChangeInput = {
  clinicId: string;
  subject: Subject;
  /** Internal id of the patient or appointment. */
  subjectId: string;
  light: Light;
  to: string;
  source: ChangeSource;
  actor: Actor;
  reason?: string | null;
};

export type StatusChange = {
  cursor: string;
  id: number;
  subject: Subject;
  subjectId: string;
  light: Light;
  from: string | null;
  to: string;
  source: ChangeSource;
  createdAt: string;
};

export type RecordInput = StatusChangeInput & {
  from: string | null;
  subjectHisId: string;
  patientHisId: string | null;
};

const EVENT_TYPE: Record<Light, string> = {
  line: 'patient.line_status_changed',
  reply: 'appointment.reply_changed',
  status: 'appointment.status_changed',
};

/** Cursors are opaque to the HIS: the serial id in base 36 behind a version prefix. */
export const encodeCursor = (id: number): string => `c1_${id.toString(36)}`;
export function decodeCursor(cursor: string): number | null {
  const m = /^c1_([0-9a-z]{1,12})$/.exec(cursor);
  if (!m) return null;
  const n = parseInt(m[1], 36);
  return Number.isSafeInteger(n) ? n : null;
}

const rowOf = (x: RecordInput, now: string) => ({
  clinic_id: x.clinicId,
  subject: x.subject,
  subject_id: x.subjectId,
  subject_his_id: x.subjectHisId,
  patient_his_id: x.patientHisId,
  light: x.light,
  from_value: x.from,
  to_value: x.to,
  source: x.source,
  actor_label: x.actor.label,
  reason: x.reason ?? null,
  created_at: now,
});

/** The webhook to the HIS for a change: its feed entry, ordered per patient or appointment. */
const webhookOf = (x: RecordInput, id: number, now: string) => ({
  clinicId: x.clinicId,
  type: EVENT_TYPE[x.light],
  orderingKey: `${x.subject}:${x.subjectHisId}`,
  data: toApiChange({ id, ...rowOf(x, now) }),
});

/**
 * Appends the change log row and enqueues the webhook for a light its owner has already
 * written. Changes made by the HIS itself are logged but not echoed back to it as webhooks.
 */
export async function recordStatusChange(trx: Db, deps: Deps, input: RecordInput): Promise<StatusChange> {
  const now = deps.clock.now().toISOString();
  const id = await statusChangeRepository(trx, deps.dialect).insert(rowOf(input, now));
  if (input.source !== 'his') {
    await emitWebhookEvent(trx, deps, webhookOf(input, id, now));
  }
  return {
    cursor: encodeCursor(id),
    id,
    subject: input.subject,
    subjectId: input.subjectId,
    light: input.light,
    from: input.from,
    to: input.to,
    source: input.source,
    createdAt: now,
  };
}

/**
 * Many `recordStatusChange`s at once (the HIS batch ingest, a batch of reminders sent): multi-row
 * inserts, in order, so their cursors follow the order of `inputs`; the changes not made by the
 * HIS get their webhooks in one go.
 */
export async function recordStatusChanges(trx: Db, deps: Deps, inputs: RecordInput[]): Promise<void> {
  if (!inputs.length) return;
  const now = deps.clock.now().toISOString();
  const repo = statusChangeRepository(trx, deps.dialect);
  const rows = inputs.map((x) => rowOf(x, now));
  if (inputs.every((i) => i.source === 'his')) {
    await repo.insertMany(rows);
    return;
  }
  const ids = await repo.insertManyReturningIds(rows);
  await emitWebhookEvents(
    trx,
    deps,
    inputs.flatMap((x, i) => (x.source === 'his' ? [] : [webhookOf(x, ids[i], now)])),
  );
}

export type StatusChangeRow = {
  id: number;
  subject: string;
  subject_his_id: string;
  patient_his_id: string | null;
  light: string;
  from_value: string | null;
  to_value: string;
  source: string;
  reason: string | null;
  created_at: string;
};

/** The public shape of one change (GET status-changes items and webhook `data`). */
export function toApiChange(r: StatusChangeRow) {
  const l = r.light as Light;
  return {
    cursor: encodeCursor(r.id),
    subject: r.subject as Subject,
    ...(r.subject === 'appointment' ? { appointmentId: r.subject_his_id } : {}),
    patientId: r.patient_his_id,
    light: l,
    from: r.from_value === null ? null : { code: r.from_value, label: labelOf(l, r.from_value)! },
    to: { code: r.to_value, label: labelOf(l, r.to_value)! },
    source: r.source,
    reason: r.reason,
    changedAt: r.created_at,
  };
}

/**
 * Changes after `afterId`, oldest first — only rows no transaction in flight can still precede
 * (repository.ts `settledUpTo`). While a writer of the clinic's feed is in flight the read waits
 * for it, checking every 20 ms; a writer longer than `maxWaitMs` (a big HIS batch) answers 503
 * STATUS_FEED_BUSY with Retry-After.
 */
export async function listStatusChanges(
  db: Db,
  dialect: Dialect,
  clinicId: string,
  afterId: number,
  limit: number,
  maxWaitMs = 3000,
) {
  const repo = statusChangeRepository(db, dialect);
  const started = performance.now();
  let upTo = await repo.settledUpTo(clinicId);
  while (upTo === null) {
    if (performance.now() - started >= maxWaitMs)
      throw errors.unavailable('STATUS_FEED_BUSY', '燈號變更正在寫入中，請稍候 1 秒再試', 1);
    await new Promise((r) => setTimeout(r, 20));
    upTo = await repo.settledUpTo(clinicId);
  }
  const rows = await repo.after(clinicId, afterId, upTo, limit);
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
