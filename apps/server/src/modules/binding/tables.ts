// Kysely table types of patient self-service, SMS, rich menus and front-desk tasks
// (migration 0020_binding.ts).
import type { Generated } from 'kysely';

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

export interface OtpCodesTable {
  clinic_id: string;
  phone_hash: string;
  line_user_id: string;
  code_hash: string;
  attempts: number;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

export interface LineBindingsTable {
  clinic_id: string;
  line_user_id: string;
  patient_id: string;
  phone_hash: string;
  phone_masked: string;
  created_at: string;
}

export interface BindingConsentsTable {
  id: Generated<number>;
  clinic_id: string;
  line_user_id: string;
  phone_hash: string;
  notice_version: string;
  ip: string;
  created_at: string;
}

export interface FrontDeskTasksTable {
  id: string;
  clinic_id: string;
  appointment_id: string;
  patient_id: string;
  kind: string;
  status: string;
  source: string;
  payload: string;
  created_at: string;
  handled_at: string | null;
  handled_by: string | null;
}

export interface RichMenusTable {
  clinic_id: string;
  kind: string;
  name: string;
  chat_bar_text: string;
  width: number;
  height: number;
  areas: string;
  image_b64: string | null;
  image_type: string | null;
  line_rich_menu_id: string | null;
  published_at: string | null;
  last_error: string | null;
  updated_at: string;
}

export interface BindingTables {
  sms_settings: SmsSettingsTable;
  sms_messages: SmsMessagesTable;
  otp_codes: OtpCodesTable;
  line_bindings: LineBindingsTable;
  binding_consents: BindingConsentsTable;
  front_desk_tasks: FrontDeskTasksTable;
  rich_menus: RichMenusTable;
}
