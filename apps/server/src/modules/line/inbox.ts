// The inbox's contract with the other modules: hand a LINE user's conversation to a person
// (it shows as 待回覆 with the reason and a timer; the caller sends its own acknowledgement),
// whether the bot is paused for a user (a staff member wrote recently: the event handler then
// skips every text hook), and the hooks run after a staff reply (e.g. a case's reply clock).
import type { Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { inboxRepository } from './inbox.repository.ts';

export type HandOffReason = 'handoff' | 'bot_failed' | 'reminder_text' | 'complaint' | 'care' | 'conversation';

export const HAND_OFF_REASONS: HandOffReason[] = [
  'handoff',
  'bot_failed',
  'reminder_text',
  'complaint',
  'care',
  'conversation',
];

/** Run after a staff member's reply in the inbox was sent (or queued). */
export type AfterStaffReply = (deps: Deps, clinicId: string, lineUserId: string, actor: Actor) => Promise<void>;

/** The bot pauses this long for a user after a staff member wrote, unless the clinic set another time. */
export const DEFAULT_BOT_PAUSE_MINUTES = 30;

/**
 * Marks the conversation 待回覆 (waiting for a person) with the reason, an optional note and
 * appointment; the wait's timer keeps its start when it already waits. Sends nothing.
 */
export async function handToPerson(
  deps: Deps,
  clinicId: string,
  lineUserId: string,
  w: { reason: HandOffReason; note?: string; appointmentId?: string },
): Promise<void> {
  await inboxRepository(deps.db).setWaiting(clinicId, lineUserId, {
    reason: w.reason,
    note: w.note ? w.note.slice(0, 500) : null,
    appointmentId: w.appointmentId ?? null,
    at: deps.clock.now().toISOString(),
  });
}

/** Whether a staff member wrote to this user recently (the bot keeps quiet until the pause ends). */
export async function isBotPaused(deps: Deps, clinicId: string, lineUserId: string): Promise<boolean> {
  const until = await inboxRepository(deps.db).botPausedUntil(clinicId, lineUserId);
  return until !== null && until > deps.clock.now().toISOString();
}
