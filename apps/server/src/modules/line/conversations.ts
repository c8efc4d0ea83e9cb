// What patients write to the clinic and nobody has answered yet. A message no automatic reply
// answered is acknowledged through the free Reply API (worded with the clinic's business hours,
// at most one acknowledgement per user in ACK_QUIET_HOURS) and waits for the front desk, who
// sees a count on the home page, reads the conversation, replies (a push) or marks it handled.
import type { messagingApi } from '@line/bot-sdk';
import type { Actor } from '../../platform/audit.ts';
import { recordAudit } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { wakeWorkers } from '../../platform/jobs.ts';
import { bindingService } from '../binding/service.ts';
import { clinicService } from '../clinics/service.ts';
import { respond, type EventContext } from './events.ts';
import { failedAnswerReply, handOffReply } from './hours.ts';
import { handToPerson, isBotPaused } from './inbox.ts';
import { inboxRepository } from './inbox.repository.ts';
import { queuePush } from './push.ts';
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
export async function noteIncoming(ctx: EventContext, _text: string, answered: boolean): Promise<void> {
  const { deps, clinicId, lineUserId } = ctx;
  const inbox = inboxRepository(deps.db);
  const at = ctx.at;
  if (answered) {
    await inbox.setBotHandled(clinicId, lineUserId, deps.clock.now().toISOString());
    return;
  }
  const paused = await isBotPaused(deps, clinicId, lineUserId);
  await inbox.setWaiting(clinicId, lineUserId, {
    reason: paused ? 'conversation' : 'bot_failed',
    note: null,
    appointmentId: null,
    at,
    keepReason: true,
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

export function conversationService(deps: Deps) {
  const repo = lineRepository(deps.db);
  const now = () => deps.clock.now().toISOString();

  async function existing(clinicId: string, lineUserId: string) {
    const c = await repo.conversation(clinicId, lineUserId);
    if (!c) throw errors.notFound('對話');
    return c;
  }

  return {
    summary: async (clinicId: string) => ({ unanswered: await repo.unansweredCount(clinicId) }),

    async list(clinicId: string, unansweredOnly: boolean) {
      const rows = await repo.conversations(clinicId, { unansweredOnly, limit: 200 });
      return {
        items: rows.map((r) => ({
          lineUserId: r.line_user_id,
          displayName: r.display_name ?? '',
          pictureUrl: r.picture_url ?? null,
          lastText: r.last_in_text,
          lastAt: r.last_in_at,
          unanswered: r.unanswered_since !== null,
          unansweredSince: r.unanswered_since,
        })),
      };
    },

    async get(clinicId: string, lineUserId: string) {
      const c = await existing(clinicId, lineUserId);
      const [friend, messages, family] = await Promise.all([
        repo.friend(clinicId, lineUserId),
        repo.messagesOf(clinicId, lineUserId, 100),
        bindingService(deps).familyOf(clinicId, lineUserId),
      ]);
      return {
        lineUserId,
        displayName: friend?.display_name ?? '',
        pictureUrl: friend?.picture_url ?? null,
        friendState: friend?.state ?? 'unknown',
        unanswered: c.unanswered_since !== null,
        unansweredSince: c.unanswered_since,
        handledAt: c.handled_at,
        handledBy: c.handled_by,
        patients: family.map((p) => ({ id: p.id, hisId: p.hisId, name: p.name })),
        messages: messages.reverse().map((m) => ({
          id: m.id,
          direction: m.direction === 'in' ? ('in' as const) : ('out' as const),
          kind: m.kind,
          text: m.text,
          source: m.source,
          at: m.created_at,
        })),
      };
    },

    /** The front desk answers: the text is pushed (a paid message) and the conversation is handled. */
    async reply(clinicId: string, lineUserId: string, text: string, actor: Actor, ip: string) {
      await existing(clinicId, lineUserId);
      await deps.db.transaction().execute(async (trx) => {
        await queuePush(trx, deps, clinicId, {
          to: lineUserId,
          messages: [{ type: 'text', text }],
          source: 'staff',
        });
        await inboxRepository(trx).setDone(clinicId, lineUserId, now(), actor.label);
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'line.conversation_replied',
          entityType: 'line_user',
          entityId: lineUserId,
          ip,
          detail: { chars: text.length },
        });
      });
      wakeWorkers();
      return this.get(clinicId, lineUserId);
    },

    async handled(clinicId: string, lineUserId: string, actor: Actor, ip: string) {
      await existing(clinicId, lineUserId);
      await inboxRepository(deps.db).setDone(clinicId, lineUserId, now(), actor.label);
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'line.conversation_handled',
        entityType: 'line_user',
        entityId: lineUserId,
        ip,
      });
      return this.get(clinicId, lineUserId);
    },
  };
}
