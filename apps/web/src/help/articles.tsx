// Help centre articles (feature I1). Each article is keyed by a topic; a page's <HelpDrawer
// topic="…"> shows the same text, and /help lists them all. Later features add their topics here.
import { Typography } from 'antd';
import { Link } from 'react-router';
import { HELP as FRONTDESK_HELP } from '../frontdesk/help.tsx';
import { GUIDE_BOOKED_AT } from '../pages/HisInitialSyncSection.tsx';
import { PATIENT_HELP } from './patients.tsx';
import { REMINDER_FAMILY_HELP } from './reminder-family.tsx';
import { REMINDER_LOG_QUOTA_HELP } from './reminder-log-quota.tsx';
import { REMINDER_RULES_HELP } from './reminder-rules.tsx';
import { WORK_CALENDAR_HELP } from './work-calendar.tsx';
import { CASES_HELP } from './cases.tsx';
import { PNP_HELP } from './pnp.tsx';
import { INBOX_HELP } from './inbox.tsx';
import { REMINDER_TEMPLATE_HELP } from './reminder-templates.tsx';
import { SUPPORT_STATS_HELP } from './support-stats.tsx';
import { FAQ_HELP } from './faq.tsx';
import { CARE_PLANS_HELP } from './care-plans.tsx';
import { CARE_LIBRARY_HELP } from './care-library.tsx';
import { SATISFACTION_HELP } from './satisfaction.tsx';
import { BROADCASTS_HELP } from './broadcasts.tsx';
import { QUESTIONNAIRE_HELP } from './questionnaires.tsx';
import { FOLLOW_UP_HELP } from './follow-ups.tsx';
import { QUEUE_HELP } from './queue.tsx';
import { DATA_EXPORT_HELP } from './data-export.tsx';
import { WAITLIST_HELP } from './waitlist.tsx';
import { BOOKING_HELP } from './booking.tsx';
import { SECURITY_HELP } from './security.tsx';
import { REPORTS_HELP } from './reports.tsx';
import { ul, type HelpArticle } from './parts.tsx';
import { SYSTEM_FAQ_HELP } from './system-faq.tsx';

const { Paragraph, Text } = Typography;

export const HELP_ARTICLES = {
  login: {
    title: '登入與帳號安全',
    summary: '如何登入後台、忘記密碼怎麼辦，以及帳號鎖定的規則。',
    body: (
      <>
        <Paragraph>
          請使用診所管理者邀請您時填寫的電子郵件，以及您自行設定的密碼登入。密碼至少 10
          個字元，建議使用一句好記但不易猜的句子。
        </Paragraph>
        {ul([
          '連續輸入錯誤密碼 5 次，帳號會暫時鎖定 15 分鐘，以防有人猜測密碼。',
          '忘記密碼時，請聯絡診所的管理者，在「設定 → 人員管理」為您產生重設密碼連結。',
          '在共用電腦上使用完畢，請由右上角選單選擇「登出」。',
        ])}
      </>
    ),
  },
  roles: {
    title: '人員角色與權限',
    summary: '管理者、櫃台人員、醫師、唯讀人員各自能做什麼。',
    body: (
      <>
        <Paragraph>每位人員都有一個角色，角色決定能看到哪些頁面、能做哪些操作：</Paragraph>
        {ul([
          <>
            <Text strong>管理者（admin）</Text>：可使用所有功能，包含診所資料、人員管理、HIS
            串接金鑰、背景工作與稽核紀錄。每間診所至少要保留一位啟用中的管理者。
          </>,
          <>
            <Text strong>櫃台人員（front_desk）</Text>
            ：處理預約、提醒、病患名單、訊息與客服等日常工作，無法變更診所設定與人員。
          </>,
          <>
            <Text strong>醫師（doctor）</Text>：檢視自己的門診行事曆與病患的必要資訊。
          </>,
          <>
            <Text strong>唯讀（viewer）</Text>：只能檢視資料，不能新增或修改，適合稽核或實習人員。
          </>,
        ])}
        <Paragraph type="secondary">
          沒有權限的頁面不會出現在左側選單；直接輸入網址也會顯示「您沒有權限檢視此頁面」。
        </Paragraph>
      </>
    ),
  },
  staff: {
    title: '邀請與管理人員',
    summary: '邀請新同事、調整角色、停用離職人員、重設密碼。',
    adminOnly: true,
    body: (
      <>
        <Paragraph>
          在「設定 → 人員管理」按「邀請人員」，填寫電子郵件、姓名與角色後，系統會產生一個設定密碼的連結。
        </Paragraph>
        {ul([
          '連結只會顯示這一次，7 天內有效。請透過可信任的管道（例如當面或院內通訊軟體）交給該人員。',
          '對方開啟連結並設定密碼後即完成啟用，之後以電子郵件與密碼登入。',
          '人員忘記密碼時按「重設密碼」產生新連結；舊密碼在設定新密碼後失效。',
          '人員離職時請按「停用」，帳號會立即無法登入，紀錄仍保留在稽核紀錄中。',
        ])}
      </>
    ),
  },
  clinic: {
    title: '診所資料與門診時段',
    summary: '設定診所名稱、地址、電話、時區與每週門診時段。',
    body: (
      <>
        <Paragraph>
          診所資料會用在 LINE
          訊息與提醒中，例如提醒訊息的診所名稱與電話。門診時段則用於提醒的發送規則（例如休診日不發送提醒）與線上預約。
        </Paragraph>
        {ul([
          '每一天可以設定多個時段，例如早診 08:30–12:00、午診 14:00–17:30、晚診 18:30–21:30。',
          '沒有時段的日子視為休診。國定假日與臨時休診日將在「提醒」功能中另外設定。',
          '時區預設為台北（Asia/Taipei），位於其他時區的分院才需要調整。',
        ])}
        <Paragraph type="secondary">只有管理者可以修改診所資料，其他人員可以檢視。</Paragraph>
      </>
    ),
  },
  apiKeys: {
    title: 'HIS 串接與 API 金鑰',
    summary: '讓醫院資訊系統（HIS）把預約資料即時送進 Careline。',
    adminOnly: true,
    body: (
      <>
        <Paragraph>
          HIS 透過 Careline 的 Open API 傳送醫師、病患與預約資料；每次呼叫都要帶上診所的 API 金鑰（
          <Text code>Authorization: Bearer 金鑰</Text>）。
        </Paragraph>
        {ul([
          '在「設定 → HIS 串接」按「建立金鑰」，為金鑰取一個好辨認的名稱，例如「門診 HIS 正式機」。',
          '金鑰只會顯示這一次，請立即複製並交給資訊人員保存；Careline 只保存無法還原的雜湊值。',
          '懷疑金鑰外洩或更換廠商時，請建立新金鑰、更新 HIS 設定後，撤銷舊金鑰。撤銷後立即失效。',
          <>
            <Text strong>初次同步</Text>
            {'：剛串接時 HIS 會把既有的未來預約一次送進來。從 HIS 第一次呼叫 API 起的 24 小時內，' +
              '第一次收到、且未附預約建立時間（bookedAt）的預約不發送「預約當下」通知，以免打擾病患；' +
              '看診前 48 小時與看診當天的提醒照常（詳見'}
            <a href={GUIDE_BOOKED_AT} target="_blank" rel="noreferrer">
              串接指南
            </a>
            ）。
          </>,
          '既有預約全部傳完後，請在「初次同步」區塊按「結束初次同步」；之後 HIS 傳來的每一筆新預約都會發送' +
            '「預約當下」通知。結束後無法重新開始，頁面會記錄由誰、何時結束。',
          <>
            完整的介面說明請見{' '}
            <a href="/docs" target="_blank" rel="noreferrer">
              API 文件
            </a>
            。
          </>,
        ])}
      </>
    ),
  },
  jobs: {
    title: '背景工作',
    summary: '發送訊息、通知 HIS 等工作的執行狀態與重新執行。',
    adminOnly: true,
    body: (
      <>
        <Paragraph>
          發送 LINE 訊息、簡訊、通知 HIS 等動作都會先排入背景工作，由系統依序執行；暫時失敗會自動重試數次。
        </Paragraph>
        {ul([
          <>
            <Text strong>等待中</Text>：已排程，尚未到執行時間或正在排隊。
          </>,
          <>
            <Text strong>執行中</Text>：系統正在處理。
          </>,
          <>
            <Text strong>完成</Text>：已成功執行。
          </>,
          <>
            <Text strong>已放棄</Text>：重試多次仍失敗，需要人工確認。請先查看「最後錯誤」，排除原因（例如 HIS
            網址錯誤、LINE 設定失效）後按「重新執行」。
          </>,
        ])}
      </>
    ),
  },
  audit: {
    title: '稽核紀錄',
    summary: '誰在什麼時間、從哪裡、看過或改過哪些資料。',
    adminOnly: true,
    body: (
      <>
        <Paragraph>
          稽核紀錄會保存登入、人員異動、診所設定變更、API 金鑰操作，以及查看或修改病患資料等動作，包含操作者、時間與 IP
          位址。
        </Paragraph>
        {ul([
          '紀錄只能新增，任何人（包含管理者）都無法修改或刪除。',
          '可依動作、資料類型與日期區間篩選；捲到最下方按「載入更多」查看更早的紀錄。',
          '發現異常登入（例如大量「登入失敗」）時，請確認人員帳號並視需要重設密碼或停用。',
        ])}
      </>
    ),
  },
  platform: {
    title: '平台營運：開設診所',
    summary: '為新簽約的診所建立租戶與第一位管理者。',
    body: (
      <>
        <Paragraph>
          按「開設診所」填寫診所名稱與第一位管理者的電子郵件、姓名，系統會建立診所並產生管理者的設定密碼連結（7
          天內有效）。
        </Paragraph>
        <Paragraph>
          請將連結交給診所負責人；之後診所的人員、設定與資料都由診所管理者自行管理，平台營運人員看不到診所的病患資料。
        </Paragraph>
      </>
    ),
  },
  lineChannel: {
    title: 'LINE 官方帳號串接',
    summary: '把診所的 LINE 官方帳號接上 Careline：Channel、Webhook、LIFF 與簡訊服務。',
    adminOnly: true,
    body: (
      <>
        <Paragraph>
          在 LINE Developers 後台建立 Messaging API channel 後，把下列資料填入「設定 → LINE 官方帳號」：
        </Paragraph>
        {ul([
          <>
            <Text strong>Channel ID</Text>：在 Basic settings 頁。
          </>,
          <>
            <Text strong>Channel secret</Text>：在 Basic settings 頁；用來驗證 LINE 送來的 Webhook 是真的。
          </>,
          <>
            <Text strong>Channel access token（長期）</Text>：在 Messaging API 頁按 Issue 產生。
          </>,
          <>
            <Text strong>LIFF ID</Text>：在 LINE Login channel 的 LIFF 頁新增 LIFF app，Endpoint URL 填本頁顯示的 LIFF
            網址，Size 選 Full，Scope 勾選 openid 與 profile。
          </>,
          <>
            <Text strong>已讀模式</Text>：與 LINE Official Account Manager
            的設定相同（「測試連線」會讀取）。設為手動時， 病患的訊息要等櫃台在收件匣開啟對話才會顯示「已讀」。
          </>,
          <>
            <Text strong>櫃台回覆後機器人暫停</Text>：櫃台在收件匣回覆後，機器人對這位病患暫停自動回覆的分鐘數（預設
            30），避免機器人插話。
          </>,
        ])}
        <Paragraph>
          接著在 Messaging API 頁貼上本頁的 Webhook URL、開啟「使用 Webhook」，並到 LINE
          官方帳號管理畫面關閉「自動回應訊息」（否則 LINE 會自己回覆，與 Careline
          的回覆重複）。最後按「測試連線」，看到機器人名稱與本月訊息額度即完成。
        </Paragraph>
        <Paragraph>
          Channel secret 與 access token 以加密方式保存，儲存後不再完整顯示；要更換時直接輸入新值，留空表示不變更。
        </Paragraph>
        <Paragraph>
          <Text strong>簡訊服務</Text>用於綁定時的簡訊驗證碼，以及沒有 LINE
          的病患的提醒備援。請填入簡訊商（例如三竹）提供的帳號密碼；每則中文簡訊 70 字內計 1 則費用。
        </Paragraph>
      </>
    ),
  },
  autoReplies: {
    title: '罐頭訊息與關鍵字回覆',
    summary: '病患在 LINE 問「門診時間」「停車」時自動回覆診所提供的內容。',
    body: (
      <>
        <Paragraph>
          病患傳訊息給診所的 LINE
          官方帳號時，系統依序比對每一則自動回覆的關鍵字，符合就立即回覆（使用免費的回覆訊息，不佔每月額度）。都不符合的訊息會留給櫃台處理。
        </Paragraph>
        {ul([
          <>
            <Text strong>包含關鍵字</Text>：訊息中出現任一關鍵字就符合，例如「停車」可以對到「請問附近哪裡可以停車？」。
          </>,
          <>
            <Text strong>完全相同</Text>：訊息必須與關鍵字一模一樣，適合圖文選單按鈕送出的固定文字。
          </>,
          '同一句話符合多則時，優先順序數字大的先用；數字相同時以完全相同優先。',
          '回覆可以是文字，或 Flex 訊息（卡片、按鈕）；右側預覽會呈現病患在手機上看到的樣子。',
          '「試算」輸入一句話，可以先確認會得到哪一則回覆。',
          '大量建立時可下載 CSV 範本，以 Excel 編輯後匯入；關鍵字之間用「|」分隔，有錯誤的列會逐列列出，其他列照常匯入。',
        ])}
        <Paragraph type="secondary">請避免在回覆中提供療效保證或優惠價格等醫療廣告內容。</Paragraph>
      </>
    ),
  },
  richMenu: {
    title: '圖文選單',
    summary: '聊天室下方的大按鈕選單：未綁定與已綁定的病患看到不同選單。',
    adminOnly: true,
    body: (
      <>
        <Paragraph>
          Careline 為每個診所管理兩個圖文選單：<Text strong>未綁定使用者</Text>（剛加入好友，主要按鈕是「綁定帳號」）與
          <Text strong>已綁定使用者</Text>（我的預約、家人預約、門診資訊…）。病患完成綁定或解除綁定時，系統會自動切換。
        </Paragraph>
        {ul([
          '圖片尺寸必須是 2500×1686（大）或 2500×843（小），JPEG 或 PNG，1 MB 以內。',
          '先選一個版型，或在預覽圖上拖曳畫出按鈕區域，也可以直接輸入 x、y、寬、高（以原圖像素計）。',
          '每個區域選擇動作：開啟頁面（綁定／我的預約／家人預約）、傳送文字（可搭配關鍵字回覆）、postback 或開啟網址。',
          '「選單列文字」是聊天室下方收合時顯示的文字，最多 14 個字。',
          '按「發布到 LINE」後才會生效；若 LINE 回傳錯誤，會顯示原因，修正後再發布一次。',
        ])}
      </>
    ),
  },
  // Front desk and patients: the same text as those pages "?" drawers.
  home: { ...FRONTDESK_HELP.home, summary: '今日門診一覽、待處理事項與營運指標。' },
  appointments: { ...FRONTDESK_HELP.appointments, summary: '預約列表的篩選、搜尋、排序與鍵盤操作。' },
  calendar: { ...FRONTDESK_HELP.calendar, summary: '依醫師檢視日、週、月的門診行事曆。' },
  feeds: { ...FRONTDESK_HELP.feeds, summary: '把門診預約訂閱到 Google 日曆、iPhone 或 Outlook。' },
  webhook: { ...FRONTDESK_HELP.webhook, summary: '狀態改變時通知 HIS 的 Webhook 設定。', adminOnly: true },
  ...PATIENT_HELP,
  ...REMINDER_RULES_HELP,
  ...REMINDER_LOG_QUOTA_HELP,
  ...WORK_CALENDAR_HELP,
  ...PNP_HELP,
  ...REMINDER_FAMILY_HELP,
  ...REMINDER_TEMPLATE_HELP,
  ...FAQ_HELP,
  ...CARE_PLANS_HELP,
  ...CASES_HELP,
  ...SUPPORT_STATS_HELP,
  ...SATISFACTION_HELP,
  ...QUESTIONNAIRE_HELP,
  ...INBOX_HELP,
  ...CARE_LIBRARY_HELP,
  ...BROADCASTS_HELP,
  ...FOLLOW_UP_HELP,
  ...QUEUE_HELP,
  ...DATA_EXPORT_HELP,
  ...WAITLIST_HELP,
  ...SYSTEM_FAQ_HELP,
  ...BOOKING_HELP,
  ...SECURITY_HELP,
  ...REPORTS_HELP,
} satisfies Record<string, HelpArticle>;

export type HelpTopic = keyof typeof HELP_ARTICLES;

export const HELP_ORDER: HelpTopic[] = [
  'login',
  'roles',
  'systemFaq',
  'home',
  'appointments',
  'calendar',
  'feeds',
  'patients',
  'segments',
  'recall',
  'merge',
  'patientImport',
  'reminderRules',
  'reminderTemplates',
  'workCalendar',
  'reminderFamily',
  'deliveryLog',
  'quota',
  'inbox',
  'broadcasts',
  'lineChannel',
  'linePnp',
  'richMenu',
  'autoReplies',
  'faq',
  'faqTrainer',
  'cases',
  'supportStats',
  'carePlans',
  'careLibrary',
  'satisfaction',
  'surveySettings',
  'questionnaires',
  'googleReviews',
  'followUps',
  'queue',
  'noShow',
  'waitlist',
  'bookingRequests',
  'bookingRules',
  'noShowPolicy',
  'reportsDashboard',
  'reportsValue',
  'monthlyReports',
  'staff',
  'clinic',
  'apiKeys',
  'loginSecurity',
  'accountSecurity',
  'webhook',
  'jobs',
  'audit',
  'dataExport',
];

export function HelpLinkToCentre() {
  return <Link to="/help">前往說明中心</Link>;
}
