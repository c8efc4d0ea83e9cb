// Status lights (E1) and their change log. Every change of a light goes through
// `changeStatus` (or, for a value already written by the caller's own UPDATE, through
// `recordStatusChange`): it appends a `status_changes` row — whose serial id is the HIS's
// resync cursor (GET /his/v1/status-changes) — and enqueues the signed outbound webhook to
// the HIS, all inside the caller's transaction, so a light, its log row and its webhook
// either all happen or none do.
//
// Later issues call it like this (inside their own transaction):
//   await db.transaction().execute((trx) => changeStatus(trx, deps, {
//     clinicId, subject: 'patient', subjectId: patient.id, light: 'line', to: 'bound',
//     source: 'patient', actor: { type: 'patient', id: patient.id, label: '病患本人（LINE）' },
//     reason: 'LINE 綁定完成',
//   }));
// It returns the change (with its cursor) or null when the light already had that value.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { patientById, setPatientLineStatus } from '../patients/service.ts';
import { emitWebhookEvent } from '../webhooks/service.ts';
import {
  APPOINTMENT_STATUSES,
  LINE_STATUSES,
  REPLY_STATUSES,
  labelOf,
  type ChangeSource,
  type Light,
  type Subject,
} from './lights.ts';

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

const ALLOWED: Record<Light, readonly string[]> = {
  line: LINE_STATUSES,
  reply: REPLY_STATUSES,
  status: APPOINTMENT_STATUSES,
};
const SUBJECT_OF: Record<Light, Subject> = { line: 'patient', reply: 'appointment', status: 'appointment' };
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

/**
 * Changes one status light: updates the patient's/appointment's column, appends the change
 * log row and enqueues the webhook. Call it inside a transaction (`trx`). Returns null when
 * the light already shows `to` (nothing is written).
 */
export async function changeStatus(trx: Db, deps: Deps, input: StatusChangeInput): Promise<StatusChange | null> {
  if (SUBJECT_OF[input.light] !== input.subject)
    throw new Error(`light ${input.light} does not belong to a ${input.subject}`);
  if (!ALLOWED[input.light].includes(input.to))
    throw errors.validation([{ field: input.light, code: 'enum', message: `不支援的燈號值：${input.to}` }]);
  const now = deps.clock.now().toISOString();
  let from: string | null;
  let hisId: string;
  let patientHisId: string | null;
  if (input.subject === 'patient') {
    const p = await patientById(trx, input.clinicId, input.subjectId);
    if (!p) throw errors.notFound('病患');
    from = p.lineStatus;
    hisId = p.hisId;
    patientHisId = p.hisId;
    if (from === input.to) return null;
    await setPatientLineStatus(trx, input.clinicId, input.subjectId, input.to, now);
  } else {
    const a = await trx
      .selectFrom('appointments')
      .innerJoin('patients', 'patients.id', 'appointments.patient_id')
      .select([
        'appointments.status',
        'appointments.reply_status',
        'appointments.his_id',
        'appointments.version',
        'patients.his_id as patient_his_id',
      ])
      .where('appointments.clinic_id', '=', input.clinicId)
      .where('appointments.id', '=', input.subjectId)
      .executeTakeFirst();
    if (!a) throw errors.notFound('預約');
    from = input.light === 'reply' ? a.reply_status : a.status;
    hisId = a.his_id;
    patientHisId = a.patient_his_id;
    if (from === input.to) return null;
    const patch =
      input.light === 'reply'
        ? { reply_status: input.to, reply_status_at: now, updated_at: now }
        : { status: input.to, updated_at: now };
    await trx
      .updateTable('appointments')
      .set(patch)
      .where('clinic_id', '=', input.clinicId)
      .where('id', '=', input.subjectId)
      .execute();
    if (input.light === 'status') {
      // A status change made outside the HIS (patient in LINE, front desk) is part of the
      // appointment's history too; the HIS's version stays as it was (the HIS owns it).
      await trx
        .insertInto('appointment_history')
        .values({
          clinic_id: input.clinicId,
          appointment_id: input.subjectId,
          version: a.version === null ? null : Number(a.version),
          source: input.source,
          actor_type: input.actor.type,
          actor_id: input.actor.id,
          actor_label: input.actor.label,
          old_status: from,
          new_status: input.to,
          changed_fields: JSON.stringify(['status']),
          created_at: now,
        })
        .execute();
    }
  }
  return recordStatusChange(trx, deps, { ...input, from, subjectHisId: hisId, patientHisId });
}

export type RecordInput = StatusChangeInput & {
  from: string | null;
  subjectHisId: string;
  patientHisId: string | null;
};

/**
 * Appends the change log row and enqueues the webhook for a light the caller has already
 * written (the HIS upsert writes the appointment status with the rest of the row). Changes
 * made by the HIS itself are logged but not echoed back to it as webhooks.
 */
export async function recordStatusChange(trx: Db, deps: Deps, input: RecordInput): Promise<StatusChange> {
  const now = deps.clock.now().toISOString();
  const row = await trx
    .insertInto('status_changes')
    .values({
      clinic_id: input.clinicId,
      subject: input.subject,
      subject_id: input.subjectId,
      subject_his_id: input.subjectHisId,
      patient_his_id: input.patientHisId,
      light: input.light,
      from_value: input.from,
      to_value: input.to,
      source: input.source,
      actor_label: input.actor.label,
      reason: input.reason ?? null,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const change: StatusChange = {
    cursor: encodeCursor(row.id),
    id: row.id,
    subject: input.subject,
    subjectId: input.subjectId,
    light: input.light,
    from: input.from,
    to: input.to,
    source: input.source,
    createdAt: now,
  };
  if (input.source !== 'his') {
    await emitWebhookEvent(trx, deps, {
      clinicId: input.clinicId,
      type: EVENT_TYPE[input.light],
      orderingKey: `${input.subject}:${input.subjectHisId}`,
      data: toApiChange({
        id: row.id,
        subject: input.subject,
        subject_his_id: input.subjectHisId,
        patient_his_id: input.patientHisId,
        light: input.light,
        from_value: input.from,
        to_value: input.to,
        source: input.source,
        reason: input.reason ?? null,
        created_at: now,
      }),
    });
  }
  return change;
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

/** Changes after `afterId`, oldest first (uses the (clinic_id, id) index). */
export async function listStatusChanges(db: Db, clinicId: string, afterId: number, limit: number) {
  const rows = await db
    .selectFrom('status_changes')
    .select([
      'id',
      'subject',
      'subject_his_id',
      'patient_his_id',
      'light',
      'from_value',
      'to_value',
      'source',
      'reason',
      'created_at',
    ])
    .where('clinic_id', '=', clinicId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/**
 * Many `recordStatusChange`s at once (the HIS batch ingest): one multi-row insert, in order,
 * so their cursors follow the order of `inputs`. Changes not made by the HIS still go one by
 * one through `recordStatusChange` (they emit webhooks).
 */
export async function recordStatusChanges(trx: Db, deps: Deps, inputs: RecordInput[]): Promise<void> {
  const now = deps.clock.now().toISOString();
  if (inputs.some((i) => i.source !== 'his')) {
    for (const i of inputs) await recordStatusChange(trx, deps, i);
    return;
  }
  for (let i = 0; i < inputs.length; i += 300) {
    await trx
      .insertInto('status_changes')
      .values(
        inputs.slice(i, i + 300).map((x) => ({
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
        })),
      )
      .execute();
  }
}
