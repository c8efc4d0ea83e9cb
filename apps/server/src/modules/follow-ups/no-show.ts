// The no-show follow-up (未到診關懷, C6), shipped enabled for every clinic: when the HIS marks a
// visit of today `no_show`, the patient's LINE (their own binding or a family member's, the
// same user a reminder goes to) gets one kind message the same day — 「今天沒看到您，要幫您
// 重新安排嗎？」 — with two buttons: 「請診所與我聯絡」 opens a high-priority follow-up task
// (請回電安排) and thanks them; 「不用了，謝謝」 closes it politely.
//
// Rules (docs/architecture.md "No-show follow-up"):
// - Only a visit of today (the clinic's date) turned no_show: a past visit (an HIS initial sync
//   or resync of history, a late correction) gets nothing, and during the initial sync a visit
//   first seen already marked no_show is a copy, not a mark made now: nothing either.
// - Once per visit (no_show_messages unique per appointment) and at most one a day per patient
//   (patient_day unique): the row is written first, with the send job in the same transaction.
// - Sent `delayMinutes` after the mark, moved out of the clinic's quiet hours; a send time that
//   quiet hours push to the next day is skipped (「今天沒看到您」 would be wrong tomorrow, and
//   the front desk can call instead) and shown as such on the log.
// - At send time it checks again: still enabled, the visit still no_show (the patient may have
//   arrived late and the HIS corrected it), still the same day, a reachable LINE user, and the
//   month's non-essential LINE cap (reminders/quota.ts). The push's retry key is derived from the
//   row, so a retried job sends it once.
import type { messagingApi } from '@line/bot-sdk';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { defineJob, enqueueJob, wakeWorkers } from '../../platform/jobs.ts';
import { formatInZone, localParts } from '../../platform/time.ts';
import type { OutcomeHook } from '../appointments/outcome.ts';
import { appointmentsByIds } from '../appointments/service.ts';
import { reachableLineUser } from '../binding/for-patients.ts';
import { clinicService } from '../clinics/service.ts';
import { initialSyncOf } from '../his/sync.ts';
import { respond, type EventContext } from '../line/events.ts';
import { queuePush, retryKeyOf } from '../line/push.ts';
import { patientById, patientsByIds } from '../patients/service.ts';
import { nonEssentialBudget } from '../reminders/quota.ts';
import { nextSendableAt } from '../reminders/send-window.ts';
import { loadSettings } from '../reminders/service.ts';
import { followUpRepository, type NoShowMessageRow } from './repository.ts';
import { openFollowUp } from './service.ts';

export const NO_SHOW_DEFAULTS = {
  enabled: true,
  text: '{name} 您好，今天沒看到您，要幫您重新安排看診時間嗎？',
  delayMinutes: 30,
};
export const NO_SHOW_TEXT_MAX = 120;
export const NO_SHOW_DELAY_MAX = 240;
export const NO_SHOW_BUTTONS = { rebook: '請診所與我聯絡', decline: '不用了，謝謝' } as const;
export const NO_SHOW_REPLIES = {
  rebook: '收到！已請診所人員與您聯絡，協助重新安排看診時間，謝謝您。',
  decline: '好的，謝謝您的回覆。之後需要時，歡迎隨時在這裡留言或來電預約，祝您健康平安！',
  declineAfterRebook: '已請診所人員與您聯絡；如已不需要，接到電話時告訴我們即可，謝謝您。',
  unknown: '找不到這則訊息，請直接留言告訴我們，謝謝。',
};
export const NO_SHOW_STATUSES = {
  scheduled: '等待傳送',
  sent: '已傳送，未回覆',
  rebook: '請診所聯絡',
  declined: '不用了',
  skipped: '未傳送',
} as const;
export const NO_SHOW_SKIP_REASONS = {
  quiet_hours: '標記時已近安靜時段，今天內無法傳送',
  already_today: '這位病患今天已收過一則',
  no_line: '病患沒有可傳送的 LINE（未綁定或已封鎖）',
  over_cap: '已達本月 LINE 非必要訊息上限',
  disabled: '傳送前功能已關閉',
  status_changed: '傳送前 HIS 已改為其他狀態（例如已報到）',
  too_late: '傳送時已過當天',
} as const;
export type NoShowStatus = keyof typeof NO_SHOW_STATUSES;
export type NoShowSkipReason = keyof typeof NO_SHOW_SKIP_REASONS;

export const NO_SHOW_SEND_JOB = defineJob({
  type: 'follow_ups.no_show_send',
  payload: Type.Object({ messageId: Type.String() }),
  defaults: { maxAttempts: 8 },
  handler: async (job, deps) => {
    if (job.clinicId) await sendNoShow(deps, job.clinicId, job.payload.messageId);
  },
});

export async function noShowSettings(deps: Deps, clinicId: string) {
  const r = await followUpRepository(deps.db).noShowSettings(clinicId);
  return r
    ? { enabled: Number(r.enabled) === 1, text: r.text, delayMinutes: Number(r.delay_minutes) }
    : { ...NO_SHOW_DEFAULTS };
}

/** The message as the patient sees it: the clinic's text with {name}, and the two buttons. */
export function noShowMessage(id: string, text: string): messagingApi.Message {
  return {
    type: 'template',
    altText: text.slice(0, 400),
    template: {
      type: 'buttons',
      text: text.slice(0, 160),
      actions: [
        {
          type: 'postback',
          label: NO_SHOW_BUTTONS.rebook,
          data: `fu=ns:${id}:rebook`,
          displayText: NO_SHOW_BUTTONS.rebook,
        },
        {
          type: 'postback',
          label: NO_SHOW_BUTTONS.decline,
          data: `fu=ns:${id}:decline`,
          displayText: NO_SHOW_BUTTONS.decline,
        },
      ],
    },
  };
}

export const fillText = (text: string, name: string, clinicName: string) =>
  text.replaceAll('{name}', name).replaceAll('{clinicName}', clinicName);

/**
 * The appointments outcome hook: a visit of today turned no_show gets its row (and send job, or
 * the reason it will not be sent). Idempotent: a retried outcome job finds the visit's row.
 */
export const noShowOnOutcome: OutcomeHook = async (deps, clinicId, o) => {
  if (o.status !== 'no_show' || o.previousStatus === 'no_show') return;
  const settings = await noShowSettings(deps, clinicId);
  if (!settings.enabled) return;
  const repo = followUpRepository(deps.db);
  if (await repo.noShowOfVisit(clinicId, o.appointmentId)) return;
  const tz = await clinicService(deps).timeZoneOf(clinicId);
  const now = deps.clock.now();
  const today = localParts(now, tz).date;
  if (localParts(new Date(o.startsAt), tz).date !== today) return;
  if (o.previousStatus === null && (await initialSyncOf(deps.db, clinicId, now)).state === 'active') return;

  const sendAt = await nextSendableAt(deps, clinicId, new Date(now.getTime() + settings.delayMinutes * 60_000));
  const patientDay = `${o.patientId}:${today}`;
  let skip: NoShowSkipReason | null = null;
  if (localParts(sendAt, tz).date !== today) skip = 'quiet_hours';
  else if (await repo.noShowOfPatientDay(clinicId, patientDay)) skip = 'already_today';
  const id = newId();
  const at = now.toISOString();
  try {
    await deps.db.transaction().execute(async (trx) => {
      await followUpRepository(trx).insertNoShow({
        id,
        clinic_id: clinicId,
        appointment_id: o.appointmentId,
        patient_id: o.patientId,
        line_user_id: null,
        patient_day: skip ? null : patientDay,
        status: skip ? 'skipped' : 'scheduled',
        skip_reason: skip,
        recipients: 0,
        marked_at: at,
        send_at: sendAt.toISOString(),
        sent_at: null,
        answer: null,
        answered_at: null,
        answered_by: null,
        follow_up_id: null,
        created_at: at,
        updated_at: at,
      });
      if (!skip)
        await enqueueJob(
          trx,
          deps.clock,
          NO_SHOW_SEND_JOB,
          { messageId: id },
          { clinicId, runAt: sendAt, idempotencyKey: `no-show:${id}` },
        );
    });
  } catch (err) {
    // A retried job (the visit's row exists) or another visit of the patient took today's slot.
    if (await repo.noShowOfVisit(clinicId, o.appointmentId)) return;
    if (!skip && (await repo.noShowOfPatientDay(clinicId, patientDay))) {
      await repo.insertNoShow({
        id: newId(),
        clinic_id: clinicId,
        appointment_id: o.appointmentId,
        patient_id: o.patientId,
        line_user_id: null,
        patient_day: null,
        status: 'skipped',
        skip_reason: 'already_today',
        recipients: 0,
        marked_at: at,
        send_at: sendAt.toISOString(),
        sent_at: null,
        answer: null,
        answered_at: null,
        answered_by: null,
        follow_up_id: null,
        created_at: at,
        updated_at: at,
      });
      return;
    }
    throw err;
  }
  if (!skip) wakeWorkers();
};

/** The send job: checks again, then marks the row sent and queues the push in one transaction. */
export async function sendNoShow(deps: Deps, clinicId: string, id: string): Promise<void> {
  const repo = followUpRepository(deps.db);
  const row = await repo.noShow(clinicId, id);
  if (!row || row.status !== 'scheduled') return;
  const skip = async (reason: NoShowSkipReason) => {
    await repo.moveNoShow(clinicId, id, ['scheduled'], {
      status: 'skipped',
      skip_reason: reason,
      patient_day: null,
      updated_at: deps.clock.now().toISOString(),
    });
  };
  const settings = await noShowSettings(deps, clinicId);
  if (!settings.enabled) return skip('disabled');
  const clinic = await clinicService(deps).get(clinicId);
  const [visit] = await appointmentsByIds(deps, clinicId, [row.appointment_id]);
  if (!visit || visit.status !== 'no_show') return skip('status_changed');
  if (localParts(deps.clock.now(), clinic.timeZone).date !== localParts(new Date(row.marked_at), clinic.timeZone).date)
    return skip('too_late');
  const lineUserId = await reachableLineUser(deps.db, clinicId, row.patient_id);
  if (!lineUserId) return skip('no_line');
  const budget = await nonEssentialBudget(deps, clinicId);
  if (budget !== null && budget <= 0) return skip('over_cap');
  const patient = await patientById(deps.db, clinicId, row.patient_id);
  const text = fillText(settings.text, patient?.name ?? '', clinic.name);
  const at = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const moved = await followUpRepository(trx).moveNoShow(clinicId, id, ['scheduled'], {
      status: 'sent',
      sent_at: at,
      line_user_id: lineUserId,
      recipients: 1,
      updated_at: at,
    });
    if (!moved) return;
    await queuePush(
      trx,
      deps,
      clinicId,
      {
        to: lineUserId,
        messages: [noShowMessage(id, text)],
        source: 'no_show',
        relatedType: 'appointment',
        relatedId: row.appointment_id,
      },
      retryKeyOf(`no-show:${clinicId}:${id}`),
    );
  });
  wakeWorkers();
}

/**
 * A tap on one of the message's buttons (only the LINE user it went to counts). 「請診所與我聯絡」
 * opens the follow-up task (once per visit: a double tap, a retried event or a change of mind
 * after 「不用了」 finds the same task); returns the words to answer with.
 */
export async function answerNoShow(
  deps: Deps,
  clinicId: string,
  id: string,
  lineUserId: string,
  answer: 'rebook' | 'decline',
): Promise<string> {
  const repo = followUpRepository(deps.db);
  const row = await repo.noShow(clinicId, id);
  if (!row || !row.line_user_id || row.line_user_id !== lineUserId) return NO_SHOW_REPLIES.unknown;
  const at = deps.clock.now().toISOString();
  const actor: Actor = { type: 'patient', id: lineUserId, label: '病患本人（LINE）' };
  const audit = (db: Kysely<DB>) =>
    recordAudit(db, deps.clock, {
      clinicId,
      actor,
      action: 'no_show.answered',
      entityType: 'no_show_message',
      entityId: id,
      detail: { answer, appointmentId: row.appointment_id },
    });
  if (answer === 'rebook') {
    if (row.status === 'rebook') return NO_SHOW_REPLIES.rebook;
    if (row.status !== 'sent' && row.status !== 'declined') return NO_SHOW_REPLIES.unknown;
    const taskId = await openFollowUp(deps, clinicId, {
      patientId: row.patient_id,
      appointmentId: row.appointment_id,
      lineUserId,
      source: 'no_show',
      priority: 'high',
      title: '今天未到診，請回電安排回診',
      answer: NO_SHOW_BUTTONS.rebook,
      refId: row.id,
      idempotencyKey: `no_show:${row.appointment_id}`,
    });
    await deps.db.transaction().execute(async (trx) => {
      const moved = await followUpRepository(trx).moveNoShow(clinicId, id, ['sent', 'declined'], {
        status: 'rebook',
        answer,
        answered_at: at,
        answered_by: lineUserId,
        follow_up_id: taskId,
        updated_at: at,
      });
      if (moved) await audit(trx);
    });
    return NO_SHOW_REPLIES.rebook;
  }
  if (row.status === 'rebook') return NO_SHOW_REPLIES.declineAfterRebook;
  if (row.status === 'declined') return NO_SHOW_REPLIES.decline;
  if (row.status !== 'sent') return NO_SHOW_REPLIES.unknown;
  await deps.db.transaction().execute(async (trx) => {
    const moved = await followUpRepository(trx).moveNoShow(clinicId, id, ['sent'], {
      status: 'declined',
      answer,
      answered_at: at,
      answered_by: lineUserId,
      updated_at: at,
    });
    if (moved) await audit(trx);
  });
  return NO_SHOW_REPLIES.decline;
}

/** onPostback hook: `fu=ns:<messageId>:rebook|decline`. */
export async function onFollowUpPostback(ctx: EventContext, data: string): Promise<boolean> {
  const m = /^fu=ns:([^:]+):(rebook|decline)$/.exec(data);
  if (!m) return false;
  const text = await answerNoShow(ctx.deps, ctx.clinicId, m[1], ctx.lineUserId, m[2] as 'rebook' | 'decline');
  await respond(ctx, [{ type: 'text', text }], 'no_show');
  return true;
}

export function noShowService(deps: Deps) {
  const repo = followUpRepository(deps.db);

  async function view(clinicId: string) {
    const s = await noShowSettings(deps, clinicId);
    const clinic = await clinicService(deps).get(clinicId);
    const { quietHours } = await loadSettings(deps.db, clinicId);
    return {
      ...s,
      defaults: NO_SHOW_DEFAULTS,
      buttons: { rebook: NO_SHOW_BUTTONS.rebook, decline: NO_SHOW_BUTTONS.decline },
      replies: { rebook: NO_SHOW_REPLIES.rebook, decline: NO_SHOW_REPLIES.decline },
      clinicName: clinic.name,
      quietHours,
    };
  }

  return {
    settings: view,

    async saveSettings(
      clinicId: string,
      input: { enabled: boolean; text: string; delayMinutes: number },
      actor: Actor,
      ip: string,
    ) {
      const text = input.text.trim();
      if (!text) throw errors.validation([{ field: 'text', code: 'required', message: '請填寫訊息內容' }]);
      if ([...text].length > NO_SHOW_TEXT_MAX)
        throw errors.validation([
          { field: 'text', code: 'maxLength', message: `訊息內容最多 ${NO_SHOW_TEXT_MAX} 個字（LINE 按鈕訊息的限制）` },
        ]);
      const unknown = [...text.matchAll(/\{([^}]*)\}/g)]
        .map((m) => m[1])
        .filter((k) => !['name', 'clinicName'].includes(k));
      if (unknown.length)
        throw errors.validation([
          {
            field: 'text',
            code: 'placeholder',
            message: `不認得的代入欄位 {${unknown[0]}}；可用 {name}（病患姓名）與 {clinicName}（診所名稱）`,
          },
        ]);
      if (!Number.isInteger(input.delayMinutes) || input.delayMinutes < 0 || input.delayMinutes > NO_SHOW_DELAY_MAX)
        throw errors.validation([
          { field: 'delayMinutes', code: 'range', message: `延後時間請填 0 到 ${NO_SHOW_DELAY_MAX} 分鐘` },
        ]);
      const before = await noShowSettings(deps, clinicId);
      await deps.db.transaction().execute(async (trx) => {
        await followUpRepository(trx).saveNoShowSettings({
          clinic_id: clinicId,
          enabled: input.enabled ? 1 : 0,
          text,
          delay_minutes: input.delayMinutes,
          updated_at: deps.clock.now().toISOString(),
        });
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'no_show.settings_saved',
          entityType: 'clinic',
          entityId: clinicId,
          ip,
          detail: { before, change: { enabled: input.enabled, text, delayMinutes: input.delayMinutes } },
        });
      });
      return view(clinicId);
    },

    /** What was sent and answered, newest first, with the patient and the visit. */
    async log(clinicId: string, q: { limit: number; offset: number }) {
      const tz = await clinicService(deps).timeZoneOf(clinicId);
      const [rows, total] = await Promise.all([
        repo.noShowLog(clinicId, q.limit, q.offset),
        repo.noShowCount(clinicId),
      ]);
      const [patients, visits] = await Promise.all([
        patientsByIds(deps.db, clinicId, [...new Set(rows.map((r) => r.patient_id))]),
        appointmentsByIds(deps, clinicId, [...new Set(rows.map((r) => r.appointment_id))]),
      ]);
      const pm = new Map(patients.map((p) => [p.id, p]));
      const vm = new Map(visits.map((v) => [v.id, v]));
      return {
        items: rows.map((r: NoShowMessageRow) => {
          const v = vm.get(r.appointment_id);
          return {
            id: r.id,
            appointmentId: r.appointment_id,
            patientId: r.patient_id,
            patientName: pm.get(r.patient_id)?.name ?? null,
            chartNo: pm.get(r.patient_id)?.chartNo ?? null,
            visitText: v
              ? `${formatInZone(v.starts_at, tz)} ${v.doctor.name}${v.visit_type ? `（${v.visit_type}）` : ''}`
              : null,
            status: r.status as NoShowStatus,
            statusLabel: NO_SHOW_STATUSES[r.status as NoShowStatus] ?? r.status,
            skipReason: r.skip_reason as NoShowSkipReason | null,
            skipReasonLabel: r.skip_reason
              ? (NO_SHOW_SKIP_REASONS[r.skip_reason as NoShowSkipReason] ?? r.skip_reason)
              : null,
            markedAt: r.marked_at,
            sendAt: r.send_at,
            sentAt: r.sent_at,
            answeredAt: r.answered_at,
            followUpId: r.follow_up_id,
          };
        }),
        total,
      };
    },
  };
}
