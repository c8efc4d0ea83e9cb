// Kysely table types of broadcasts (群發): the broadcast, its recipients, its multicast chunks,
// its tracked links and their taps (migration 0240).

export interface BroadcastsTable {
  id: string;
  clinic_id: string;
  title: string;
  audience_kind: string;
  audience_id: string | null;
  audience_label: string;
  messages: string;
  line_messages: string | null;
  sms_fallback: number;
  sms_text: string;
  state: string;
  requested_at: string | null;
  send_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  paused_reason: string | null;
  line_budget: number | null;
  line_reserved: number;
  resumes: number;
  estimate: string | null;
  created_by: string;
  sent_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface BroadcastRecipientsTable {
  broadcast_id: string;
  seq: number;
  clinic_id: string;
  patient_id: string | null;
  line_user_id: string | null;
  channel: string;
  status: string;
  reason: string | null;
  chunk_no: number | null;
  sms_id: string | null;
  updated_at: string;
}

export interface BroadcastChunksTable {
  broadcast_id: string;
  chunk_no: number;
  clinic_id: string;
  retry_key: string;
  size: number;
  status: string;
  attempts: number;
  error: string | null;
  sent_at: string | null;
  updated_at: string;
}

export interface BroadcastLinksTable {
  token: string;
  clinic_id: string;
  broadcast_id: string;
  url: string;
  label: string;
  created_at: string;
}

export interface BroadcastClicksTable {
  token: string;
  visitor: string;
  broadcast_id: string;
  clicked_at: string;
}

export interface BroadcastTables {
  broadcasts: BroadcastsTable;
  broadcast_recipients: BroadcastRecipientsTable;
  broadcast_chunks: BroadcastChunksTable;
  broadcast_links: BroadcastLinksTable;
  broadcast_clicks: BroadcastClicksTable;
}
