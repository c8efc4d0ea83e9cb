// 常見問題（系統 FAQ）in the help centre: docs/faq.md itself, so the document a clinic receives
// and the page in the product never differ.
import faq from '../../../../docs/faq.md?raw';
import { renderMarkdown } from './markdown.tsx';
import type { HelpArticle } from './parts.tsx';

export const SYSTEM_FAQ_HELP = {
  systemFaq: {
    title: '常見問題（系統 FAQ）',
    summary: '綁定失敗、提醒沒收到、LINE 與簡訊費用、燈號的意思、隱私與資料——診所與病人最常問的問題。',
    body: renderMarkdown(faq),
  },
} satisfies Record<string, HelpArticle>;
