// The LINE hooks of the inbox: after every message, the conversation is the bot's (answered) or
// waits for a person (待回覆), acknowledged through the free Reply API with an offer of a person
// and when one answers (business hours), at most once per user in ACK_QUIET_HOURS; and
// 「找真人」「客服」… hand the conversation to a person.
import type { messagingApi } from '@line/bot-sdk';
import type { Compilable } from 'kysely';
import { clinicService } from '../clinics/service.ts';
import { respond, type EventContext } from './events.ts';
import { failedAnswerReply, handOffReply } from './hours.ts';
import { handToPerson, isBotPaused } from './inbox.ts';
import { inboxRepository } from './inbox.repository.ts';
import { lineRepository } from './repository.ts';

/** A user who keeps writing gets one acknowledgement in this many hours, not one per message. */
export const ACK_QUIET_HOURS = 6;

/** The quick reply that asks for a person (the requestPerson hook recognises its text). */
export const ASK_PERSON_TEXT = '找真人';

/**
 * The hook after a message. Answered by a hook: the bot handles it (a conversation already
 * waiting for a person keeps waiting). Not answered: it waits for a person; unless a staff member
 * is talking with the user (the bot is paused), the user gets an acknowledgement through the free
 * Reply API that offers a person and says when one answers — at most one per ACK_QUIET_HOURS.
 */
export async function noteIncoming(
  ctx: EventContext,
  _text: string,
  answered: boolean,
): Promise<readonly Compilable<unknown>[] | void> {
  const { deps, clinicId, lineUserId } = ctx;
  const inbox = inboxRepository(deps.db);
  const at = ctx.at;
  // answered: written with the event's processed mark (one commit, not two)
  if (answered) return [inbox.setBotHandledQuery(clinicId, lineUserId, deps.clock.now().toISOString())];
  const paused = await isBotPaused(deps, clinicId, lineUserId);
  await inbox.setWaiting(clinicId, lineUserId, {
    reason: paused ? 'conversation' : 'bot_failed',
    note: null,
    appointmentId: null,
    at,
    keepReason: true,
    now: deps.clock.now().toISOString(),
  });
  if (paused || !ctx.replyToken) return; // too late for a free reply: the inbox still shows it
  const now = deps.clock.now();
  const since = new Date(now.getTime() - ACK_QUIET_HOURS * 3_600_000).toISOString();
  if (!(await lineRepository(deps.db).claimAck(clinicId, lineUserId, now.toISOString(), since))) return;
  const clinic = await clinicService(deps).get(clinicId);
  const messages: messagingApi.Message[] = [
    {
      type: 'text',
      text: failedAnswerReply(clinic, now),
      quickReply: {
        items: [{ type: 'action', action: { type: 'message', label: ASK_PERSON_TEXT, text: ASK_PERSON_TEXT } }],
      },
    },
  ];
  await ctx.line.reply(clinicId, lineUserId, ctx.replyToken, messages, 'acknowledgement');
}

/** Words that ask for a person, once courtesy words around them are dropped (「我要找真人」「請幫我轉客服」). */
const PERSON_WORDS = new Set([
  '真人',
  '找真人',
  '客服',
  '真人客服',
  '人工',
  '人工客服',
  '專人',
  '真人回覆',
  '專人回覆',
  '櫃台',
  '櫃檯',
  '服務人員',
  '工作人員',
  '轉接',
]);

/** Whether a message asks for a person (and nothing else): short, and only a person word once trimmed. */
export function asksForPerson(text: string): boolean {
  const t = text
    .normalize('NFKC')
    .replace(/[\s\p{P}\p{S}]/gu, '')
    .replace(/^(你好|您好|哈囉|請問|不好意思)+/, '')
    .replace(/^(我要|我想要|我想|請|麻煩|幫我|可以|能不能|能否)+/, '')
    .replace(/^(找|轉|轉接|接|聯絡|聯繫|跟|和|與)+/, '')
    .replace(/(說話|對話|談|聊|回覆|服務)?(嗎|好嗎|可以嗎|謝謝|一下|拜託)*$/, '');
  return t.length > 0 && t.length <= 8 && (PERSON_WORDS.has(t) || PERSON_WORDS.has(`找${t}`));
}

/**
 * The hand-off hook: 「找真人」「客服」「人工」… → the conversation waits for a person, and the
 * user is told a person will answer and when (by business hours).
 */
export async function requestPerson(ctx: EventContext, text: string): Promise<boolean> {
  if (!asksForPerson(text)) return false;
  const { deps, clinicId, lineUserId } = ctx;
  await handToPerson(deps, clinicId, lineUserId, { reason: 'handoff' });
  const clinic = await clinicService(deps).get(clinicId);
  await respond(ctx, [{ type: 'text', text: handOffReply(clinic, deps.clock.now()) }], 'handoff');
  return true;
}
