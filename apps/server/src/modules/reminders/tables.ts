// Kysely table types of the reminder engine (migrations 0030_reminders.ts, 0031, 0070, 0160).
import type { Generated } from 'kysely';

export interface ReminderSettingsTable {
  clinic_id: string;
  settings: string;
  updated_by: string;
  updated_at: string;
}

export interface ReminderTemplatesTable {
  clinic_id: string;
  id: string;
  name: string;
  body: string;
  updated_by: string;
  updated_at: string;
}

export interface ReminderDeliveriesTable {
  id: string;
  clinic_id: string;
  appointment_id: string;
  rule_id: string;
  rule_name: string;
  appointment_version: number;
  visit_starts_at: string;
  due_at: string | null;
  explanation: string;
  /** planned | sending | sent | failed | cancelled | skipped */
  state: string;
  essential: number;
  template_id: string;
  channel: string | null;
  retry_key: string;
  attempts: number;
  next_attempt_at: string | null;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  line_user_id: string | null;
  line_request_id: string | null;
  sms_message_id: string | null;
  sent_at: string | null;
  /** When LINE reported a LINE notification message delivered (its delivery completion event). */
  delivered_at: string | null;
  /** Why the reminder went by this channel (a LINE notification message, or SMS after LINE found no account). */
  channel_reason: string | null;
  cancel_reason: string | null;
  /** Who asked for this message (a resend); null for the rows planning creates from the rules. */
  requested_by: string | null;
  /** The rows sent as one message to a LINE user bound to several family members (its retry key). */
  family_group_id: string | null;
  /** How many reminders that message carried. */
  family_size: number | null;
  created_at: string;
  updated_at: string;
}

export interface ReminderQuotaTable {
  clinic_id: string;
  line_type: string | null;
  line_limit: number | null;
  line_used: number | null;
  checked_at: string;
}

export interface AdminNoticesTable {
  id: Generated<number>;
  clinic_id: string;
  kind: string;
  period: string;
  level: string;
  message: string;
  created_at: string;
  read_at: string | null;
}

/** Unit prices in thousandths of a NT$; null = not entered by the clinic. */
export interface ReminderPricesTable {
  clinic_id: string;
  sms_point_milli: number | null;
  pnp_message_milli: number | null;
  updated_by: string;
  updated_at: string;
}

export interface ReminderTables {
  reminder_settings: ReminderSettingsTable;
  reminder_templates: ReminderTemplatesTable;
  reminder_deliveries: ReminderDeliveriesTable;
  reminder_quota: ReminderQuotaTable;
  admin_notices: AdminNoticesTable;
  reminder_prices: ReminderPricesTable;
}
