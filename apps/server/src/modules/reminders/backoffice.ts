// Back-office reads and actions on reminders: the list (today / tomorrow / a date, by state),
// resend, an appointment's every planned and sent message with its explanation, the front
// desk's to-do list (尚未回覆 + cancel/reschedule requests) with one-click handling, preview
// and send-test of templates.
import { randomUUID } from 'node:crypto';
import type { messagingApi } from '@line/bot-sdk';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { lineService } from '../line/service.ts';
import { addDays, formatInZone, localParts, longDate, zonedTime } from '../../platform/time.ts';
import { newId } from '../../platform/crypto.ts';
import { DEFAULT_TEMPLATE_ID } from './rules.ts';
import { appointmentByIdOrHisId, appointmentsToRemind, awaitingReplyAfter } from '../appointments/for-reminders.ts';
import { clinicService } from '../clinics/service.ts';
import { patientsByIds } from '../patients/service.ts';
import { taskService } from '../tasks/service.ts';
import { smsService } from '../sms/service.ts';
import { ANSWERED, reminderRepository, type ListedDelivery } from './repository.ts';
import { loadSettings, reminderService } from './service.ts';
import type { TemplateInput } from './service.ts';
import {
  ALT_TEXT_MAX,
  SAMPLE_VARS,
  checkTemplate,
  dateVars,
  mapUrlOf,
  renderReminder,
  signToken,
  templateProblemsError,
  type Vars,
} from './templates.ts';
import { describeLineError } from '../../platform/line.ts';

/** YYYY-MM-DD of a day that exists: 2026-02-30 and 0000-00-00 fit the pattern but break date arithmetic. */
function isCalendarDate(date: string): boolean {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : NaN;
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date;
}

export type ListQuery = {
  date?: string;
  state?: string;
  ruleId?: string;
  doctorId?: string;
  page: number;
  pageSize: number;
};

export function displayState(state: string, reply: string): string {
  return state === 'sent' && ANSWERED.includes(reply) ? 'answered' : state;
}

export type ReminderView = ReturnType<typeof toView>;

export const toView = (r: ListedDelivery) => ({
  id: r.id,
  appointmentId: r.appointment_id,
  appointmentHisId: r.appointment_his_id,
  ruleId: r.rule_id,
  ruleName: r.rule_name,
  appointmentVersion: Number(r.appointment_version),
  visitStartsAt: r.visit_starts_at,
  dueAt: r.due_at,
  explanation: r.explanation,
  state: displayState(r.state, r.reply_status),
  rawState: r.state,
  essential: Number(r.essential) === 1,
  templateId: r.template_id,
  channel: r.channel,
  attempts: Number(r.attempts),
  lastError: r.last_error,
  sentAt: r.sent_at,
  deliveredAt: r.delivered_at,
  channelReason: r.channel_reason,
  cancelReason: r.cancel_reason,
  lineRequestId: r.line_request_id,
  familySize: r.family_size === null ? null : Number(r.family_size),
  familyGroupId: r.family_group_id,
  reply: r.reply_status,
  patientName: r.patient_name,
  doctorName: r.doctor_name,
  createdAt: r.created_at,
});

export function reminderBackOffice(deps: Deps) {
  const db = deps.db;
  const repo = reminderRepository(db);
  const tzOf = async (clinicId: string) => (await clinicService(deps).get(clinicId)).timeZone;

  /** The appointment, if a reminder for it still makes sense (booked, visit ahead). */
  async function upcoming(clinicId: string, appointmentId: string) {
    const a = await appointmentByIdOrHisId(db, clinicId, appointmentId);
    if (!a) throw errors.notFound('預約');
    if (a.status !== 'booked' || a.starts_at <= deps.clock.now().toISOString())
      throw new AppError('APPOINTMENT_NOT_UPCOMING', 409, '預約已取消、已報到或看診時間已過，無法重新發送提醒');
    return a;
  }

  /**
   * A resend is a delivery row of its own, due now, with a new retry key (a deliberate second
   * message, not a retry of the first) and the template of the reminder it repeats; the
   * dispatcher then renders and routes it like any reminder. It counts as essential: staff
   * asked for it, so the cap that pauses automatic non-essential reminders does not hold it.
   * One resend of an appointment waits at a time.
   */
  async function queueResend(
    clinicId: string,
    a: { id: string; starts_at: string; version: number },
    source: { id: string; rule_id: string; rule_name: string; template_id: string } | null,
    actor: Actor,
    ip: string,
  ) {
    if (await repo.resendPending(clinicId, a.id))
      throw new AppError('REMINDER_PENDING', 409, '已排入重新發送，病患稍後就會收到');
    const earlier = await repo.countResends(clinicId, a.id);
    const now = deps.clock.now();
    const nowIso = now.toISOString();
    const tz = await tzOf(clinicId);
    const id = newId();
    const inserted = await repo.insertOnce({
      id,
      clinic_id: clinicId,
      appointment_id: a.id,
      // A colon never appears in a rule's id, so a resend never takes the place of a rule's row.
      rule_id: `${source?.rule_id ?? 'manual'}:resend-${earlier + 1}`,
      rule_name: `${source?.rule_name ?? '看診提醒'}（重送）`,
      appointment_version: Number(a.version),
      visit_starts_at: a.starts_at,
      due_at: nowIso,
      explanation: `由 ${actor.label} 於 ${formatInZone(now, tz)} 重新發送`,
      state: 'planned',
      essential: 1,
      template_id: source?.template_id ?? DEFAULT_TEMPLATE_ID,
      channel: null,
      retry_key: randomUUID(),
      attempts: 0,
      next_attempt_at: nowIso,
      locked_by: null,
      locked_until: null,
      last_error: null,
      line_user_id: null,
      line_request_id: null,
      sms_message_id: null,
      sent_at: null,
      delivered_at: null,
      channel_reason: null,
      cancel_reason: null,
      requested_by: actor.label,
      created_at: nowIso,
      updated_at: nowIso,
    });
    if (!inserted) throw new AppError('REMINDER_PENDING', 409, '已排入重新發送，病患稍後就會收到');
    await recordAudit(db, deps.clock, {
      clinicId,
      actor,
      action: 'reminders.resent',
      entityType: 'appointment',
      entityId: a.id,
      ip,
      detail: { deliveryId: id, resendOf: source?.id ?? null },
    });
    return toView((await repo.listedOne(clinicId, id))!);
  }

  return {
    async list(clinicId: string, q: ListQuery) {
      const tz = await tzOf(clinicId);
      const today = localParts(deps.clock.now(), tz).date;
      const date = q.date === 'tomorrow' ? addDays(today, 1) : !q.date || q.date === 'today' ? today : q.date;
      if (!isCalendarDate(date))
        throw errors.validation([{ field: 'date', code: 'date', message: 'date 應為 today、tomorrow 或 YYYY-MM-DD' }]);
      const from = zonedTime(date, '00:00', tz).toISOString();
      const to = zonedTime(addDays(date, 1), '00:00', tz).toISOString();
      const rows = await repo.list(
        clinicId,
        { from, to, state: q.state, ruleId: q.ruleId, doctorHisId: q.doctorId },
        { limit: q.pageSize + 1, offset: (q.page - 1) * q.pageSize },
      );
      const counts = await repo.countByState(clinicId, from, to);
      const summary: Record<string, number> = { planned: 0, sent: 0, answered: 0, failed: 0, skipped: 0, cancelled: 0 };
      for (const c of counts) {
        const s = displayState(c.state === 'sending' ? 'planned' : c.state, c.reply_status);
        summary[s] = (summary[s] ?? 0) + Number(c.n);
      }
      return {
        date,
        items: rows.slice(0, q.pageSize).map(toView),
        summary,
        page: q.page,
        pageSize: q.pageSize,
        hasMore: rows.length > q.pageSize,
      };
    },

    async ofAppointment(clinicId: string, appointmentId: string) {
      const a = await appointmentByIdOrHisId(db, clinicId, appointmentId);
      if (!a) throw errors.notFound('預約');
      const rows = await repo.listedOfAppointment(clinicId, a.id);
      const messages = await lineService(deps).messagesAbout(clinicId, 'appointment', a.id);
      // A reminder sent with family members' is logged once, about the group (reminders/family.ts).
      for (const g of new Set(rows.flatMap((r) => (r.family_size ? [r.family_group_id!] : []))))
        messages.push(...(await lineService(deps).messagesAbout(clinicId, 'reminder_family', g)));
      messages.sort((x, y) => x.created_at.localeCompare(y.created_at) || Number(x.id) - Number(y.id));
      const sms = await smsService(deps).find(clinicId, {
        relatedType: 'reminder_delivery',
        relatedIds: rows.map((r) => r.id),
      });
      return {
        appointmentId: a.id,
        reminders: rows.map(toView),
        messages: messages.map((m) => ({
          id: Number(m.id),
          direction: m.direction,
          kind: m.kind,
          text: m.text,
          source: m.source,
          lineUserId: m.line_user_id,
          createdAt: m.created_at,
        })),
        sms: sms.map((s) => ({
          id: s.id,
          deliveryId: s.related_id,
          to: s.to_masked,
          segments: Number(s.segments),
          cost: Number(s.cost),
          status: s.status,
          createdAt: s.created_at,
        })),
      };
    },

    /**
     * Sends a delivery's reminder again now: a new row (see queueResend) rendered, paced and
     * routed (LINE, or SMS by the fallback rules) exactly as the scheduled one.
     */
    async resend(clinicId: string, id: string, actor: Actor, ip: string) {
      const r = await repo.delivery(clinicId, id);
      if (!r) throw errors.notFound('提醒');
      if (r.state === 'planned' || r.state === 'sending')
        throw new AppError('REMINDER_PENDING', 409, '這則提醒還在排程中，不需要重新發送');
      const a = await upcoming(clinicId, r.appointment_id);
      if (Number(a.version) !== Number(r.appointment_version))
        throw new AppError('REMINDER_SUPERSEDED', 409, '預約已更新，這則提醒已被新的排程取代');
      return queueResend(clinicId, a, r, actor, ip);
    },

    /**
     * The front desk's 「重送提醒」 for an appointment: the reminder that was last due (sent,
     * failed or skipped) goes again, else the next one planned, else the default template.
     */
    async resendForAppointment(clinicId: string, appointmentId: string, actor: Actor, ip: string) {
      const a = await upcoming(clinicId, appointmentId);
      const rows = (await repo.ofAppointment(clinicId, a.id))
        .filter((r) => Number(r.appointment_version) === Number(a.version) && r.requested_by === null)
        .sort((x, y) => (x.due_at ?? '').localeCompare(y.due_at ?? ''));
      const due = rows.filter((r) => r.state === 'sent' || r.state === 'failed' || r.state === 'skipped').at(-1);
      const next = rows.find((r) => r.state === 'planned' || r.state === 'sending');
      return queueResend(clinicId, a, due ?? next ?? null, actor, ip);
    },

    /** 尚未回覆 (reminder sent, no answer, visit upcoming) and open cancel/reschedule requests. */
    async tasks(clinicId: string, q: { status: 'open' | 'handled'; kind?: string; limit: number }) {
      const tz = await tzOf(clinicId);
      const nowIso = deps.clock.now().toISOString();
      const kind = q.kind === 'cancel_request' || q.kind === 'reschedule_request' ? q.kind : undefined;
      // Newest request first.
      const tasks =
        q.kind === 'no_reply'
          ? []
          : (await taskService(deps).list(clinicId, { status: q.status, kind, limit: q.limit })).sort((x, y) =>
              y.createdAt.localeCompare(x.createdAt),
            );
      const [appts, patients] = await Promise.all([
        appointmentsToRemind(
          db,
          clinicId,
          tasks.map((t) => t.appointmentId),
        ),
        patientsByIds(db, clinicId, [...new Set(tasks.map((t) => t.patientId))]),
      ]);
      const apptOf = new Map(appts.map((a) => [a.id, a]));
      const patientOf = new Map(patients.map((p) => [p.id, p]));
      const noReply =
        q.status === 'open' && (!q.kind || q.kind === 'no_reply')
          ? await awaitingReplyAfter(db, clinicId, nowIso, q.limit)
          : [];
      const label = (iso: string) => {
        const l = localParts(new Date(iso), tz);
        return `${longDate(l.date)} ${l.time}`;
      };
      const KIND: Record<string, string> = { cancel_request: '取消', reschedule_request: '改期' };
      return {
        requests: tasks.flatMap((t) => {
          const a = apptOf.get(t.appointmentId);
          const p = patientOf.get(t.patientId);
          if (!a || !p) return [];
          return [
            {
              id: t.id,
              kind: t.kind,
              kindLabel: KIND[t.kind] ?? t.kind,
              status: t.status,
              source: t.source,
              reason: t.details.reason ?? null,
              preferredTimes: t.details.preferredTimes ?? [],
              note: t.details.note ?? null,
              appointmentId: a.id,
              appointmentHisId: a.his_id,
              startsAt: a.starts_at,
              startsAtLabel: label(a.starts_at),
              reply: a.reply_status,
              appointmentStatus: a.status,
              patientName: p.name,
              phone: p.phoneE164,
              doctorName: a.doctor?.name ?? '',
              createdAt: t.createdAt,
              handledAt: t.handledAt,
              handledBy: t.handledBy,
            },
          ];
        }),
        noReply: noReply.map((a) => ({
          appointmentId: a.id,
          appointmentHisId: a.his_id,
          startsAt: a.starts_at,
          startsAtLabel: label(a.starts_at),
          remindedAt: a.reply_status_at,
          patientName: a.patient?.name ?? '',
          phone: a.patient?.phoneE164 ?? null,
          doctorName: a.doctor?.name ?? '',
        })),
      };
    },

    async handleTask(clinicId: string, id: string, note: string | undefined, actor: Actor, ip: string) {
      const outcome = await taskService(deps).handle(clinicId, id, actor.label);
      if (outcome === 'missing') throw errors.notFound('待辦');
      if (outcome === 'already') throw new AppError('TASK_ALREADY_HANDLED', 409, '這筆待辦已經有人處理了');
      const t = (await taskService(deps).get(clinicId, id))!;
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'front_desk.task_handled',
        entityType: 'front_desk_task',
        entityId: id,
        ip,
        detail: { note: note ?? null },
      });
      return { id, status: 'handled', handledAt: t.handledAt!, handledBy: actor.label };
    },

    async preview(clinicId: string, id: string, draft?: TemplateInput, visitType?: string) {
      const t = draft
        ? { body: { ...draft, dateStyle: draft.dateStyle ?? 'western' } }
        : await reminderService(deps).getTemplate(clinicId, id);
      const errs = checkTemplate(t.body, deps.crypto);
      const vars = {
        ...(await this.sampleVars(clinicId, visitType)),
        ...dateVars(await this.sampleDate(clinicId), t.body.dateStyle),
      };
      const exp = new Date(deps.clock.now().getTime() + 7 * 86_400_000);
      const tok = (a: 'c' | 'x' | 'r') =>
        signToken(deps.crypto, { appointmentId: '00000000-0000-7000-8000-000000000000', action: a, expiresAt: exp });
      return {
        message: renderReminder(t.body, vars, { confirm: tok('c'), cancel: tok('x'), reschedule: tok('r') }),
        problems: errs,
        variables: vars,
      };
    },

    /** The sample visit's date: two days from today in the clinic's zone (what a 48-hour reminder says). */
    async sampleDate(clinicId: string): Promise<string> {
      return addDays(localParts(deps.clock.now(), await tzOf(clinicId)).date, 2);
    },

    async sampleVars(clinicId: string, visitType?: string): Promise<Vars> {
      const c = await clinicService(deps).get(clinicId);
      const settings = await loadSettings(db, clinicId);
      return {
        ...SAMPLE_VARS,
        clinicName: c.name,
        clinicAddress: c.address || SAMPLE_VARS.clinicAddress,
        clinicPhone: c.phone || SAMPLE_VARS.clinicPhone,
        mapUrl: mapUrlOf(c.address || SAMPLE_VARS.clinicAddress),
        preparation:
          (visitType ? settings.preparations[visitType] : undefined) ??
          settings.preparations[''] ??
          SAMPLE_VARS.preparation,
      };
    },

    /** Pushes the rendered template to a LINE user (e.g. the staff member's own account); buttons are inert samples. */
    async sendTest(clinicId: string, id: string, lineUserId: string, actor: Actor, ip: string) {
      const line = lineService(deps);
      // Only to a LINE user who added this clinic's account (never another clinic's user).
      if (!(await line.friend(clinicId, lineUserId)))
        throw errors.badRequest('這個 LINE 使用者不是本診所官方帳號的好友', [
          { field: 'lineUserId', code: 'not_a_friend', message: '請從好友名單中選擇' },
        ]);
      const { message, problems } = await this.preview(clinicId, id);
      if (problems.length) {
        const e = templateProblemsError(problems);
        throw new AppError(e.code, 422, e.message.replace('未儲存', '未傳送'), problems);
      }
      const client = await line.clientFor(clinicId);
      const test: messagingApi.Message = {
        ...message,
        altText: [...`【測試】${message.altText}`].slice(0, ALT_TEXT_MAX).join(''),
      };
      try {
        await client.push({ to: lineUserId, messages: [test] }, randomUUID());
      } catch (err) {
        const e = describeLineError(err);
        throw new AppError('LINE_PUSH_FAILED', 502, `${e.message}${e.lineMessage ? `（LINE：${e.lineMessage}）` : ''}`);
      }
      await line.logSent(clinicId, lineUserId, [test], { source: 'reminder.test', method: 'push' });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'reminders.template_test_sent',
        entityType: 'reminder_template',
        entityId: id,
        ip,
        detail: { lineUserId },
      });
      return { ok: true, sentTo: lineUserId };
    },
  };
}
