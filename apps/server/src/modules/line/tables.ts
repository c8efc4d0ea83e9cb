import type { Generated } from 'kysely';

export interface LineChannelsTable {
  clinic_id: string;
  channel_id: string;
  channel_secret_enc: string;
  access_token_enc: string;
  access_token_hint: string;
  liff_id: string;
  greeting_text: string;
  bot_user_id: string | null;
  bot_name: string | null;
  last_test_at: string | null;
  last_test_ok: number | null;
  last_test_message: string | null;
  /** The webhook check of the last connection test (LINE's endpoint setting and its test call). */
  webhook_ok: number | null;
  webhook_message: string | null;
  /** 1: reminders may go as LINE notification messages to patients who are not friends (approved by LINE). */
  pnp_enabled: number;
  /** auto: LINE marks messages read itself; manual: they show read when staff open the conversation. */
  read_mode: Generated<string>;
  /** How long the bot keeps quiet for a user after a staff member wrote to them. */
  bot_pause_minutes: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface LineWebhookEventsTable {
  id: Generated<number>;
  clinic_id: string;
  webhook_event_id: string;
  type: string;
  line_user_id: string | null;
  event_time: string;
  is_redelivery: number;
  payload: string;
  received_at: string;
  processed_at: string | null;
  outcome: string | null;
}

export interface LineFriendsTable {
  clinic_id: string;
  line_user_id: string;
  display_name: string;
  picture_url: string | null;
  state: string;
  followed_at: string | null;
  blocked_at: string | null;
  unblocked_at: string | null;
  last_event_at: string;
  created_at: string;
  updated_at: string;
}

export interface LineMessagesTable {
  id: Generated<number>;
  clinic_id: string;
  line_user_id: string;
  direction: string;
  kind: string;
  text: string;
  payload: string;
  source: string;
  /** Outgoing only: push (counts toward the quota) | reply (free) | pnp (LINE notification message). */
  method: string | null;
  related_type: string | null;
  related_id: string | null;
  created_at: string;
}

/** A LINE user's conversation with the clinic: what waits for the front desk, the last acknowledgement. */
export interface LineConversationsTable {
  clinic_id: string;
  line_user_id: string;
  last_in_at: string;
  last_in_text: string;
  unanswered_since: string | null;
  last_ack_at: string | null;
  handled_at: string | null;
  handled_by: string | null;
  /** bot (the bot handles it) | waiting (a person must answer; since unanswered_since) | done. */
  state: Generated<string>;
  /** Why it waits: handoff | bot_failed | reminder_text | complaint | care | conversation. */
  waiting_reason: string | null;
  waiting_note: string | null;
  waiting_appointment_id: string | null;
  /** The staff member who answers it (staff id). */
  assignee_id: string | null;
  /** Patient messages since a staff member last opened the conversation. */
  unread_count: Generated<number>;
  staff_read_at: string | null;
  /** Until then the bot does not answer this user (a staff member wrote). */
  bot_paused_until: string | null;
  /** The last message's reply token: one free reply, only within about a minute of reply_token_at. */
  reply_token: string | null;
  reply_token_at: string | null;
  reply_token_used: Generated<number>;
  /** The last message's markAsRead token, and the one last sent to LINE. */
  mark_as_read_token: string | null;
  marked_read_token: string | null;
  /** The last message in or out (the inbox's order). */
  last_at: string | null;
  /** Any change (the inbox's live updates compare it). */
  updated_at: string | null;
}

export interface LineConversationNotesTable {
  id: Generated<number>;
  clinic_id: string;
  line_user_id: string;
  body: string;
  author_id: string | null;
  author_label: string;
  created_at: string;
}

/** One row per staff send: the client's key makes a double click send once. */
export interface LineStaffSendsTable {
  clinic_id: string;
  client_key: string;
  line_user_id: string;
  method: string;
  actor_id: string | null;
  created_at: string;
}

/** Images staff send, served publicly (LINE fetches originalContentUrl) under an unguessable id. */
export interface LineUploadsTable {
  id: string;
  clinic_id: string;
  content_type: string;
  size: number;
  data: Uint8Array;
  created_by: string | null;
  created_at: string;
}

export interface LineTables {
  line_conversations: LineConversationsTable;
  line_conversation_notes: LineConversationNotesTable;
  line_staff_sends: LineStaffSendsTable;
  line_uploads: LineUploadsTable;
  line_channels: LineChannelsTable;
  line_webhook_events: LineWebhookEventsTable;
  line_friends: LineFriendsTable;
  line_messages: LineMessagesTable;
}
