// The FAQ bot in the LINE event job: the last text hook (after the exact keyword replies) and
// the postbacks of its answers (有幫助 / 沒幫助, a button that shows another FAQ).
import type { messagingApi } from '@line/bot-sdk';
import { clinicService, type BusinessHour } from '../clinics/service.ts';
import { respond, type EventContext } from '../line/events.ts';
import { handOffReply, isOpen, nextOpening } from '../line/hours.ts';
import { handToPerson } from '../line/inbox.ts';
import type { FaqAnswerValue } from './schemas.ts';
import { fillAnswer, faqService } from './service.ts';

const FEEDBACK_QUESTION = '這個回答有幫助嗎？';

/** Outside business hours: when a person will reply, for the end of an automatic answer. */
export function afterHoursNote(clinic: { businessHours: BusinessHour[]; timeZone: string }, at: Date): string | null {
  if (clinic.businessHours.length === 0 || isOpen(clinic.businessHours, clinic.timeZone, at)) return null;
  const next = nextOpening(clinic.businessHours, clinic.timeZone, at);
  return next
    ? `目前非服務時間，如需專人協助，櫃台人員將於${next}上班後回覆您。`
    : '目前非服務時間，如需專人協助，櫃台人員將於上班時間回覆您。';
}

/** The answer as LINE messages: text, or a Flex bubble when it has buttons. */
export function answerMessages(a: FaqAnswerValue): messagingApi.Message[] {
  if (a.buttons.length === 0) return [{ type: 'text', text: a.text }];
  const bubble = {
    type: 'bubble',
    body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: a.text, wrap: true }] },
    footer: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: a.buttons.map((b) => ({
        type: 'button',
        style: 'link',
        height: 'sm',
        action:
          b.action === 'uri'
            ? { type: 'uri', label: b.label, uri: b.value }
            : b.action === 'message'
              ? { type: 'message', label: b.label, text: b.value }
              : { type: 'postback', label: b.label, data: `faq=show&id=${b.value}`, displayText: b.label },
      })),
    },
  };
  const altText = a.text.length > 400 ? `${a.text.slice(0, 399)}…` : a.text;
  return [{ type: 'flex', altText, contents: bubble } as unknown as messagingApi.Message];
}

function feedbackMessage(questionId: string, note: string | null): messagingApi.Message {
  const item = (label: string, v: string) => ({
    type: 'action' as const,
    action: { type: 'postback' as const, label, data: `faq=fb&q=${questionId}&v=${v}`, displayText: label },
  });
  return {
    type: 'text',
    text: note ? `${note}\n\n${FEEDBACK_QUESTION}` : FEEDBACK_QUESTION,
    quickReply: { items: [item('有幫助', 'yes'), item('沒幫助', 'no')] },
  };
}

/** One key per LINE event, so a retried job finds what it did the first time. */
const eventKeyOf = (ctx: EventContext) => {
  const id = ctx.event.webhookEventId;
  if (typeof id === 'string' && id) return id;
  const msgId = (ctx.event.message as { id?: string } | undefined)?.id;
  return `${ctx.lineUserId}:${msgId ?? ctx.at}`;
};

/**
 * Answers a question the FAQ matches confidently (the free Reply API while the token is fresh,
 * else a push) and asks whether it helped; otherwise records it for the trainer queue and
 * returns false (the inbox hands it to a person).
 */
export async function answerWithFaq(ctx: EventContext, text: string): Promise<boolean> {
  const svc = faqService(ctx.deps);
  const eventKey = eventKeyOf(ctx);
  // Recorded once per event: a retried job matches again but finds the first try's question
  // (and its outcome, its replied-at) instead of recording another.
  const outcome = await svc.match(ctx.clinicId, text);
  const { row, inserted } = await svc.recordQuestion(ctx.clinicId, {
    eventKey,
    lineUserId: ctx.lineUserId,
    text,
    outcome,
  });
  if (row.outcome !== 'answered' || !row.faq_id) return false;
  if (row.replied_at) return true; // a retried job: answered the first time
  // this try's match has its FAQ at hand (same index); a retried job's question looks it up again
  const faq = inserted ? outcome.faq : await svc.enabledFaq(ctx.clinicId, row.faq_id);
  if (!faq) {
    // switched off or deleted between the match and now (a retried job): a person answers
    await svc.markUnsent(ctx.clinicId, row.id);
    return false;
  }
  const clinic = await clinicService(ctx.deps).get(ctx.clinicId);
  const answer = fillAnswer(faq.answer, clinic);
  const note = afterHoursNote(clinic, ctx.deps.clock.now());
  // replied-at with the answer's message log: a retried job finds the question answered
  await respond(ctx, [...answerMessages(answer), feedbackMessage(row.id, note)], `faq:${faq.id}`, [
    svc.markRepliedQuery(ctx.clinicId, row.id),
  ]);
  return true;
}

/** 有幫助 / 沒幫助 on an answer (沒幫助 hands the conversation to a person), and buttons that show another FAQ. */
export async function onFaqPostback(ctx: EventContext, data: string): Promise<boolean> {
  const p = new URLSearchParams(data);
  const kind = p.get('faq');
  if (kind !== 'fb' && kind !== 'show') return false;
  const svc = faqService(ctx.deps);
  if (kind === 'show') {
    const faq = await svc.enabledFaq(ctx.clinicId, p.get('id') ?? '');
    if (faq) await respond(ctx, answerMessages(await svc.filledAnswer(ctx.clinicId, faq)), `faq:${faq.id}`);
    return true;
  }
  const helpful = p.get('v') === 'yes';
  const r = await svc.feedback(ctx.clinicId, ctx.lineUserId, p.get('q') ?? '', helpful);
  if (!r || !r.changed) return true;
  if (helpful) {
    await respond(ctx, [{ type: 'text', text: '謝謝您的回饋！' }], 'faq_feedback');
    return true;
  }
  await handToPerson(ctx.deps, ctx.clinicId, ctx.lineUserId, {
    reason: 'bot_failed',
    note: `常見問題「${r.faqTitle}」的回答沒幫助：${r.question}`,
  });
  const clinic = await clinicService(ctx.deps).get(ctx.clinicId);
  const text = `抱歉沒有幫上忙，${handOffReply(clinic, ctx.deps.clock.now()).replace(/^好的，/, '')}`;
  await respond(ctx, [{ type: 'text', text }], 'faq_feedback');
  return true;
}
