// Taps on reminder buttons (the `onPostback` hook of line.event jobs). The postback data is a
// signed, expiring token (templates.ts); a forged or expired one gets a polite reply and changes
// nothing. Confirm / cancel / reschedule go through answerAppointment (the one set of rules
// for answers: after the visit, cancelled, or the same answer again → a polite refusal, no change).
// A cancel asks for a reason with quick replies; a reschedule offers a date-time picker for the
// preferred time. Replies use the free reply token; without one (a late retry) a push job.
import type { messagingApi } from '@line/bot-sdk';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { queuePush } from '../line/push.ts';
import { answerAppointment, answerService, dateLabel, type Answer } from '../answers/service.ts';
import { clinicService } from '../clinics/service.ts';
import type { EventContext } from '../line/events.ts';
import { signToken, verifyToken, type TokenAction } from './templates.ts';

export const REASONS: Record<'x1' | 'x2' | 'x3', string> = { x1: '時間無法配合', x2: '身體不適', x3: '其他' };

async function say(ctx: EventContext, messages: messagingApi.Message[]): Promise<void> {
  if (ctx.replyToken) {
    const r = await ctx.line.reply(ctx.clinicId, ctx.lineUserId, ctx.replyToken, messages, 'reminder.answer');
    if (r.ok) return;
  }
  await queuePush(ctx.deps.db, ctx.deps, ctx.clinicId, { to: ctx.lineUserId, messages, source: 'reminder.answer' });
}

const text = (t: string, quickReply?: messagingApi.QuickReply): messagingApi.TextMessage => ({
  type: 'text',
  text: t,
  ...(quickReply ? { quickReply } : {}),
});

async function clinicPhone(deps: Deps, clinicId: string): Promise<string> {
  const c = await clinicService(deps).get(clinicId);
  return c.phone ? `（${c.phone}）` : '';
}

export async function onReminderPostback(
  ctx: EventContext,
  data: string,
  params: Record<string, string>,
): Promise<boolean> {
  const { deps, clinicId, lineUserId } = ctx;
  const now = deps.clock.now();
  const check = verifyToken(deps.crypto, data, now);
  if (!check.ok && check.reason === 'not_ours') return false;
  const phone = await clinicPhone(deps, clinicId);
  if (!check.ok) {
    await say(ctx, [
      text(
        check.reason === 'expired'
          ? `這則提醒的按鈕已過期，無法再回覆。如需確認、取消或改期，請開啟選單中的「我的預約」，或來電診所${phone}。`
          : `無法辨識這個按鈕，請使用最新的提醒訊息操作，或來電診所${phone}。`,
      ),
    ]);
    return true;
  }
  const { appointmentId, action, expiresAt } = check.payload;

  if (action === 'x1' || action === 'x2' || action === 'x3') {
    const ok = await answerService(deps).addToRequest(clinicId, appointmentId, 'cancel_request', {
      reason: REASONS[action],
    });
    await say(ctx, [
      text(
        ok
          ? `謝謝您告訴我們（${REASONS[action]}），櫃台會盡快為您處理取消。`
          : `這筆取消請求櫃台已經處理了，如有問題請來電診所${phone}。`,
      ),
    ]);
    return true;
  }
  if (action === 'rt') {
    const picked = params.datetime;
    if (!picked) return true;
    const ok = await answerService(deps).addToRequest(clinicId, appointmentId, 'reschedule_request', {
      preferredTime: picked,
    });
    const label = picked.replace('T', ' ');
    await say(ctx, [
      text(
        ok
          ? `已記下您方便的時間：${label}。櫃台會與您聯絡確認新的時間。`
          : `這筆改期請求櫃台已經處理了，如有問題請來電診所${phone}。`,
      ),
    ]);
    return true;
  }

  const answer: Answer = action === 'c' ? 'confirm' : action === 'x' ? 'cancel' : 'reschedule';
  let view;
  try {
    view = await answerAppointment(deps, {
      clinicId,
      appointmentId,
      lineUserId,
      answer,
      source: 'reminder',
      acknowledge: false,
    });
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      await say(ctx, [
        text(err.status === 404 ? `找不到這筆預約，可能已經由診所更新。如有問題請來電診所${phone}。` : err.message),
      ]);
      return true;
    }
    throw err;
  }
  await say(ctx, await answeredMessages(deps, clinicId, answer, view, now, expiresAt));
  return true;
}

/**
 * What the patient reads after an accepted answer (the reminder buttons and the one-tap
 * confirmation of a free-text answer): a cancel asks for a reason with quick replies, a
 * reschedule offers a date-time picker for the preferred time (both answered by onReminderPostback).
 */
export async function answeredMessages(
  deps: Deps,
  clinicId: string,
  answer: Answer,
  view: { id: string; startsAt: string; doctorName: string },
  now: Date,
  /** Until when the follow-up buttons work (the reminder's own; a day after the visit otherwise, as the reminder's). */
  expiresAt: Date = new Date(Date.parse(view.startsAt) + 86_400_000),
): Promise<messagingApi.Message[]> {
  const appointmentId = view.id;
  const tok = (a: TokenAction) => signToken(deps.crypto, { appointmentId, action: a, expiresAt });
  const clinic = await clinicService(deps).get(clinicId);
  const when = dateLabel(view.startsAt, clinic.timeZone, now);
  if (answer === 'confirm') {
    return [text(`已收到您的確認：${when}（${view.doctorName}醫師）。我們到時見！`)];
  } else if (answer === 'cancel') {
    return [
      text(`已收到您的取消請求：${when}（${view.doctorName}醫師），櫃台確認後即完成取消。\n方便告訴我們原因嗎？`, {
        items: (['x1', 'x2', 'x3'] as const).map((k) => ({
          type: 'action',
          action: { type: 'postback', label: REASONS[k], data: tok(k), displayText: REASONS[k] },
        })),
      }),
    ];
  } else {
    const toLocal = (d: Date) =>
      new Intl.DateTimeFormat('sv-SE', {
        timeZone: clinic.timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .format(d)
        .replace(' ', 'T');
    return [
      text(`已收到您的改期請求：${when}（${view.doctorName}醫師）。\n請選擇您方便的時間，櫃台會與您聯絡確認。`, {
        items: [
          {
            type: 'action',
            action: {
              type: 'datetimepicker',
              label: '選擇方便的時間',
              data: tok('rt'),
              mode: 'datetime',
              initial: toLocal(new Date(now.getTime() + 86_400_000)),
              min: toLocal(now),
              max: toLocal(new Date(now.getTime() + 90 * 86_400_000)),
            },
          },
        ],
      }),
    ];
  }
}
