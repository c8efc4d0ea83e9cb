// The zh-TW words for the codes people read in the back office: audit-log actions, the kinds
// of things an entry is about, its detail fields and their values, the actor kinds, job types
// and job statuses. The API sends these labels with the codes, so every client shows the same
// words. labels.unit.test.ts fails when an audit action, entity type or job type in the code has
// no label here: add one when you add one of those.
import { ROLE_LABELS } from './platform/auth.ts';
import { LINE_LABELS, REPLY_LABELS, STATUS_LABELS } from './modules/status/lights.ts';

export const AUDIT_ACTION_LABELS: Record<string, string> = {
  'care.answered': '病患回覆照護計畫的關心問題',
  'care.enrolled': '病患加入照護計畫',
  'care.enrolment_ended': '結束病患的照護計畫',
  'care_plan.created': '新增照護計畫',
  'care_plan.deleted': '刪除照護計畫',
  'care_plan.disabled': '停用照護計畫',
  'care_plan.enabled': '啟用照護計畫',
  'care_plan.patient_enrolled': '人員將病患加入照護計畫',
  'care_plan.updated': '修改照護計畫',
  'api_key.created': '建立 API 金鑰',
  'api_key.revoked': '撤銷 API 金鑰',
  'appointment.answer_cancel': '病患申請取消',
  'appointment.answer_confirm': '病患確認赴約',
  'appointment.answer_reschedule': '病患申請改期',
  'appointment.batch_upserted': 'HIS 批次寫入預約',
  'appointment.created': '新增預約',
  'appointment.handled': '處理取消／改期申請',
  'appointment.listed': '查詢預約列表',
  'appointment.message_sent': '傳送 LINE 訊息給病患',
  'appointment.note_added': '新增預約備註',
  'appointment.reminder_resent': '重送提醒',
  'appointment.request_withdrawn': '病患撤回取消／改期申請',
  'appointment.schedule_viewed': '檢視行事曆',
  'appointment.thread_viewed': '檢視病患對話',
  'appointment.updated': '更新預約',
  'appointment.viewed': '檢視預約',
  'auth.login': '登入',
  'auth.login_failed': '登入失敗',
  'auth.logout': '登出',
  'auto_reply.created': '新增自動回覆',
  'auto_reply.deleted': '刪除自動回覆',
  'auto_reply.updated': '修改自動回覆',
  'care.article_created': '新增衛教文章',
  'care.article_updated': '修改衛教文章',
  'care.article_published': '發布衛教文章',
  'care.article_unpublished': '取消發布衛教文章',
  'care.article_deleted': '刪除衛教文章',
  'care.article_cover_uploaded': '上傳衛教文章封面',
  'faq.created': '新增常見問題',
  'faq.updated': '修改常見問題',
  'faq.deleted': '刪除常見問題',
  'faq.synonyms_saved': '儲存同義詞群組',
  'faq.synonyms_deleted': '刪除同義詞群組',
  'faq.wording_added': '機器人訓練：加入問法',
  'faq.questions_dismissed': '機器人訓練：略過提問',
  'follow_ups.opened': '開立待追蹤',
  'follow_ups.created': '人員新增待追蹤',
  'follow_ups.assigned': '指派待追蹤負責人',
  'follow_ups.started': '開始處理待追蹤',
  'follow_ups.closed': '完成待追蹤',
  'follow_ups.reopened': '重新開啟待追蹤',
  'follow_ups.noted': '新增待追蹤備註',
  'no_show.settings_saved': '儲存未到診關懷設定',
  'no_show.answered': '病患回覆未到診關懷',
  'binding.bound': '病患綁定 LINE',
  'binding.family_added': '加入新增的家人（同手機的 LINE 帳號）',
  'binding.otp_failed': '綁定驗證碼錯誤',
  'binding.otp_sent': '寄送綁定驗證碼',
  'binding.unbound': '病患解除 LINE 綁定',
  'binding.unbound_by_staff': '櫃台解除 LINE 綁定',
  'broadcast.cancelled': '取消或停止群發',
  'broadcast.created': '新增群發草稿',
  'broadcast.deleted': '刪除群發草稿',
  'broadcast.resumed': '繼續傳送暫停的群發',
  'broadcast.scheduled': '排程群發',
  'broadcast.sent': '立即傳送群發',
  'broadcast.test_sent': '傳送群發測試訊息',
  'broadcast.updated': '修改群發',
  'calendar.imported': '匯入辦公日曆',
  'calendar.override_deleted': '刪除休診／加診日',
  'calendar.override_saved': '設定休診／加診日',
  'calendar_feed.fetched': '行事曆訂閱被讀取',
  'calendar_feed.listed': '檢視行事曆訂閱網址',
  'calendar_feed.rotated': '更換行事曆訂閱網址',
  'cases.acknowledged': '受理客訴／意見案件',
  'cases.closed': '結案客訴／意見案件',
  'cases.details_added': '病患補充案件內容',
  'cases.escalated': '案件逾時通知管理員',
  'cases.noted': '新增案件內部備註',
  'cases.opened': '開立客訴／意見案件',
  'cases.rated': '病患回覆結案滿意度',
  'cases.reopened': '重新開啟案件',
  'cases.replied': '回覆案件',
  'cases.settings_saved': '儲存案件時限',
  'cases.updated': '修改案件',
  'clinic.created': '開設診所',
  'clinic.updated': '修改診所資料',
  'doctor.created': '新增醫師',
  'doctor.updated': '更新醫師',
  'front_desk.task_handled': '完成櫃台待辦',
  'frontdesk.settings_updated': '修改櫃台設定',
  'his.initial_sync_ended': '結束 HIS 初次同步',
  'home.streamed': '檢視今日總覽（即時更新）',
  'home.viewed': '檢視今日總覽',
  'job.retried': '重新執行背景工作',
  'liff.appointments_viewed': '病患在 LINE 查詢預約',
  'line.channel_saved': '儲存 LINE 頻道設定',
  'line.conversation_assigned': '指派 LINE 對話',
  'line.conversation_handled': '標示 LINE 對話已處理',
  'line.conversation_noted': '新增 LINE 對話的內部備註',
  'line.conversation_unassigned': '取消指派 LINE 對話',
  'line.conversation_replied': '回覆病患的 LINE 訊息',
  'line.pnp_disabled': '關閉 LINE 通知訊息',
  'line.pnp_enabled': '開啟 LINE 通知訊息',
  'patient.created': '新增病患',
  'patient.export_downloaded': '下載病患匯出檔',
  'patient.export_started': '匯出病患資料',
  'patient.import_previewed': '預覽病患匯入',
  'patient.import_started': '開始匯入病患',
  'patient.imported': '病患匯入完成',
  'patient.list': '查詢病患列表',
  'patient.merge_undone': '復原病患整併',
  'patient.merged': '整併重複病患',
  'patient.national_id_revealed': '顯示完整身分證字號',
  'patient.phone_revealed': '顯示完整電話號碼',
  'patient.tags_added': '加上標籤',
  'patient.tags_removed': '移除標籤',
  'patient.updated': '更新病患資料',
  'patient.viewed': '檢視病患',
  'recall.list': '檢視回診名單',
  'recall.outcome': '記錄回診聯絡結果',
  'recall.scan': '掃描回診名單',
  'recall_rule.deleted': '刪除回診規則',
  'recall_rule.saved': '儲存回診規則',
  'reminders.preparation_saved': '儲存看診類別的注意事項',
  'reminders.prices_saved': '儲存簡訊與 LINE 通知訊息單價',
  'reminders.resent': '重送提醒',
  'reminders.rules_saved': '儲存提醒規則',
  'reminders.template_deleted': '刪除提醒範本',
  'reminders.template_reset': '還原內建提醒範本',
  'reminders.template_saved': '儲存提醒範本',
  'reminders.template_test_sent': '傳送提醒範本測試',
  'richmenu.image_uploaded': '上傳圖文選單圖片',
  'richmenu.published': '發布圖文選單',
  'richmenu.saved': '儲存圖文選單',
  'satisfaction.exported': '匯出滿意度調查',
  'satisfaction.settings_saved': '儲存滿意度調查設定',
  'segment.deleted': '刪除分眾名單',
  'segment.saved': '儲存分眾名單',
  'sms.settings_saved': '儲存簡訊設定',
  'staff.doctor_linked': '連結醫師帳號',
  'staff.invited': '邀請人員',
  'staff.password_reset_issued': '產生重設密碼連結',
  'staff.password_set': '設定密碼',
  'staff.updated': '修改人員',
  'tag.created': '新增標籤',
  'tag.deleted': '刪除標籤',
  'tag.recompute_requested': '重新計算自動標籤',
  'webhook.configured': '設定 HIS 通知網址（Webhook）',
  'webhook.redelivered': '重送 HIS 通知（Webhook）',
};

/** What a family of actions is about (the part before the dot): the audit log filters by it. */
export const ACTION_GROUP_LABELS: Record<string, string> = {
  api_key: 'API 金鑰',
  appointment: '預約',
  auth: '登入',
  auto_reply: '自動回覆',
  binding: 'LINE 綁定',
  broadcast: '群發',
  calendar: '辦公日曆',
  calendar_feed: '行事曆訂閱',
  cases: '客訴與意見',
  care: '衛教追蹤',
  care_plan: '照護計畫',
  clinic: '診所',
  doctor: '醫師',
  faq: '常見問題（FAQ 機器人）',
  follow_ups: '待追蹤',
  front_desk: '櫃台待辦',
  frontdesk: '櫃台設定',
  no_show: '未到診關懷',
  his: 'HIS 串接',
  home: '今日總覽',
  job: '背景工作',
  liff: '病患的 LINE 頁面',
  line: 'LINE 官方帳號',
  patient: '病患',
  recall: '回診追蹤',
  recall_rule: '回診規則',
  reminders: '看診提醒',
  richmenu: '圖文選單',
  satisfaction: '滿意度調查',
  segment: '分眾名單',
  sms: '簡訊',
  staff: '人員',
  tag: '標籤',
  webhook: 'HIS 通知（Webhook）',
};

export const ENTITY_TYPE_LABELS: Record<string, string> = {
  broadcast: '群發',
  api_key: 'API 金鑰',
  appointment: '預約',
  auto_reply: '自動回覆',
  calendar: '辦公日曆',
  calendar_feed: '行事曆訂閱',
  calendar_override: '休診／加診日',
  care_article: '衛教文章',
  care_article_image: '衛教文章封面',
  case: '客訴／意見案件',
  care_plan: '照護計畫',
  clinic: '診所',
  doctor: '醫師',
  faq: '常見問題',
  faq_question: '機器人訓練的提問',
  faq_synonym: '同義詞群組',
  follow_up: '待追蹤',
  no_show_message: '未到診關懷訊息',
  front_desk_task: '櫃台待辦',
  job: '背景工作',
  line_channel: 'LINE 頻道',
  line_user: 'LINE 使用者',
  patient: '病患',
  patient_export: '病患匯出',
  patient_import: '病患匯入',
  phone: '手機號碼',
  recall: '回診追蹤',
  recall_rule: '回診規則',
  reminder_delivery: '提醒',
  reminder_rules: '提醒規則',
  reminder_template: '提醒範本',
  rich_menu: '圖文選單',
  satisfaction_settings: '滿意度調查設定',
  satisfaction_survey: '滿意度調查',
  segment: '分眾名單',
  sms_settings: '簡訊設定',
  staff: '人員',
  staff_user: '人員',
  tag: '標籤',
  webhook_endpoint: 'HIS 通知網址（Webhook）',
  webhook_event: 'Webhook 事件',
};

export const ACTOR_TYPE_LABELS: Record<string, string> = {
  staff: '人員',
  api_key: 'API 金鑰（HIS）',
  patient: '病患（LINE）',
  system: '系統',
};

export const JOB_TYPE_LABELS: Record<string, string> = {
  'care.send': '傳送照護計畫訊息',
  'appointments.outcome': '處理看診結果（照護計畫、未到診關懷）',
  'broadcast.chunk': '群發：傳送一批（最多 500 人）',
  'broadcast.start': '群發：開始傳送',
  'cases.clock': '檢查案件時限（逾時通知管理員）',
  'follow_ups.no_show_send': '傳送未到診關懷訊息',
  'his.webhook.deliver': '通知 HIS（Webhook）',
  'line.event': '處理 LINE 訊息與事件',
  'line.push': 'LINE 推播',
  'binding.family_offer': '詢問 LINE 使用者是否加入新增的家人',
  'patients.export': '匯出病患資料',
  'patients.import': '匯入病患資料',
  'patients.tags.recompute': '重新計算自動標籤',
  'patients.transfer_purge': '清除過期的匯入匯出檔',
  'recall.scan': '掃描回診名單',
  'reminders.plan': '排定預約提醒',
  'reminders.replan_clinic': '重新排定全診所的提醒',
  'reminders.pnp_check': '確認 LINE 通知訊息是否送達（未送達改發簡訊）',
  'richmenu.bulk_link': '批次套用圖文選單',
  'richmenu.user': '切換病患的圖文選單',
  'satisfaction.send': '傳送看診滿意度調查',
  'sms.send': '發送簡訊',
  'system.noop': '系統測試',
  'tags.added': '標籤加上後的動作（照護計畫）',
};

export const JOB_STATUS_LABELS: Record<string, string> = {
  pending: '等待中',
  running: '執行中',
  done: '完成',
  dead: '已放棄',
};

/** zh-TW names of detail fields (and of the fields listed in `fields` / changed in `change`). */
export const DETAIL_FIELD_LABELS: Record<string, string> = {
  address: '地址',
  after: '變更後',
  answer: '病患的回覆',
  appointmentId: '預約',
  articleId: '衛教文章',
  areas: '區塊數',
  assigneeId: '指派對象',
  attemptsLeft: '剩餘嘗試次數',
  audience: '對象',
  before: '變更前',
  birthDate: '生日',
  businessHours: '門診時段',
  businessHoursOnly: '只計門診時間',
  fromState: '原狀態',
  lineRecipients: 'LINE 人數',
  movedForQuietHours: '遇安靜時段延後',
  sendAt: '傳送時間',
  smsRecipients: '簡訊人數',
  stopped: '停止傳送的人數',
  testTo: '測試對象',
  bytes: '檔案大小（位元組）',
  category: '分類',
  change: '變更',
  channel: '回覆方式',
  chars: '字數',
  chartNo: '病歷號',
  clock: '時限',
  conflicts: '版本衝突',
  consentVersion: '個資告知版本',
  created: '新增',
  date: '日期',
  days: '天數',
  delayMinutes: '標記後延後（分鐘）',
  deliveryId: '傳送紀錄',
  doctorId: '醫師代碼',
  doctorIds: '調查的醫師',
  dueAt: '時限到期',
  email: '電子郵件',
  enrolmentId: '照護紀錄',
  enabled: '啟用',
  exceptions: '例外日數',
  failed: '失敗',
  fields: '修改的欄位',
  filename: '檔名',
  filter: '篩選條件',
  firstActionHours: '首次處理時限（小時）',
  format: '格式',
  fromDate: '起日',
  gender: '性別',
  height: '高（像素）',
  image: '含圖片',
  imported: '匯入筆數',
  initialsOnly: '訂閱只顯示姓氏',
  invalid: '格式錯誤',
  items: '筆數',
  kind: '種類',
  line: 'LINE 狀態',
  lineUserId: 'LINE 使用者',
  lineUsers: 'LINE 使用者數',
  merged: '被整併的病患',
  mergeId: '整併紀錄',
  messageText: '邀請訊息',
  method: '傳送方式',
  minDaysBetween: '邀請間隔（天）',
  name: '名稱',
  nationalId: '身分證字號',
  note: '備註',
  number: '案件編號',
  openTasks: '待處理申請',
  order: '順序',
  outcome: '結果',
  overrides: '例外設定數',
  ownerId: '負責人',
  page: '頁次',
  pageSize: '每頁筆數',
  passwordChanged: '變更密碼',
  planId: '照護計畫',
  patientId: '病患代碼',
  patients: '病患',
  period: '期間',
  phone: '電話',
  photos: '照片張數',
  placeId: 'Google 地點 ID',
  pnpMessage: '每則 LINE 通知訊息單價（新台幣）',
  prefix: '金鑰開頭',
  previous: '先前的選單',
  previousState: '先前狀態',
  priority: '優先程度',
  provider: '簡訊服務商',
  q: '關鍵字',
  questions: '處理的提問數',
  reason: '原因',
  recallId: '回診紀錄',
  recipients: '收件人數',
  reminderFallback: '未綁定者改傳簡訊',
  reply: '回覆',
  replyHours: '回覆時限（小時）',
  resendOf: '原本的提醒',
  results: '結果筆數',
  richMenuId: '圖文選單',
  rocDates: '民國年日期',
  role: '角色',
  route: '回覆的處理方式',
  rows: '筆數',
  rule: '規則',
  rules: '規則數',
  sandbox: '沙盒',
  satisfaction: '滿意度',
  scope: '範圍',
  secretChanged: '變更 Channel secret',
  secretGenerated: '自動產生簽章密鑰',
  sent: '已送出',
  severity: '嚴重度',
  shown: '顯示筆數',
  sizeChanged: '變更尺寸',
  size: '檔案大小（位元組）',
  smsPoint: '每一簡訊點數單價（新台幣）',
  sort: '排序',
  source: '來源',
  step: '第幾步',
  steps: '步驟數',
  status: '狀態',
  survivor: '保留的病患',
  tagIds: '標籤',
  take: '採用的欄位',
  tasks: '處理的待辦數',
  terms: '同義詞',
  timeZone: '時區',
  title: '標題',
  toDate: '迄日',
  tokenChanged: '變更存取權杖',
  treatmentCodes: '處置代碼',
  type: '類型',
  unchanged: '未變更',
  updated: '更新',
  url: '網址',
  valid: '有效筆數',
  validityDays: '填答期限（天）',
  version: '版本',
  visitType: '看診類別',
  visitTypes: '調查的看診類別',
  width: '寬（像素）',
  wording: '問法',
};

/** Values that are codes, by the detail field they appear in. */
const VALUE_LABELS: Record<string, Record<string, string>> = {
  status: {
    ...STATUS_LABELS,
    draft: '草稿',
    published: '已發布',
    invited: '已邀請',
    active: '啟用中',
    disabled: '已停用',
    due: '待通知',
    sent: '已通知',
    declined: '婉拒',
    no_answer: '未接聽',
    skipped: '略過',
  },
  role: ROLE_LABELS,
  reply: REPLY_LABELS,
  line: LINE_LABELS,
  fromState: { scheduled: '已排程', sending: '傳送中', paused: '已暫停' },
  // An answer's reply light before and after.
  from: REPLY_LABELS,
  to: REPLY_LABELS,
  source: {
    his: 'HIS',
    patient: '病患（LINE）',
    staff: '櫃台',
    system: '系統',
    line: 'LINE 聊天',
    liff: 'LINE 表單',
    phone: '電話',
    care_checkin: '照護計畫回覆',
    no_show: '未到診關懷',
    broadcast_reply: '群發回覆',
    visit: '看診完成',
    tag: '標籤',
  },
  route: { fine: '沒問題', worrying: '建立待追蹤', call: '請診所來電' },
  reason: {
    patient_stop: '病患選擇「不用再傳」',
    blocked: '病患已封鎖或取消好友',
    staff: '人員結束',
    new_visit: '同類看診重新開始',
    plan_archived: '計畫已刪除',
  },
  previousState: {
    planned: '已排程',
    sent: '已送出',
    answered: '已回覆',
    failed: '失敗',
    skipped: '略過',
    cancelled: '已取消',
  },
  kind: {
    closed: '休診',
    open: '加診',
    unbound: '未綁定者的選單',
    bound: '已綁定者的選單',
    complaint: '客訴',
    suggestion: '意見',
    praise: '讚美',
  },
  channel: { line: 'LINE', phone: '電話', inbox: '收件匣' },
  clock: { first_action: '首次處理', reply: '回覆' },
  satisfaction: { satisfied: '滿意', neutral: '普通', unsatisfied: '不滿意' },
  scope: { clinic: '本診所', platform: '全平台' },
  provider: { default: '系統預設', emulator: '模擬器', mitake: '三竹', every8d: '互動資通', none: '不發簡訊' },
  outcome: {
    booked: '已預約',
    declined: '婉拒',
    no_answer: '未接聽',
    called: '已電話關心',
    rebooked: '已安排回診',
    other: '其他',
  },
  priority: { normal: '一般', high: '優先' },
  answer: { rebook: '請診所聯絡', decline: '不用了' },
  order: { asc: '由小到大', desc: '由大到小' },
  gender: { male: '男', female: '女', other: '其他', unknown: '未知' },
  take: { survivor: '保留的病患', merged: '被整併的病患' },
};

/** Entities whose id is itself a code (a rich menu is named by its kind). */
const ENTITY_ID_LABELS: Record<string, Record<string, string>> = {
  rich_menu: { bound: '已綁定者的選單', unbound: '未綁定者的選單' },
};

export type DetailItem = { label: string; value: string };

/** An entity's id as people read it: a code turned into words, anything else as it is. */
export const entityIdLabel = (type: string, id: string | null) =>
  id === null ? null : (ENTITY_ID_LABELS[type]?.[id] ?? id);

export const auditActionLabel = (action: string) => AUDIT_ACTION_LABELS[action] ?? action;
export const entityTypeLabel = (type: string) => ENTITY_TYPE_LABELS[type] ?? type;
export const actorTypeLabel = (type: string) => ACTOR_TYPE_LABELS[type] ?? type;
export const jobTypeLabel = (type: string) => JOB_TYPE_LABELS[type] ?? type;
export const jobStatusLabel = (status: string) => JOB_STATUS_LABELS[status] ?? status;
// A person's name is 姓名, anything else's 名稱.
const PEOPLE = new Set(['staff_user', 'staff', 'patient', 'doctor']);
const fieldLabel = (key: string, entityType?: string) =>
  key === 'name' && entityType && PEOPLE.has(entityType) ? '姓名' : (DETAIL_FIELD_LABELS[key] ?? key);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One value as people read it: codes by their label, yes/no, numbers with separators. */
function readable(key: string, v: unknown, entityType?: string): string {
  if (v === null || v === undefined || v === '') return '（無）';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number') return v.toLocaleString('zh-TW');
  if (typeof v === 'string') return VALUE_LABELS[key]?.[v] ?? v;
  if (Array.isArray(v)) {
    if (v.length === 0) return '（無）';
    // Field names read as their labels; long ids are counted rather than listed.
    if (key === 'fields') return v.map((f) => fieldLabel(String(f), entityType)).join('、');
    if (v.every((x) => typeof x === 'string' && x.length <= 20)) return v.map((x) => readable(key, x)).join('、');
    return `${v.length.toLocaleString('zh-TW')} 筆`;
  }
  if (isRecord(v)) {
    const parts = Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${fieldLabel(k)}：${readable(k, x)}`);
    return parts.length ? parts.join('，') : '（無）';
  }
  return String(v);
}

/**
 * An entry's detail as label/value lines, in zh-TW: a `before`/`change` pair becomes one line per
 * changed field ("角色：櫃台人員 → 管理者"), a `from`/`to` pair one line "A → B".
 */
export function describeDetail(action: string, detail: unknown, entityType?: string): DetailItem[] {
  if (!isRecord(detail)) return [];
  const out: DetailItem[] = [];
  const { before, change, from, to, ...rest } = detail;
  if (isRecord(change)) {
    const prev = isRecord(before) ? before : {};
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined) continue;
      // Business hours are a list of periods: say that they changed, not the whole list.
      const now = k === 'businessHours' ? '已修改' : readable(k, v);
      out.push({ label: fieldLabel(k, entityType), value: k in prev ? `${readable(k, prev[k])} → ${now}` : now });
    }
  } else if (before !== undefined) {
    out.push({ label: '變更前', value: readable('before', before) });
  }
  if (from !== undefined && to !== undefined) {
    const label = action.startsWith('appointment.answer_') ? '回覆' : '期間';
    out.push({ label, value: `${readable('from', from)} → ${readable('to', to)}` });
  } else {
    if (from !== undefined) out.push({ label: '從', value: readable('from', from) });
    if (to !== undefined) out.push({ label: '到', value: readable('to', to) });
  }
  for (const [k, v] of Object.entries(rest)) {
    if (v === undefined) continue;
    out.push({ label: fieldLabel(k, entityType), value: readable(k, v, entityType) });
  }
  return out;
}
