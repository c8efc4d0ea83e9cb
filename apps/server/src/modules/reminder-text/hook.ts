// Free-text answers to reminders (the first onText hook of line.event jobs, and its postback).
// It acts only when this LINE user was sent a reminder in the last REMINDED_DAYS days for an
// appointment that is still to come and still answerable; otherwise the message goes on to the
// other hooks (FAQ, auto replies, the inbox). With several such appointments (a family) the
// soonest one is meant, and the question names it.
//   confident confirm / cancel / reschedule → 「要幫您申請改期嗎？」[是，申請改期][不用]: the tap
//     does what the reminder buttons do (the answers service, the patient's words as the note)
//   running late, a question, anything unclear → a person (handToPerson, with the appointment)
//     and a polite acknowledgement; never 「無效的回覆」.
// One row per LINE event (reminder_text_replies): a retried job finds it and sends nothing again.
// The proposal's id is its buttons' postback data; a second tap, a proposal older than
// PROPOSAL_HOURS or an appointment that changed meanwhile gets a polite explanation.
import type { messagingApi } from '@line/bot-sdk';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { answerAppointment, answerService, dateLabel, type Answer, type AppointmentView } from '../answers/service.ts';
import { clinicService } from '../clinics/service.ts';
import { respond, type EventContext } from '../line/events.ts';
import { answeredMessages } from '../reminders/postback.ts';
import { remindedAppointments } from '../reminders/sent-to.ts';
import { classify, CONFIDENT, type Classification } from './classify.ts';
import { reminderTextRepository, type ReminderTextRow } from './repository.ts';

/** A message within this many days after a reminder may answer it. */
export const REMINDED_DAYS = 3;
/** The one-tap buttons work this long. */
export const PROPOSAL_HOURS = 24;
const POSTBACK = 'rtx1:';

export type HandToPerson = (
  deps: Deps,
  clinicId: string,
  lineUserId: string,
  opts: {
    reason: 'handoff' | 'bot_failed' | 'reminder_text' | 'complaint' | 'care';
    note?: string;
    appointmentId?: string;
  },
) => Promise<void>;

const text = (t: string): messagingApi.TextMessage => ({ type: 'text', text: t });

/** Replies while the token is fresh, pushes otherwise (a late retry), once per event and source. */
const say = (ctx: EventContext, messages: messagingApi.Message[], source: string) => respond(ctx, messages, source);

const QUESTION: Record<Answer, (when: string) => string> = {
  confirm: (when) => `要幫您確認 ${when} 的預約會準時到嗎？`,
  cancel: (when) => `要幫您申請取消 ${when} 的預約嗎？`,
  reschedule: (when) => `要幫您申請改期嗎？（目前預約：${when}）`,
};
const YES: Record<Answer, string> = { confirm: '是，確認赴約', cancel: '是，申請取消', reschedule: '是，申請改期' };

/** The appointment a free-text message may answer: the soonest answerable one reminded of recently. */
async function remindedAnswerable(deps: Deps, clinicId: string, lineUserId: string) {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - REMINDED_DAYS * 86_400_000).toISOString();
  const reminded = await remindedAppointments(deps.db, clinicId, lineUserId, since, now.toISOString());
  const answers = answerService(deps);
  const views: AppointmentView[] = [];
  for (const r of reminded) {
    const v = await answers.view(clinicId, r.appointmentId).catch(() => null);
    if (v && (v.canCancel || v.canConfirm)) views.push(v);
  }
  return views.sort((a, b) => a.startsAt.localeCompare(b.startsAt))[0] ?? null;
}

function acknowledgementOf(c: Classification, clinicPhone: string): string {
  const call = clinicPhone ? `如有急事請來電 ${clinicPhone}。` : '';
  if (c.intent === 'running_late')
    return c.minutes
      ? `收到，已通知櫃台您會晚到約 ${c.minutes} 分鐘。路上小心！`
      : '收到，已通知櫃台您會晚一點到。路上小心！';
  return `收到您的訊息，已轉給櫃台人員，會盡快回覆您。${call}`;
}

export function reminderTextHooks(handToPerson: HandToPerson) {
  async function answerReminderText(ctx: EventContext, message: string): Promise<boolean> {
    const { deps, clinicId, lineUserId } = ctx;
    const eventId = typeof ctx.event.webhookEventId === 'string' ? ctx.event.webhookEventId : null;
    if (!eventId) return false;
    const repo = reminderTextRepository(deps.db);
    const appt = await remindedAnswerable(deps, clinicId, lineUserId);
    if (!appt) return false;
    const c = classify(message);
    const now = deps.clock.now();
    const clinic = await clinicService(deps).get(clinicId);
    const when = `${dateLabel(appt.startsAt, clinic.timeZone, now)}（${appt.doctorName}醫師）`;
    const wanted = c.intent === 'confirm' || c.intent === 'cancel' || c.intent === 'reschedule' ? c.intent : null;
    // 「好」 to an appointment already confirmed: nothing to ask, a thank-you is enough.
    const alreadyConfirmed = wanted === 'confirm' && c.confidence >= CONFIDENT && !appt.canConfirm;
    const propose = wanted !== null && c.confidence >= CONFIDENT && !alreadyConfirmed;
    const id = newId();
    const stored = await repo.insertOnce({
      id,
      clinic_id: clinicId,
      line_user_id: lineUserId,
      event_id: eventId,
      appointment_id: appt.id,
      text: message.slice(0, 2000),
      intent: c.intent,
      confidence: Math.round(c.confidence * 100),
      status: propose ? 'proposed' : alreadyConfirmed ? 'noted' : 'handed',
      expires_at: new Date(now.getTime() + PROPOSAL_HOURS * 3_600_000).toISOString(),
      created_at: now.toISOString(),
      answered_at: null,
    });
    if (!stored) return true; // this event was dealt with before (a retried job): nothing twice
    if (alreadyConfirmed) {
      await say(ctx, [text(`您已經確認 ${when} 的預約，謝謝您！我們到時見。`)], 'reminder_text');
      return true;
    }
    if (propose && wanted) {
      const quoted = message.length > 60 ? `${message.slice(0, 60)}…` : message;
      const body = `${QUESTION[wanted](when)}${wanted === 'confirm' ? '' : `\n您說：「${quoted}」`}`;
      const template: messagingApi.TemplateMessage = {
        type: 'template',
        altText: QUESTION[wanted](when),
        template: {
          type: 'confirm',
          text: body.slice(0, 240),
          actions: [
            { type: 'postback', label: YES[wanted], data: `${POSTBACK}${id}:y`, displayText: YES[wanted] },
            { type: 'postback', label: '不用', data: `${POSTBACK}${id}:n`, displayText: '不用' },
          ],
        },
      };
      await say(ctx, [template], 'reminder_text');
      return true;
    }
    await handToPerson(deps, clinicId, lineUserId, {
      reason: 'reminder_text',
      appointmentId: appt.id,
      note: `關於 ${when} 的預約：${message.slice(0, 500)}`,
    });
    await say(ctx, [text(acknowledgementOf(c, clinic.phone))], 'reminder_text.handoff');
    return true;
  }

  async function onReminderTextPostback(ctx: EventContext, data: string): Promise<boolean> {
    if (!data.startsWith(POSTBACK)) return false;
    const { deps, clinicId, lineUserId } = ctx;
    const [id, choice] = data.slice(POSTBACK.length).split(':');
    const repo = reminderTextRepository(deps.db);
    const row = id ? await repo.byId(clinicId, id) : undefined;
    const clinic = await clinicService(deps).get(clinicId);
    const call = clinic.phone ? `，或來電診所（${clinic.phone}）` : '';
    const now = deps.clock.now();
    if (!row || row.line_user_id !== lineUserId || (choice !== 'y' && choice !== 'n')) {
      await say(ctx, [text(`找不到這個申請，請開啟選單中的「我的預約」操作${call}。`)], 'reminder_text');
      return true;
    }
    if (row.status !== 'proposed') {
      await say(ctx, [text(alreadySettled(row))], 'reminder_text');
      return true;
    }
    if (row.expires_at <= now.toISOString()) {
      await repo.settle(clinicId, row.id, 'proposed', 'expired', now.toISOString());
      await say(
        ctx,
        [
          text(
            `這個確認按鈕已超過 ${PROPOSAL_HOURS} 小時，預約沒有變更。` +
              `如仍需要，請再傳一次訊息，或開啟選單中的「我的預約」${call}。`,
          ),
        ],
        'reminder_text',
      );
      return true;
    }
    if (choice === 'n') {
      await repo.settle(clinicId, row.id, 'proposed', 'declined', now.toISOString());
      await say(ctx, [text('好的，預約維持不變。如有其他需要，直接在這裡留言，櫃台人員會回覆您。')], 'reminder_text');
      return true;
    }
    const answer = row.intent as Answer;
    let view;
    try {
      view = await answerAppointment(deps, {
        clinicId,
        appointmentId: row.appointment_id,
        lineUserId,
        answer,
        note: answer === 'confirm' ? undefined : row.text,
        source: 'reminder',
        acknowledge: false,
      });
    } catch (err) {
      if (err instanceof AppError && err.status < 500) {
        // The appointment changed since the question (cancelled, past, answered another way).
        await repo.settle(clinicId, row.id, 'proposed', 'refused', now.toISOString());
        await say(
          ctx,
          [text(err.status === 404 ? `找不到這筆預約，可能已經由診所更新${call}。` : err.message)],
          'reminder_text',
        );
        return true;
      }
      throw err;
    }
    await repo.settle(clinicId, row.id, 'proposed', 'accepted', now.toISOString());
    await say(ctx, await answeredMessages(deps, clinicId, answer, view, now), 'reminder_text');
    return true;
  }

  return { answerReminderText, onReminderTextPostback };
}

function alreadySettled(row: ReminderTextRow): string {
  switch (row.status) {
    case 'accepted':
      return row.intent === 'confirm'
        ? '您已經確認過了，不需要再按一次，謝謝您！'
        : `這個${row.intent === 'cancel' ? '取消' : '改期'}申請已經送出了，不需要再按一次，櫃台會盡快與您聯絡。`;
    case 'declined':
      return '您已選擇「不用」，預約維持不變。如有需要，請直接在這裡留言。';
    case 'expired':
      return '這個確認按鈕已過期，預約沒有變更。如仍需要，請再傳一次訊息。';
    default:
      return '這個按鈕已經處理過了。如有需要，請直接在這裡留言，櫃台人員會回覆您。';
  }
}
