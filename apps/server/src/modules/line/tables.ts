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
  /** 1: reminders may go as LINE notification messages to patients who are not friends (approved by LINE). */
  pnp_enabled: number;
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
}

export interface LineTables {
  line_conversations: LineConversationsTable;
  line_channels: LineChannelsTable;
  line_webhook_events: LineWebhookEventsTable;
  line_friends: LineFriendsTable;
  line_messages: LineMessagesTable;
}
