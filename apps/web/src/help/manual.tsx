// 系統操作手冊 in the help centre: the chapters of docs/manual/ themselves (imported as text, so the
// document a clinic receives and the page in the product never differ), split into sections for
// the search, with their screenshots served by the api (/api/help/screenshots/<name>). Each page's
// 「？」 help links the manual section about that page (MANUAL_SECTION_OF).
import gettingStarted from '../../../../docs/manual/01-getting-started.md?raw';
import frontDesk from '../../../../docs/manual/02-front-desk.md?raw';
import reminders from '../../../../docs/manual/03-reminders.md?raw';
import patients from '../../../../docs/manual/04-patients.md?raw';
import messages from '../../../../docs/manual/05-messages.md?raw';
import care from '../../../../docs/manual/06-care.md?raw';
import satisfaction from '../../../../docs/manual/07-satisfaction.md?raw';
import reports from '../../../../docs/manual/08-reports.md?raw';
import booking from '../../../../docs/manual/09-booking.md?raw';
import settings from '../../../../docs/manual/10-settings.md?raw';
import patientPhone from '../../../../docs/manual/11-patient-phone.md?raw';
import type { HelpTopic } from './articles.tsx';
import { renderMarkdown, slugOf } from './markdown.tsx';

/** The chapters in order: file (in docs/manual), slug (the help centre's ?chapter=) and text. */
export const MANUAL_FILES = [
  ['01-getting-started.md', gettingStarted],
  ['02-front-desk.md', frontDesk],
  ['03-reminders.md', reminders],
  ['04-patients.md', patients],
  ['05-messages.md', messages],
  ['06-care.md', care],
  ['07-satisfaction.md', satisfaction],
  ['08-reports.md', reports],
  ['09-booking.md', booking],
  ['10-settings.md', settings],
  ['11-patient-phone.md', patientPhone],
] as const;

export type ManualSection = { id: string; title: string; text: string };
export type ManualChapter = {
  file: string;
  slug: string;
  number: number;
  title: string;
  source: string;
  sections: ManualSection[];
};

/** A chapter's ## sections (the text before the first one is the chapter's introduction, id ""). */
export function sectionsOf(source: string): ManualSection[] {
  const out: ManualSection[] = [{ id: '', title: '', text: '' }];
  for (const line of source.replace(/\r\n/g, '\n').split('\n')) {
    if (line.startsWith('# ')) continue;
    if (line.startsWith('## ')) out.push({ id: slugOf(line.slice(3)), title: line.slice(3).trim(), text: '' });
    else out[out.length - 1].text += `${line}\n`;
  }
  return out.map((s) => ({ ...s, text: plain(s.text) }));
}

/** The words of a Markdown text as a reader sees them (marks, image names and link targets left out). */
export function plain(md: string): string {
  return md
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\*\*|`|^#+ |^> |^\s*(?:-|\d+\.) |\|/gm, ' ')
    .replace(/^\s*-{3,}\s*$/gm, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export const MANUAL: ManualChapter[] = MANUAL_FILES.map(([file, source], i) => ({
  file,
  slug: file.replace(/^\d{2}-|\.md$/g, ''),
  number: i + 1,
  title: /^# (.+)$/m.exec(source)?.[1].trim() ?? file,
  source,
  sections: sectionsOf(source),
}));

export const chapterBySlug = (slug: string | null) => MANUAL.find((c) => c.slug === slug);

/** Where the help centre shows a chapter (and scrolls to a section). */
export const manualHref = (slug: string, section?: string | null) =>
  `/help?chapter=${slug}${section ? `&section=${encodeURIComponent(section)}` : ''}`;

export const screenshotUrl = (name: string) => `/api/help/screenshots/${name}`;

/** A chapter drawn for the help centre: images from the api, links between chapters stay in the product. */
export const renderChapter = (c: ManualChapter) =>
  renderMarkdown(c.source, { image: screenshotUrl, chapterLink: (slug, section) => manualHref(slug, section) });

/**
 * The manual section about each page's help topic: the page's 「？」 opens its chapter there.
 * [chapter slug, ## heading] — the unit test checks every heading exists.
 */
export const MANUAL_SECTION_OF: Record<HelpTopic, readonly [string, string] | null> = {
  login: ['getting-started', '登入後台'],
  roles: ['getting-started', '人員角色與權限'],
  systemFaq: null,
  platform: ['getting-started', '平台營運：開設新診所'],
  home: ['front-desk', '首頁：今天的門診'],
  appointments: ['front-desk', '預約列表'],
  calendar: ['front-desk', '門診行事曆'],
  feeds: ['front-desk', '把門診訂閱到手機行事曆'],
  webhook: ['settings', 'HIS 串接'],
  patients: ['patients', '病患名單'],
  segments: ['patients', '標籤與分眾'],
  recall: ['patients', '定期回診召回'],
  merge: ['patients', '整併重複的病患'],
  patientImport: ['patients', '匯入病患名單'],
  reminderRules: ['reminders', '提醒規則'],
  reminderTemplates: ['reminders', '訊息範本'],
  workCalendar: ['reminders', '工作日曆'],
  reminderFamily: ['reminders', '家人代收提醒'],
  deliveryLog: ['reminders', '發送紀錄與重新發送'],
  quota: ['reminders', '額度與費用'],
  linePnp: ['reminders', '沒加好友的病人：LINE 通知訊息與簡訊'],
  inbox: ['messages', '收件匣'],
  autoReplies: ['messages', '罐頭訊息與關鍵字'],
  faq: ['messages', '常見問題與客服機器人'],
  faqTrainer: ['messages', '機器人訓練'],
  cases: ['messages', '客訴與意見'],
  supportStats: ['messages', '客服成效'],
  followUps: ['care', '待追蹤'],
  carePlans: ['care', '照護計畫'],
  careLibrary: ['care', '衛教文章'],
  noShow: ['care', '未到診關懷'],
  broadcasts: ['care', '群發訊息'],
  satisfaction: ['satisfaction', '滿意度總覽'],
  questionnaires: ['satisfaction', '問卷'],
  googleReviews: ['satisfaction', 'Google 評論'],
  surveySettings: ['satisfaction', '調查設定'],
  reportsDashboard: ['reports', 'KPI 儀表板'],
  reportsValue: ['reports', 'Careline 效益'],
  monthlyReports: ['reports', '月報'],
  bookingRequests: ['booking', '預約申請'],
  waitlist: ['booking', '候補名單'],
  queue: ['booking', '看診進度'],
  bookingRules: ['booking', '預約規則'],
  noShowPolicy: ['booking', '未到診規則'],
  clinic: ['settings', '診所資料'],
  staff: ['settings', '人員管理'],
  lineChannel: ['settings', 'LINE 官方帳號'],
  richMenu: ['settings', '圖文選單'],
  apiKeys: ['settings', 'HIS 串接'],
  dataExport: ['settings', '資料匯出'],
  loginSecurity: ['settings', '登入安全'],
  accountSecurity: ['settings', '我的帳號：兩步驟驗證'],
  jobs: ['settings', '背景工作'],
  audit: ['settings', '稽核紀錄'],
};

/** The chapter and section a help topic opens, or null (the topic has no section of its own). */
export function manualLinkOf(topic: HelpTopic): { chapter: ManualChapter; section: ManualSection } | null {
  const at = MANUAL_SECTION_OF[topic];
  const chapter = at && chapterBySlug(at[0]);
  const section = chapter?.sections.find((s) => s.id === slugOf(at![1]));
  return chapter && section ? { chapter, section } : null;
}
