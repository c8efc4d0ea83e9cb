// The text hook for LINE events: answer with the best canned reply, using the free reply API.
import type { EventContext } from '../line/events.ts';
import { autoReplyService, toLineMessage } from './service.ts';

export async function answerWithAutoReply(ctx: EventContext, text: string): Promise<boolean> {
  const svc = autoReplyService(ctx.deps);
  const m = await svc.match(ctx.clinicId, text);
  if (!m) return false;
  await svc.recordHit(ctx.clinicId, m.reply.id);
  if (!ctx.replyToken) return true; // matched, but too late to reply for free; nothing is pushed
  await ctx.line.reply(
    ctx.clinicId,
    ctx.lineUserId,
    ctx.replyToken,
    [toLineMessage(m.reply.reply)],
    `auto_reply:${m.reply.id}`,
  );
  return true;
}
