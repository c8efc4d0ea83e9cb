// Which tables a clinic's full export holds, declared in one list (docs/architecture.md
// "Data export registry"): each table with the column that names its clinic, in an order where
// every table comes after the tables its foreign keys point to (the import inserts in this
// order). A module that adds a table with a clinic column adds it here or to EXCLUDED with the
// reason; registry.test.ts fails otherwise, so that no module is silently left out of exports.

export type ExportTable = {
  table: string;
  /** The column holding the clinic's id (`id` for the clinics table itself). */
  clinic: string;
  /**
   * For a table without a clinic column: its rows belong to the clinic through `column`, which
   * holds a key (`key`) of `table`, a table with a clinic column listed earlier.
   */
  via?: { column: string; table: string; key: string };
  /** Columns left out, with the reason (credentials and keyed hashes of this installation). */
  omit?: Record<string, string>;
  /** Personal data sealed with ENCRYPTION_KEY: exported in clear, named without `_enc`. */
  sealed?: string[];
  /**
   * Keyed lookup hashes (this installation's key) of the given plain column: left out of the
   * export and computed again by the import with the new installation's key.
   */
  lookupHashes?: Record<string, string>;
  /** Exported, but not imported, with the reason (it cannot work without its omitted secret). */
  notImported?: string;
};

const CREDENTIAL = '憑證（登入或串接用的秘密），不隨資料匯出';
const RECONNECT = '秘密未匯出，匯入後請重新設定連線';

export const EXPORT_TABLES: readonly ExportTable[] = [
  { table: 'clinics', clinic: 'id' },
  { table: 'staff_users', clinic: 'clinic_id', omit: { password_hash: CREDENTIAL, invite_token_hash: CREDENTIAL } },
  { table: 'doctors', clinic: 'clinic_id' },
  {
    table: 'patients',
    clinic: 'clinic_id',
    sealed: ['national_id_enc'],
    lookupHashes: { national_id_hash: 'national_id_enc', phone_hash: 'phone_e164' },
  },
  { table: 'patient_profiles', clinic: 'clinic_id' },
  { table: 'patient_name_grams', clinic: 'clinic_id' },
  { table: 'patient_merges', clinic: 'clinic_id' },
  { table: 'patient_transfers', clinic: 'clinic_id' },
  { table: 'appointments', clinic: 'clinic_id' },
  { table: 'appointment_history', clinic: 'clinic_id' },
  { table: 'appointment_notes', clinic: 'clinic_id' },
  { table: 'saved_filters', clinic: 'clinic_id' },
  { table: 'front_desk_tasks', clinic: 'clinic_id' },
  { table: 'tags', clinic: 'clinic_id' },
  { table: 'patient_tags', clinic: 'clinic_id' },
  { table: 'segments', clinic: 'clinic_id' },
  { table: 'recall_rules', clinic: 'clinic_id' },
  { table: 'recalls', clinic: 'clinic_id' },
  {
    table: 'calendar_feeds',
    clinic: 'clinic_id',
    omit: { token_hash: CREDENTIAL, token_enc: CREDENTIAL },
    notImported: '訂閱網址的權杖未匯出，匯入後請重新產生行事曆訂閱',
  },
  { table: 'frontdesk_settings', clinic: 'clinic_id' },
  { table: 'clinic_calendar_overrides', clinic: 'clinic_id' },
  { table: 'reminder_settings', clinic: 'clinic_id' },
  { table: 'reminder_templates', clinic: 'clinic_id' },
  { table: 'reminder_deliveries', clinic: 'clinic_id' },
  { table: 'reminder_quota', clinic: 'clinic_id' },
  { table: 'reminder_prices', clinic: 'clinic_id' },
  { table: 'admin_notices', clinic: 'clinic_id' },
  { table: 'reminder_text_replies', clinic: 'clinic_id' },
  {
    table: 'line_channels',
    clinic: 'clinic_id',
    omit: { channel_secret_enc: CREDENTIAL, access_token_enc: CREDENTIAL },
    notImported: RECONNECT,
  },
  { table: 'line_webhook_events', clinic: 'clinic_id' },
  { table: 'line_friends', clinic: 'clinic_id' },
  { table: 'line_messages', clinic: 'clinic_id' },
  {
    table: 'line_conversations',
    clinic: 'clinic_id',
    omit: { reply_token: CREDENTIAL, mark_as_read_token: CREDENTIAL },
  },
  { table: 'line_conversation_notes', clinic: 'clinic_id' },
  { table: 'line_staff_sends', clinic: 'clinic_id' },
  { table: 'line_uploads', clinic: 'clinic_id' },
  { table: 'family_offers', clinic: 'clinic_id' },
  { table: 'auto_replies', clinic: 'clinic_id' },
  { table: 'line_bindings', clinic: 'clinic_id' },
  { table: 'binding_consents', clinic: 'clinic_id' },
  { table: 'sms_settings', clinic: 'clinic_id', omit: { password_enc: CREDENTIAL } },
  { table: 'sms_messages', clinic: 'clinic_id' },
  { table: 'rich_menus', clinic: 'clinic_id' },
  { table: 'his_sync', clinic: 'clinic_id' },
  { table: 'status_changes', clinic: 'clinic_id' },
  {
    table: 'webhook_endpoints',
    clinic: 'clinic_id',
    omit: { secret_enc: CREDENTIAL },
    notImported: RECONNECT,
  },
  { table: 'webhook_events', clinic: 'clinic_id' },
  { table: 'webhook_deliveries', clinic: 'clinic_id' },
  { table: 'faqs', clinic: 'clinic_id' },
  { table: 'faq_wordings', clinic: 'clinic_id' },
  { table: 'faq_synonyms', clinic: 'clinic_id' },
  { table: 'faq_settings', clinic: 'clinic_id' },
  { table: 'faq_questions', clinic: 'clinic_id' },
  { table: 'cases', clinic: 'clinic_id' },
  { table: 'case_events', clinic: 'clinic_id' },
  { table: 'case_photos', clinic: 'clinic_id' },
  { table: 'case_settings', clinic: 'clinic_id' },
  { table: 'follow_ups', clinic: 'clinic_id' },
  { table: 'follow_up_events', clinic: 'clinic_id' },
  { table: 'no_show_settings', clinic: 'clinic_id' },
  { table: 'no_show_messages', clinic: 'clinic_id' },
  { table: 'care_library_settings', clinic: 'clinic_id' },
  { table: 'care_article_images', clinic: 'clinic_id' },
  { table: 'care_articles', clinic: 'clinic_id' },
  { table: 'care_plans', clinic: 'clinic_id' },
  { table: 'care_enrolments', clinic: 'clinic_id' },
  { table: 'care_sends', clinic: 'clinic_id' },
  { table: 'broadcasts', clinic: 'clinic_id' },
  { table: 'broadcast_chunks', clinic: 'clinic_id' },
  { table: 'broadcast_recipients', clinic: 'clinic_id' },
  { table: 'broadcast_links', clinic: 'clinic_id' },
  {
    table: 'broadcast_clicks',
    clinic: 'clinic_id',
    via: { column: 'token', table: 'broadcast_links', key: 'token' },
  },
  { table: 'satisfaction_settings', clinic: 'clinic_id' },
  { table: 'satisfaction_surveys', clinic: 'clinic_id' },
  { table: 'satisfaction_asks', clinic: 'clinic_id' },
  { table: 'questionnaires', clinic: 'clinic_id' },
  { table: 'questionnaire_sends', clinic: 'clinic_id' },
  { table: 'questionnaire_recipients', clinic: 'clinic_id' },
  { table: 'questionnaire_responses', clinic: 'clinic_id' },
  {
    table: 'google_connections',
    clinic: 'clinic_id',
    omit: { refresh_token_enc: CREDENTIAL, access_token_enc: CREDENTIAL },
    notImported: RECONNECT,
  },
  { table: 'google_reviews', clinic: 'clinic_id' },
  { table: 'booking_settings', clinic: 'clinic_id' },
  { table: 'booking_rules', clinic: 'clinic_id' },
  { table: 'booking_availability', clinic: 'clinic_id' },
  { table: 'booking_requests', clinic: 'clinic_id' },
  { table: 'booking_slot_locks', clinic: 'clinic_id' },
  { table: 'booking_no_show_policy', clinic: 'clinic_id' },
  { table: 'booking_no_show_overrides', clinic: 'clinic_id' },
  { table: 'queue_settings', clinic: 'clinic_id' },
  { table: 'clinic_security_settings', clinic: 'clinic_id' },
  { table: 'queues', clinic: 'clinic_id' },
  { table: 'queue_visits', clinic: 'clinic_id' },
  { table: 'queue_notices', clinic: 'clinic_id' },
  { table: 'queue_events', clinic: 'clinic_id' },
  { table: 'waitlist_settings', clinic: 'clinic_id' },
  { table: 'waitlist_entries', clinic: 'clinic_id' },
  { table: 'waitlist_slots', clinic: 'clinic_id' },
  { table: 'waitlist_offers', clinic: 'clinic_id' },
  { table: 'report_settings', clinic: 'clinic_id' },
  { table: 'report_rollup_state', clinic: 'clinic_id' },
  { table: 'report_dimensions', clinic: 'clinic_id' },
  { table: 'report_visit_daily', clinic: 'clinic_id' },
  { table: 'report_clinic_daily', clinic: 'clinic_id' },
  { table: 'audit_log', clinic: 'clinic_id' },
];

/** Tables of the database that no export holds, with the reason (written into the export's README). */
export const EXCLUDED: Readonly<Record<string, string>> = {
  schema_migrations: '資料庫結構版本，屬於系統本身',
  rate_limits: '登入與請求次數限制的暫存計數',
  jobs: '系統內部的待辦工作佇列',
  sessions: '登入工作階段（憑證）',
  otp_codes: '手機綁定的一次性驗證碼（憑證，幾分鐘內失效）',
  api_keys: 'HIS 串接金鑰（憑證）；搬家後請在新系統建立新的金鑰',
  calendar_imports: '全國通用的政府行政機關辦公日曆，不屬於單一診所',
  data_exports: '匯出紀錄本身；誰在何時匯出記在稽核紀錄',
  staff_two_factor: '人員的兩步驟驗證金鑰（憑證）；搬家後各人重新設定驗證器 App',
  staff_recovery_codes: '兩步驟驗證的備用碼（憑證）',
  login_challenges: '登入第二步的暫存狀態（幾分鐘內失效）',
};

/**
 * Tables whose serial ids the import lets the new database number (nothing refers to them, and
 * the new installation has rows of its own there). Other serial ids are kept: rows may refer to them.
 */
export const RENUMBERED: ReadonlySet<string> = new Set(['audit_log']);

/** The exported name of a column (sealed columns lose their `_enc`). */
export const exportedName = (t: ExportTable, column: string): string =>
  t.sealed?.includes(column) ? column.replace(/_enc$/, '') : column;
