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
import type { EventContext } from './events.ts';
import { acknowledgement } from './hours.ts';
import { queuePush } from './push.ts';
import { lineRepository } from './repository.ts';

/** A user who keeps writing gets one acknowledgement in this many hours, not one per message. */
export const ACK_QUIET_HOURS = 6;

/** The hook after a message: answered by an automatic reply, or waiting (and acknowledged). */
export async function noteIncoming(ctx: EventContext, text: string, answered: boolean): Promise<void> {
  const { deps, clinicId, lineUserId } = ctx;
  const repo = lineRepository(deps.db);
  const at = ctx.at;
  await repo.noteInbound(clinicId, lineUserId, at, text.slice(0, 200), !answered);
  if (answered || !ctx.replyToken) return; // too late for a free reply: the count still shows it
  const now = deps.clock.now();
  const since = new Date(now.getTime() - ACK_QUIET_HOURS * 3_600_000).toISOString();
  if (!(await repo.claimAck(clinicId, lineUserId, now.toISOString(), since))) return;
  const clinic = await clinicService(deps).get(clinicId);
  const messages: messagingApi.Message[] = [{ type: 'text', text: acknowledgement(clinic, now) }];
  await ctx.line.reply(clinicId, lineUserId, ctx.replyToken, messages, 'acknowledgement');
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
        await lineRepository(trx).handleConversation(clinicId, lineUserId, now(), actor.label);
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
      await repo.handleConversation(clinicId, lineUserId, now(), actor.label);
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
