// A patient's answer to an appointment (confirm / ask to cancel / ask to reschedule / withdraw a
// pending request), from the LIFF 我的預約 page and from the reminder buttons in LINE: one set of
// rules. Each state offers only what makes sense in it:
//   booked, unanswered → confirm, cancel, reschedule      confirmed → cancel, reschedule
//   cancel or reschedule requested → withdraw only         cancelled, finished or started → nothing
// Anything else is refused with a polite 409 that says the current state and changes nothing.
// An accepted answer changes the reply light (changeStatus notifies the HIS), adds a history
// entry, opens (or, on withdrawal, closes) the front desk's task, writes an audit entry and
// acknowledges on LINE. Appointments, tasks, bindings and clinics are read and written through
// their owners' services.
import type { messagingApi } from '@line/bot-sdk';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { wakeWorkers } from '../../platform/jobs.ts';
import { appointmentService, type PatientAppointment } from '../appointments/service.ts';
import { bindingService } from '../binding/service.ts';
import { clinicService } from '../clinics/service.ts';
import { queuePush } from '../line/push.ts';
import { labelOf, type ReplyStatus } from '../status/lights.ts';
import { changeStatus } from '../status/service.ts';
import { taskService, type RequestKind } from '../tasks/service.ts';

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
export type WithdrawInput = Pick<AnswerInput, 'clinicId' | 'appointmentId' | 'lineUserId' | 'source' | 'ip'>;

const TARGET: Record<Answer, ReplyStatus> = {
  confirm: 'confirmed',
  cancel: 'cancel_requested',
  reschedule: 'reschedule_requested',
};
const TASK_KIND: Record<'cancel' | 'reschedule', RequestKind> = {
  cancel: 'cancel_request',
  reschedule: 'reschedule_request',
};
const FINISHED = new Set(['checked_in', 'completed', 'no_show']);

/** Where an appointment stands for its patient; it decides what the patient may do. */
export type AnswerState = 'open' | 'confirmed' | 'cancel_pending' | 'reschedule_pending' | 'cancelled' | 'past';

export function answerState(
  a: Pick<PatientAppointment, 'status' | 'startsAt' | 'replyStatus'>,
  now: Date,
): AnswerState {
  if (a.status === 'cancelled') return 'cancelled';
  if (a.status !== 'booked' || FINISHED.has(a.status) || a.startsAt <= now.toISOString()) return 'past';
  if (a.replyStatus === 'cancel_requested') return 'cancel_pending';
  if (a.replyStatus === 'reschedule_requested') return 'reschedule_pending';
  if (a.replyStatus === 'confirmed') return 'confirmed';
  return 'open';
}

const PENDING_LABEL: Partial<Record<AnswerState, string>> = {
  cancel_pending: '取消申請處理中',
  reschedule_pending: '改期申請處理中',
};

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
  canWithdraw: boolean;
  pendingLabel: string | null;
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

export function toAppointmentView(a: PatientAppointment, timeZone: string, now: Date): AppointmentView {
  const state = answerState(a, now);
  const answerable = state === 'open' || state === 'confirmed';
  return {
    id: a.id,
    startsAt: a.startsAt,
    dateLabel: dateLabel(a.startsAt, timeZone, now),
    doctorName: a.doctorName,
    visitType: a.visitType,
    status: a.status,
    statusLabel: labelOf('status', a.status) ?? a.status,
    reply: a.replyStatus,
    replyLabel: labelOf('reply', a.replyStatus) ?? a.replyStatus,
    canConfirm: state === 'open',
    canCancel: answerable,
    canReschedule: answerable,
    canWithdraw: state === 'cancel_pending' || state === 'reschedule_pending',
    pendingLabel: PENDING_LABEL[state] ?? null,
  };
}

const notFound = () => new AppError('APPOINTMENT_NOT_FOUND', 404, '找不到這筆預約，可能已被診所更新，請重新整理頁面');

export function answerService(deps: Deps) {
  const appointments = appointmentService(deps);
  const clinics = clinicService(deps);

  /** The appointment, checked to belong to a patient bound to this LINE user (when one answers). */
  async function load(clinicId: string, appointmentId: string, lineUserId: string | null) {
    const a = await appointments.forPatient(clinicId, appointmentId);
    if (!a) throw notFound();
    if (lineUserId && !(await bindingService(deps).isBound(clinicId, lineUserId, a.patientId))) throw notFound();
    return a;
  }

  /** Why this answer is not possible in the appointment's state, as a 409 the patient can read. */
  function refusal(state: AnswerState, want: Answer | 'withdraw', when: string, phone: string): AppError | null {
    const call = phone ? `（${phone}）` : '';
    if (state === 'cancelled')
      return new AppError(
        'APPOINTMENT_CANCELLED',
        409,
        `${when}的預約已經取消了，不需要再回覆；如需重新預約請聯絡診所${call}。`,
      );
    if (state === 'past')
      return new AppError(
        'APPOINTMENT_PAST',
        409,
        `${when}的看診時間已經開始或已過，無法再變更；如有需要請直接聯絡診所${call}。`,
      );
    if (want === 'withdraw')
      return state === 'cancel_pending' || state === 'reschedule_pending'
        ? null
        : new AppError('NOTHING_TO_WITHDRAW', 409, `${when}的預約沒有處理中的取消或改期申請，不需要撤回。`);
    const pending = PENDING_LABEL[state];
    if (pending) {
      const same =
        (want === 'cancel' && state === 'cancel_pending') || (want === 'reschedule' && state === 'reschedule_pending');
      if (same)
        return new AppError(
          'ALREADY_ANSWERED',
          409,
          want === 'cancel'
            ? `您已經提出取消的請求（${when}），目前${pending}，櫃台會盡快處理，不需要再次送出。`
            : `您已經提出改期的請求（${when}），目前${pending}，櫃台會盡快與您聯絡，不需要再次送出。`,
        );
      return new AppError(
        'REQUEST_PENDING',
        409,
        `${when}的預約目前${pending}。如要改變心意，請先在「我的預約」撤回這個申請，或來電診所${call}。`,
      );
    }
    if (want === 'confirm' && state === 'confirmed')
      return new AppError('ALREADY_ANSWERED', 409, `您已經確認會準時赴約（${when}），不需要再次確認，謝謝您！`);
    return null;
  }

  async function acknowledge(
    db: Deps['db'],
    clinicId: string,
    lineUserId: string,
    appointmentId: string,
    text: string,
    source: string,
  ) {
    const messages: messagingApi.Message[] = [{ type: 'text', text }];
    await queuePush(db, deps, clinicId, {
      to: lineUserId,
      messages,
      source: `answer.${source}`,
      relatedType: 'appointment',
      relatedId: appointmentId,
    });
  }

  async function view(clinicId: string, appointmentId: string): Promise<AppointmentView> {
    const [a, clinic] = await Promise.all([appointments.forPatient(clinicId, appointmentId), clinics.get(clinicId)]);
    if (!a) throw notFound();
    return toAppointmentView(a, clinic.timeZone, deps.clock.now());
  }

  return {
    view,

    async answer(input: AnswerInput): Promise<AppointmentView> {
      const now = deps.clock.now();
      const a = await load(input.clinicId, input.appointmentId, input.lineUserId);
      const clinic = await clinics.get(input.clinicId);
      const when = dateLabel(a.startsAt, clinic.timeZone, now);
      const refused = refusal(answerState(a, now), input.answer, when, clinic.phone);
      if (refused) throw refused;
      const [patient] = input.lineUserId
        ? (await bindingService(deps).familyOf(input.clinicId, input.lineUserId)).filter((p) => p.id === a.patientId)
        : [];
      const target = TARGET[input.answer];
      const actor: Actor = input.lineUserId
        ? { type: 'patient', id: input.lineUserId, label: `病患（LINE，${patient?.name ?? ''}）` }
        : { type: 'system', id: null, label: `病患回覆（${input.source}）` };
      const details = {
        reason: input.reason?.trim() || null,
        preferredTimes: input.preferredTimes ?? [],
        note: input.note?.trim() || null,
        lineUserId: input.lineUserId,
        previousReply: a.replyStatus,
      };
      await deps.db.transaction().execute(async (trx) => {
        const tdeps: Deps = { ...deps, db: trx };
        await changeStatus(trx, deps, {
          clinicId: input.clinicId,
          subject: 'appointment',
          subjectId: a.id,
          light: 'reply',
          to: target,
          source: 'patient',
          actor,
          reason: details.reason ?? details.note ?? null,
        });
        if (input.answer !== 'confirm')
          await taskService(tdeps).openRequest(input.clinicId, {
            appointmentId: a.id,
            patientId: a.patientId,
            kind: TASK_KIND[input.answer],
            source: input.source,
            details,
          });
        await recordAudit(trx, deps.clock, {
          clinicId: input.clinicId,
          actor,
          action: `appointment.answer_${input.answer}`,
          entityType: 'appointment',
          entityId: a.id,
          ip: input.ip ?? '',
          detail: { source: input.source, from: a.replyStatus, to: target },
        });
        if (input.lineUserId && input.acknowledge !== false) {
          const who = `${patient?.name ?? ''} ${when}（${a.doctorName}）`;
          const text: Record<Answer, string> = {
            confirm: `已收到您的確認：${who}。我們到時見！`,
            cancel: `已收到您的取消請求：${who}。櫃台確認後即完成取消。`,
            reschedule: `已收到您的改期請求：${who}。櫃台會盡快與您聯絡安排新的時間。`,
          };
          await acknowledge(trx, input.clinicId, input.lineUserId, a.id, text[input.answer], input.source);
        }
      });
      wakeWorkers();
      return view(input.clinicId, a.id);
    },

    /**
     * The patient takes a pending cancel or reschedule request back: the reply light returns to
     * what it was before the request (the HIS is told), the front desk's task closes as withdrawn.
     */
    async withdraw(input: WithdrawInput): Promise<AppointmentView> {
      const now = deps.clock.now();
      const a = await load(input.clinicId, input.appointmentId, input.lineUserId);
      const clinic = await clinics.get(input.clinicId);
      const when = dateLabel(a.startsAt, clinic.timeZone, now);
      const state = answerState(a, now);
      const refused = refusal(state, 'withdraw', when, clinic.phone);
      if (refused) throw refused;
      const kind: RequestKind = state === 'cancel_pending' ? 'cancel_request' : 'reschedule_request';
      const open = await taskService(deps).openRequestOf(input.clinicId, a.id, kind);
      const back = (open?.details.previousReply ?? 'awaiting_reply') as ReplyStatus;
      const actor: Actor = input.lineUserId
        ? { type: 'patient', id: input.lineUserId, label: '病患（LINE）' }
        : { type: 'system', id: null, label: `病患回覆（${input.source}）` };
      const what = kind === 'cancel_request' ? '取消' : '改期';
      await deps.db.transaction().execute(async (trx) => {
        const tdeps: Deps = { ...deps, db: trx };
        await changeStatus(trx, deps, {
          clinicId: input.clinicId,
          subject: 'appointment',
          subjectId: a.id,
          light: 'reply',
          to: back,
          source: 'patient',
          actor,
          reason: `病患撤回${what}申請`,
        });
        await taskService(tdeps).withdrawRequests(input.clinicId, a.id, [kind]);
        await recordAudit(trx, deps.clock, {
          clinicId: input.clinicId,
          actor,
          action: 'appointment.request_withdrawn',
          entityType: 'appointment',
          entityId: a.id,
          ip: input.ip ?? '',
          detail: { source: input.source, kind, from: a.replyStatus, to: back },
        });
        if (input.lineUserId)
          await acknowledge(
            trx,
            input.clinicId,
            input.lineUserId,
            a.id,
            `已撤回您的${what}申請：${when}（${a.doctorName}）的預約維持不變。`,
            input.source,
          );
      });
      wakeWorkers();
      return view(input.clinicId, a.id);
    },

    /** Adds a reason or a preferred time to the appointment's open request; false when none is open. */
    addToRequest: (
      clinicId: string,
      appointmentId: string,
      kind: RequestKind,
      patch: { reason?: string; preferredTime?: string },
    ) => taskService(deps).addToOpenRequest(clinicId, appointmentId, kind, patch),

    /** The LIFF 我的預約 / family view: every patient bound to this LINE user at this clinic. */
    async ofLineUser(clinicId: string, lineUserId: string) {
      const now = deps.clock.now();
      const family = await bindingService(deps).familyOf(clinicId, lineUserId);
      if (family.length === 0) return { members: [] };
      const clinic = await clinics.get(clinicId);
      const since = new Date(now.getTime() - 90 * 86_400_000).toISOString();
      const rows = await appointments.ofPatients(
        clinicId,
        family.map((p) => p.id),
        since,
      );
      const nowIso = now.toISOString();
      return {
        members: family.map((p) => {
          const mine = rows.filter((r) => r.patientId === p.id);
          return {
            patient: { id: p.id, name: p.name },
            upcoming: mine.filter((r) => r.startsAt > nowIso).map((r) => toAppointmentView(r, clinic.timeZone, now)),
            recent: mine
              .filter((r) => r.startsAt <= nowIso)
              .reverse()
              .map((r) => toAppointmentView(r, clinic.timeZone, now)),
          };
        }),
      };
    },
  };
}

/** Shorthand for one answer (the reminder buttons' postback handler uses it). */
export const answerAppointment = (deps: Deps, input: AnswerInput) => answerService(deps).answer(input);
