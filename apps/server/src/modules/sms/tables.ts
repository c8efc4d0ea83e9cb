// Kysely table types of the SMS module (migration 0020_binding.ts).
export interface SmsSettingsTable {
  clinic_id: string;
  provider: string;
  username: string;
  password_enc: string | null;
  base_url: string | null;
  reminder_fallback: number;
  updated_at: string;
}

export interface SmsMessagesTable {
  id: string;
  clinic_id: string;
  to_masked: string;
  to_hash: string;
  purpose: string;
  provider: string;
  chars: number;
  encoding: string;
  segments: number;
  cost: number;
  status: string;
  idempotency_key: string;
  provider_message_id: string | null;
  error: string | null;
  delivery_status: string | null;
  delivered_at: string | null;
  related_type: string | null;
  related_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface SmsTables {
  sms_settings: SmsSettingsTable;
  sms_messages: SmsMessagesTable;
}
