// Kysely table types of free-text answers to reminders (migration 0210_reminder_text.ts).
export interface ReminderTextRepliesTable {
  id: string;
  clinic_id: string;
  line_user_id: string;
  /** The LINE webhookEventId of the message: one row per event. */
  event_id: string;
  appointment_id: string;
  text: string;
  /** confirm | cancel | reschedule | running_late | question | other */
  intent: string;
  /** 0–100 */
  confidence: number;
  /** proposed | accepted | declined | refused | expired | handed | noted */
  status: string;
  expires_at: string;
  created_at: string;
  answered_at: string | null;
}

export interface ReminderTextTables {
  reminder_text_replies: ReminderTextRepliesTable;
}
