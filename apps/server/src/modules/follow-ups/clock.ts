// The clock of a follow-up task: how much of the clinic's open time may pass before it is
// overdue. Counted like a case's clocks (modules/cases/clock.ts): only time inside the clinic's
// business hours on a working day counts, in the clinic's time zone — a worried answer at
// 22:00 is due two open hours after the clinic opens the next working day, not at midnight.
import { addOpenMinutes, type OpenHours } from '../cases/clock.ts';

export type FollowUpPriority = 'normal' | 'high';

/**
 * The limits, in open minutes: a high-priority task (「很痛，想問醫師」, 請回電) within 2 open
 * hours; a normal one within 8 open hours (about one clinic day).
 */
export const DUE_OPEN_MINUTES: Record<FollowUpPriority, number> = { high: 2 * 60, normal: 8 * 60 };

/** The due time of a task opened at `at` (null: the clinic has no open time within a year). */
export function followUpDueAt(at: Date, priority: FollowUpPriority, oh: OpenHours): Date | null {
  return addOpenMinutes(at, DUE_OPEN_MINUTES[priority], { ...oh, businessHoursOnly: true });
}
