// An appointment's two lights that change outside the HIS's own writes: `reply` (the patient's
// answer to a reminder) and `status` (a patient's or the front desk's change). Each change
// writes the appointment's column, an entry in its history that says what changed, and the
// lights feed row (with the webhook to the HIS) — inside the caller's transaction.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { patientsByIds } from '../patients/service.ts';
import { recordStatusChange, recordStatusChanges, type RecordInput, type StatusChange } from '../status/feed.ts';
import { APPOINTMENT_STATUSES, REPLY_STATUSES, type ChangeSource } from '../status/lights.ts';
import { appointmentRepository, type AppointmentRow, type NewHistory } from './repository.ts';

type Db = Kysely<DB> | Transaction<DB>;

export type AppointmentLightChange = {
  clinicId: string;
  /** Internal id of the appointment. */
  appointmentId: string;
  light: 'reply' | 'status';
  to: string;
  source: ChangeSource;
  actor: Actor;
  reason?: string | null;
};

/**
 * Changes one of an appointment's lights. Returns the feed entry, or null when the light
 * already shows `to` (nothing is written). Call it inside a transaction.
 */
export async function changeAppointmentLight(
  trx: Db,
  deps: Deps,
  input: AppointmentLightChange,
): Promise<StatusChange | null> {
  const allowed: readonly string[] = input.light === 'reply' ? REPLY_STATUSES : APPOINTMENT_STATUSES;
  if (!allowed.includes(input.to))
    throw errors.validation([{ field: input.light, code: 'enum', message: `不支援的燈號值：${input.to}` }]);
  const repo = appointmentRepository(trx);
  const a = await repo.byId(input.clinicId, input.appointmentId);
  if (!a) throw errors.notFound('預約');
  const from = input.light === 'reply' ? a.reply_status : a.status;
  if (from === input.to) return null;
  const now = deps.clock.now().toISOString();
  await repo.update(
    input.clinicId,
    a.id,
    input.light === 'reply'
      ? { reply_status: input.to, reply_status_at: now, updated_at: now }
      : { status: input.to, updated_at: now },
  );
  const change = { ...input, from };
  await repo.insertHistory([historyRow(a, change, now)]);
  const [patient] = await patientsByIds(trx, input.clinicId, [a.patient_id]);
  return recordStatusChange(trx, deps, feedEntry(a, change, patient?.hisId ?? null));
}

type Change = Omit<AppointmentLightChange, 'appointmentId'> & { from: string };

/** The history entry of a light change. The HIS's version stays as it was: the HIS owns it. */
const historyRow = (a: AppointmentRow, c: Change, now: string): NewHistory => ({
  clinic_id: c.clinicId,
  appointment_id: a.id,
  version: a.version,
  source: c.source,
  actor_type: c.actor.type,
  actor_id: c.actor.id,
  actor_label: c.actor.label,
  old_status: a.status,
  new_status: c.light === 'status' ? c.to : a.status,
  changed_fields: JSON.stringify([c.light]),
  changes: JSON.stringify([{ field: c.light, from: c.from, to: c.to }]),
  reason: c.reason ?? null,
  created_at: now,
});

/** The lights feed entry of a light change. */
const feedEntry = (a: AppointmentRow, c: Change, patientHisId: string | null): RecordInput => ({
  clinicId: c.clinicId,
  subject: 'appointment',
  subjectId: a.id,
  subjectHisId: a.his_id,
  patientHisId,
  light: c.light,
  from: c.from,
  to: c.to,
  source: c.source,
  actor: c.actor,
  reason: c.reason ?? null,
});

export type Reminded = { clinicId: string; appointmentId: string; what: string; channel: 'line' | 'sms' };

/**
 * Reminders went out — by LINE or by SMS, scheduled or resent by the front desk: appointments
 * that showed 尚未提醒 now show 尚未回覆. The one place that decides this, so the appointment's
 * header, the list, the calendar, the KPI strip and the HIS's `reply` light all say the same as
 * the reminder's own record. An answer the patient already gave stays. A dispatcher's batch at
 * a time: one statement per step, not per reminder (docs/benchmarks.md, reminders).
 */
export async function markReminded(trx: Db, deps: Deps, items: Reminded[]): Promise<void> {
  const now = deps.clock.now().toISOString();
  const actor: Actor = { type: 'system', id: null, label: '看診提醒' };
  const repo = appointmentRepository(trx);
  const changes: RecordInput[] = [];
  for (const clinicId of new Set(items.map((i) => i.clinicId))) {
    const first = new Map<string, Reminded>();
    for (const i of items) if (i.clinicId === clinicId && !first.has(i.appointmentId)) first.set(i.appointmentId, i);
    const waiting = (await repo.byIds(clinicId, [...first.keys()])).filter((a) => a.reply_status === 'not_sent');
    if (!waiting.length) continue;
    const changed = new Set(
      await repo.setReplyStatus(
        clinicId,
        waiting.map((a) => a.id),
        'not_sent',
        'awaiting_reply',
        now,
      ),
    );
    const rows = waiting.filter((a) => changed.has(a.id));
    const changeOf = (a: AppointmentRow): Change => {
      const i = first.get(a.id)!;
      const reason = `已送出「${i.what}」（${i.channel === 'sms' ? '簡訊' : 'LINE'}）`;
      return { clinicId, light: 'reply', from: 'not_sent', to: 'awaiting_reply', source: 'system', actor, reason };
    };
    await repo.insertHistory(rows.map((a) => historyRow(a, changeOf(a), now)));
    const patients = await patientsByIds(trx, clinicId, [...new Set(rows.map((a) => a.patient_id))]);
    const hisIdOf = new Map(patients.map((p) => [p.id, p.hisId]));
    for (const a of rows) changes.push(feedEntry(a, changeOf(a), hisIdOf.get(a.patient_id) ?? null));
  }
  await recordStatusChanges(trx, deps, changes);
}
