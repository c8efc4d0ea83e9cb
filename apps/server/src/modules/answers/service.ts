// A patient's answer to an appointment (confirm / ask to cancel / ask to reschedule), from the
// LIFF "my appointments" page now and from the reminder buttons later: one set of rules.
// Only upcoming, booked appointments of patients bound to that LINE user (when a LINE user
// answers); after the visit started, when cancelled, or the same answer again → a polite
// 409 that changes nothing. An accepted answer changes the reply light (changeStatus also
// notifies the HIS), adds a history entry, a front-desk task for cancel/reschedule requests,
// an audit entry, and an acknowledgement pushed on LINE.
import type { messagingApi } from '@line/bot-sdk';
import type { Actor } from '../../platform/audit.ts';
import { recordAudit } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { labelOf, type ReplyStatus } from '../status/lights.ts';
import { changeStatus } from '../status/service.ts';
import { queuePush } from '../binding/push.ts';

export type Answer = 'confirm' | 'cancel' | 'reschedule';
export type AnswerInput = {
  clinicId: string;
  appointmentId: string;
  lineUserId: string | null;
  answer: Answer;
  reason?: string;
  preferredTimes?: string[];
  note?: string;
  source: 'liff' | 'reminder';
  /** Push an acknowledgement on LINE (default true when a LINE user answered). */
  acknowledge?: boolean;
  ip?: string;
};

const TARGET: Record<Answer, ReplyStatus> = {
  confirm: 'confirmed',
  cancel: 'cancel_requested',
  reschedule: 'reschedule_requested',
};
const TASK_KIND: Partial<Record<Answer, string>> = { cancel: 'cancel_request', reschedule: 'reschedule_request' };
const FINISHED = new Set(['checked_in', 'completed', 'no_show']);

export type AppointmentView = {
  id: string;
  startsAt: string;
  dateLabel: string;
  doctorName: string;
  visitType: string | null;
  status: string;
  statusLabel: string;
  reply: string;
  replyLabel: string;
  canConfirm: boolean;
  canCancel: boolean;
  canReschedule: boolean;
};

/** 「11月27日（五）14:30」 in the clinic's time zone (the year is shown when not this year). */
export function dateLabel(iso: string, timeZone: string, now: Date): string {
  const parts = (d: Date) =>
    Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(d)
        .map((p) => [p.type, p.value]),
    );
  const p = parts(new Date(iso));
  const y = parts(now).year;
  const wd: Record<string, string> = { Sun: '日', Mon: '一', Tue: '二', Wed: '三', Thu: '四', Fri: '五', Sat: '六' };
  return `${p.year !== y ? `${p.year}年` : ''}${p.month}月${p.day}日（${wd[p.weekday]}）${p.hour}:${p.minute}`;
}

type Row = {
  id: string;
  starts_at: string;
  status: string;
  reply_status: string;
  visit_type: string | null;
  doctor_name: string;
};

export function toAppointmentView(r: Row, timeZone: string, now: Date): AppointmentView {
  const open = r.status === 'booked' && r.starts_at > now.toISOString();
  return {
    id: r.id,
    startsAt: r.starts_at,
    dateLabel: dateLabel(r.starts_at, timeZone, now),
    doctorName: r.doctor_name,
    visitType: r.visit_type,
    status: r.status,
    statusLabel: labelOf('status', r.status) ?? r.status,
    reply: r.reply_status,
    replyLabel: labelOf('reply', r.reply_status) ?? r.reply_status,
    canConfirm: open && r.reply_status !== 'confirmed',
    canCancel: open && r.reply_status !== 'cancel_requested',
    canReschedule: open && r.reply_status !== 'reschedule_requested',
  };
}

export async function loadAppointmentView(
  deps: Deps,
  clinicId: string,
  appointmentId: string,
): Promise<AppointmentView | null> {
  const r = await deps.db
    .selectFrom('appointments')
    .innerJoin('doctors', 'doctors.id', 'appointments.doctor_id')
    .innerJoin('clinics', 'clinics.id', 'appointments.clinic_id')
    .select([
      'appointments.id',
      'appointments.starts_at',
      'appointments.status',
      'appointments.reply_status',
      'appointments.visit_type',
      'doctors.name as doctor_name',
      'clinics.time_zone',
    ])
    .where('appointments.clinic_id', '=', clinicId)
    .where('appointments.id', '=', appointmentId)
    .executeTakeFirst();
  return r ? toAppointmentView(r, r.time_zone, deps.clock.now()) : null;
}

export async function answerAppointment(deps: Deps, input: AnswerInput): Promise<AppointmentView> {
  const db = deps.db;
  const now = deps.clock.now();
  const a = await db
    .selectFrom('appointments')
    .innerJoin('patients', 'patients.id', 'appointments.patient_id')
    .innerJoin('doctors', 'doctors.id', 'appointments.doctor_id')
    .innerJoin('clinics', 'clinics.id', 'appointments.clinic_id')
    .select([
      'appointments.id',
      'appointments.patient_id',
      'appointments.starts_at',
      'appointments.status',
      'appointments.reply_status',
      'appointments.visit_type',
      'patients.name as patient_name',
      'doctors.name as doctor_name',
      'clinics.time_zone',
      'clinics.name as clinic_name',
      'clinics.phone as clinic_phone',
    ])
    .where('appointments.clinic_id', '=', input.clinicId)
    .where('appointments.id', '=', input.appointmentId)
    .executeTakeFirst();
  const notFound = new AppError('APPOINTMENT_NOT_FOUND', 404, '找不到這筆預約，可能已被診所更新，請重新整理頁面');
  if (!a) throw notFound;
  if (input.lineUserId) {
    const b = await db
      .selectFrom('line_bindings')
      .select('patient_id')
      .where('clinic_id', '=', input.clinicId)
      .where('line_user_id', '=', input.lineUserId)
      .where('patient_id', '=', a.patient_id)
      .executeTakeFirst();
    if (!b) throw notFound;
  }
  const when = dateLabel(a.starts_at, a.time_zone, now);
  if (a.status === 'cancelled')
    throw new AppError(
      'APPOINTMENT_CANCELLED',
      409,
      `${when}的預約已經取消了，不需要再回覆；如需重新預約請聯絡診所${a.clinic_phone ? `（${a.clinic_phone}）` : ''}。`,
    );
  if (FINISHED.has(a.status) || a.starts_at <= now.toISOString())
    throw new AppError(
      'APPOINTMENT_PAST',
      409,
      `${when}的看診時間已經開始或已過，無法再變更；如有需要請直接聯絡診所${a.clinic_phone ? `（${a.clinic_phone}）` : ''}。`,
    );
  const target = TARGET[input.answer];
  if (a.reply_status === target) {
    const msg: Record<Answer, string> = {
      confirm: `您已經確認會準時赴約（${when}），不需要再次確認，謝謝您！`,
      cancel: `您已經提出取消的請求（${when}），櫃台會盡快處理，不需要再次送出。`,
      reschedule: `您已經提出改期的請求（${when}），櫃台會盡快與您聯絡，不需要再次送出。`,
    };
    throw new AppError('ALREADY_ANSWERED', 409, msg[input.answer]);
  }
  const actor: Actor = input.lineUserId
    ? { type: 'patient', id: input.lineUserId, label: `病患（LINE，${a.patient_name}）` }
    : { type: 'system', id: null, label: `病患回覆（${input.source}）` };
  const at = now.toISOString();
  const payload = {
    reason: input.reason?.trim() || null,
    preferredTimes: input.preferredTimes ?? [],
    note: input.note?.trim() || null,
    lineUserId: input.lineUserId,
  };
  await db.transaction().execute(async (trx) => {
    await changeStatus(trx, deps, {
      clinicId: input.clinicId,
      subject: 'appointment',
      subjectId: a.id,
      light: 'reply',
      to: target,
      source: 'patient',
      actor,
      reason: payload.reason ?? payload.note ?? null,
    });
    await trx
      .insertInto('appointment_history')
      .values({
        clinic_id: input.clinicId,
        appointment_id: a.id,
        version: null,
        source: 'patient',
        actor_type: actor.type,
        actor_id: actor.id,
        actor_label: actor.label,
        old_status: a.status,
        new_status: a.status,
        changed_fields: JSON.stringify(['reply']),
        created_at: at,
      })
      .execute();
    const kind = TASK_KIND[input.answer];
    if (kind) {
      await trx
        .insertInto('front_desk_tasks')
        .values({
          id: newId(),
          clinic_id: input.clinicId,
          appointment_id: a.id,
          patient_id: a.patient_id,
          kind,
          status: 'open',
          source: input.source,
          payload: JSON.stringify(payload),
          created_at: at,
          handled_at: null,
          handled_by: null,
        })
        .execute();
    }
    await recordAudit(trx, deps.clock, {
      clinicId: input.clinicId,
      actor,
      action: `appointment.answer_${input.answer}`,
      entityType: 'appointment',
      entityId: a.id,
      ip: input.ip ?? '',
      detail: { source: input.source, from: a.reply_status, to: target },
    });
    if (input.lineUserId && input.acknowledge !== false) {
      const text: Record<Answer, string> = {
        confirm: `已收到您的確認：${a.patient_name} ${when}（${a.doctor_name}）。我們到時見！`,
        cancel: `已收到您的取消請求：${a.patient_name} ${when}（${a.doctor_name}）。櫃台確認後即完成取消。`,
        reschedule: `已收到您的改期請求：${a.patient_name} ${when}（${a.doctor_name}）。櫃台會盡快與您聯絡安排新的時間。`,
      };
      const messages: messagingApi.Message[] = [{ type: 'text', text: text[input.answer] }];
      await queuePush(trx, deps, input.clinicId, {
        to: input.lineUserId,
        messages,
        source: `answer.${input.source}`,
        relatedType: 'appointment',
        relatedId: a.id,
      });
    }
  });
  return (await loadAppointmentView(deps, input.clinicId, a.id))!;
}

/** The LIFF "my appointments" / family view: every patient bound to this LINE user at this clinic. */
export async function appointmentsOfLineUser(deps: Deps, clinicId: string, lineUserId: string) {
  const db = deps.db;
  const now = deps.clock.now();
  const clinic = await db
    .selectFrom('clinics')
    .select('time_zone')
    .where('id', '=', clinicId)
    .executeTakeFirstOrThrow();
  const patients = await db
    .selectFrom('line_bindings')
    .innerJoin('patients', (j) =>
      j
        .onRef('patients.id', '=', 'line_bindings.patient_id')
        .onRef('patients.clinic_id', '=', 'line_bindings.clinic_id'),
    )
    .select(['patients.id', 'patients.name', 'patients.birth_date'])
    .where('line_bindings.clinic_id', '=', clinicId)
    .where('line_bindings.line_user_id', '=', lineUserId)
    .orderBy('patients.birth_date')
    .orderBy('patients.name')
    .execute();
  if (patients.length === 0) return { members: [] };
  const since = new Date(now.getTime() - 90 * 86_400_000).toISOString();
  const rows = await db
    .selectFrom('appointments')
    .innerJoin('doctors', 'doctors.id', 'appointments.doctor_id')
    .select([
      'appointments.id',
      'appointments.patient_id',
      'appointments.starts_at',
      'appointments.status',
      'appointments.reply_status',
      'appointments.visit_type',
      'doctors.name as doctor_name',
    ])
    .where('appointments.clinic_id', '=', clinicId)
    .where(
      'appointments.patient_id',
      'in',
      patients.map((p) => p.id),
    )
    .where('appointments.starts_at', '>=', since)
    .orderBy('appointments.starts_at')
    .limit(1000)
    .execute();
  const nowIso = now.toISOString();
  return {
    members: patients.map((p) => {
      const mine = rows.filter((r) => r.patient_id === p.id);
      return {
        patient: { id: p.id, name: p.name },
        upcoming: mine.filter((r) => r.starts_at > nowIso).map((r) => toAppointmentView(r, clinic.time_zone, now)),
        recent: mine
          .filter((r) => r.starts_at <= nowIso)
          .reverse()
          .map((r) => toAppointmentView(r, clinic.time_zone, now)),
      };
    }),
  };
}
