// HTML → PDF with headless Chromium (playwright-core driving the browser at CHROMIUM_PATH, Debian's
// `chromium` package by default; CJK text needs `fonts-noto-cjk` — docs/operations.md "PDF reports").
// Chromium lays out Traditional Chinese, tables and SVG charts exactly as a browser prints them,
// which a PDF library with an embedded font would have to imitate by hand.
//
// One browser per process, started on the first PDF and closed after a minute without one, so an
// api process that never renders a PDF never pays for it; renders run one at a time, which bounds
// the memory a burst of downloads can take (each page is closed after its PDF).
import { access, constants } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { AppError } from './errors.ts';

const IDLE_MS = 60_000;
const RENDER_TIMEOUT_MS = 30_000;

export const RENDERER_MISSING_MESSAGE =
  '伺服器尚未安裝產生 PDF 的程式（Chromium），暫時無法下載 PDF。請先下載 Excel 版，並請系統管理者安裝 chromium 與 fonts-noto-cjk 套件。';

export type PdfOptions = {
  /** Shown at the bottom of every page, left of the page number (plain text). */
  footer?: string;
  landscape?: boolean;
};

export type PdfRenderer = { render(html: string, opts?: PdfOptions): Promise<Buffer>; close(): Promise<void> };

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function pdfRenderer(chromiumPath: string | null): PdfRenderer {
  let browser: Promise<Browser> | null = null;
  let idle: NodeJS.Timeout | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  async function launch(): Promise<Browser> {
    const missing = new AppError('PDF_RENDERER_MISSING', 503, RENDERER_MISSING_MESSAGE);
    if (!chromiumPath) throw missing;
    try {
      await access(chromiumPath, constants.X_OK);
    } catch {
      throw missing;
    }
    const { chromium } = await import('playwright-core');
    try {
      return await chromium.launch({ executablePath: chromiumPath, timeout: RENDER_TIMEOUT_MS });
    } catch {
      throw new AppError('PDF_RENDERER_FAILED', 503, 'PDF 產生程式（Chromium）無法啟動，請稍後再試或先下載 Excel 版。');
    }
  }

  async function once(html: string, opts: PdfOptions): Promise<Buffer> {
    if (idle) clearTimeout(idle);
    browser ??= launch().catch((e: unknown) => {
      browser = null;
      throw e;
    });
    const b = await browser;
    // The page is our own HTML with every value escaped; still, it runs no script and reaches no network.
    const page = await b.newPage({ javaScriptEnabled: false, offline: true });
    try {
      await page.setContent(html, { waitUntil: 'load', timeout: RENDER_TIMEOUT_MS });
      const footer = opts.footer ? `${escapeHtml(opts.footer)}　·　` : '';
      return await page.pdf({
        format: 'A4',
        landscape: opts.landscape ?? false,
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate:
          '<div style="width:100%;font-size:8px;color:#8c8c8c;padding:0 14mm;text-align:right;' +
          `font-family:'Noto Sans CJK TC',sans-serif">${footer}第 <span class="pageNumber"></span> / ` +
          '<span class="totalPages"></span> 頁</div>',
        margin: { top: '14mm', bottom: '16mm', left: '14mm', right: '14mm' },
      });
    } finally {
      await page.close().catch(() => undefined);
      idle = setTimeout(() => void close(), IDLE_MS);
      idle.unref();
    }
  }

  async function close() {
    if (idle) clearTimeout(idle);
    idle = null;
    const b = browser;
    browser = null;
    if (b) await (await b.catch(() => null))?.close();
  }

  return {
    render(html, opts = {}) {
      const run = queue.then(() => once(html, opts));
      queue = run.catch(() => undefined);
      return run;
    },
    close,
  };
}
