// The documents a clinic receives, as printed: the operator manual (docs/manual/*.md, one chapter
// per file, README.md is the index and stays out) and the system specification (docs/spec.md),
// rendered to one self-contained HTML page each for Chromium to print (platform/pdf.ts): the
// screenshots the chapters show are inlined as data: URLs, because the renderer's page has no
// network. The files are read from the repository checkout the server runs from, like the HIS guide.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type MarkdownIt from 'markdown-it';

export const DOCS_DIR = path.resolve(import.meta.dirname, '../../../../../docs');
export const MANUAL_DIR = path.join(DOCS_DIR, 'manual');
export const SCREENSHOTS_DIR = path.join(DOCS_DIR, 'screenshots');
export const SPEC_FILE = path.join(DOCS_DIR, 'spec.md');

/** A screenshot's file name as chapters may reference it (../screenshots/<name>.png). */
export const SCREENSHOT_NAME = /^[a-z0-9][a-z0-9-]*\.png$/;
const IMAGE_REF = /^\.\.\/screenshots\/([a-z0-9][a-z0-9-]*\.png)$/;

export type Chapter = { file: string; slug: string; title: string; source: string };

/** The manual's chapters in order (01-…md, 02-…md; the number is left out of the slug). */
export async function manualChapters(dir = MANUAL_DIR): Promise<Chapter[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{2}-[a-z0-9-]+\.md$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => {
      const source = await readFile(path.join(dir, file), 'utf8');
      const title = /^# (.+)$/m.exec(source)?.[1].trim() ?? file;
      return { file, slug: file.replace(/^\d{2}-|\.md$/g, ''), title, source };
    }),
  );
}

/** The screenshots the chapters reference, by file name. */
export function screenshotsOf(source: string): string[] {
  return [...source.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].flatMap((m) => IMAGE_REF.exec(m[1])?.slice(1) ?? []);
}

/**
 * A heading's anchor: its words joined by "-". The help centre has the same function (apps/web
 * src/help/markdown.tsx — the browser bundle does not import server code); manual.unit.test.ts
 * checks the two agree on every heading of the manual.
 */
export const slugOf = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');

let md: MarkdownIt | null = null;
async function markdown(): Promise<MarkdownIt> {
  if (md) return md;
  const { default: MarkdownItCtor } = await import('markdown-it');
  const m = new MarkdownItCtor({ html: false, linkify: false, typographer: false });
  m.renderer.rules.heading_open = (tokens, idx, options, _env, self) => {
    const inline = tokens[idx + 1];
    if (inline?.type === 'inline') tokens[idx].attrSet('id', slugOf(inline.content));
    return self.renderToken(tokens, idx, options);
  };
  // Images: only the screenshots folder, inlined (env.images maps a file name to its data: URL).
  m.renderer.rules.image = (tokens, idx, _options, env: { images: Map<string, string> }) => {
    const t = tokens[idx];
    const name = IMAGE_REF.exec(t.attrGet('src') ?? '')?.[1];
    const data = name ? env.images.get(name) : undefined;
    const alt = m.utils.escapeHtml(t.content);
    return data
      ? `<figure><img src="${data}" alt="${alt}"><figcaption>${alt}</figcaption></figure>`
      : `<p class="missing">（圖片缺少：${alt}）</p>`;
  };
  // A line break inside a paragraph: nothing between two CJK characters (a browser would draw a space).
  m.renderer.rules.softbreak = (tokens, idx) => {
    const cjk = /[\u3000-\u9fff\uff00-\uffef]/;
    const before = tokens[idx - 1]?.content.slice(-1) ?? '';
    const after = tokens[idx + 1]?.content.slice(0, 1) ?? '';
    const stop = /[\u3000-\u303f\uff00-\uffef]/; // 、。，（） …: no space after them either
    return stop.test(before) || (cjk.test(before) && cjk.test(after)) ? '' : '\n';
  };
  // A link to another chapter (NN-name.md#section) is a link inside the same PDF.
  m.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
    const href = tokens[idx].attrGet('href') ?? '';
    const chapter = /^(?:\.\/)?\d{2}-[a-z0-9-]+\.md(?:#(.+))?$/.exec(href);
    if (chapter) tokens[idx].attrSet('href', chapter[1] ? `#${chapter[1]}` : '#');
    return self.renderToken(tokens, idx, options);
  };
  md = m;
  return m;
}

async function inlineImages(sources: string[], dir: string): Promise<Map<string, string>> {
  const names = [...new Set(sources.flatMap(screenshotsOf))];
  const images = new Map<string, string>();
  for (const name of names) {
    const png = await readFile(path.join(dir, name)).catch(() => null);
    if (png) images.set(name, `data:image/png;base64,${png.toString('base64')}`);
  }
  return images;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const FONT = "'Noto Sans CJK TC', 'Noto Sans TC', 'PingFang TC', 'Microsoft JhengHei', sans-serif";
const STYLE = `
  @page { size: A4; }
  * { box-sizing: border-box; }
  body { font-family: ${FONT}; color: #1f1f1f; font-size: 10.5pt; line-height: 1.75; margin: 0; }
  h1 { font-size: 20pt; margin: 0 0 10pt; padding-bottom: 6pt; border-bottom: 2pt solid #06c755; }
  h2 { font-size: 14pt; margin: 18pt 0 6pt; break-after: avoid; }
  h3 { font-size: 11.5pt; margin: 12pt 0 4pt; break-after: avoid; }
  p, li { orphans: 3; widows: 3; }
  code { font-family: 'Noto Sans Mono CJK TC', monospace; font-size: 9.5pt; background: #f5f5f5; padding: 0 3px; }
  table { border-collapse: collapse; width: 100%; margin: 6pt 0 10pt; font-size: 9.5pt; break-inside: auto; }
  th, td { border: 0.6pt solid #d9d9d9; padding: 4pt 6pt; text-align: left; vertical-align: top; }
  th { background: #f6f6f6; }
  blockquote { margin: 8pt 0; padding: 4pt 10pt; border-left: 3pt solid #06c755; background: #f3fbf6; }
  blockquote p { margin: 2pt 0; }
  figure { margin: 8pt 0 12pt; break-inside: avoid; text-align: center; }
  figure img { max-width: 100%; max-height: 150mm; border: 0.6pt solid #d9d9d9; }
  figcaption { font-size: 8.5pt; color: #8c8c8c; margin-top: 3pt; }
  .missing { color: #cf1322; }
  .chapter { break-before: page; }
  .cover { height: 240mm; display: flex; flex-direction: column; justify-content: center; }
  .cover .brand { color: #06c755; font-weight: 700; font-size: 14pt; letter-spacing: 2pt; }
  .cover h1 { font-size: 30pt; border: none; margin: 8pt 0; }
  .cover .sub { color: #595959; font-size: 12pt; }
  .toc ol { list-style: none; padding: 0; margin: 0; }
  .toc li { margin: 0 0 9pt; }
  .toc li b { font-size: 12pt; }
  .toc li div { color: #595959; font-size: 9pt; line-height: 1.6; margin-top: 1pt; }
  .toc a { color: inherit; text-decoration: none; }
  .chapter-no { color: #06c755; font-weight: 700; font-size: 10pt; letter-spacing: 1pt; }
  a { color: #0958d9; }
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-Hant-TW"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>${STYLE}</style></head><body>${body}</body></html>`;
}

function cover(title: string, sub: string, date: string): string {
  return `<section class="cover"><div class="brand">CARELINE</div><h1>${esc(title)}</h1>
<div class="sub">${esc(sub)}</div><div class="sub" style="margin-top:18pt">產生日期：${esc(date)}</div></section>`;
}

/** The whole manual: a cover, the table of contents, then each chapter from a new page. */
export async function manualHtml(chapters: Chapter[], date: string, shots = SCREENSHOTS_DIR): Promise<string> {
  const m = await markdown();
  const env = {
    images: await inlineImages(
      chapters.map((c) => c.source),
      shots,
    ),
  };
  const toc = chapters
    .map((c, i) => {
      const sections = [...c.source.matchAll(/^## (.+)$/gm)].map((h) => esc(h[1].trim())).join('　·　');
      const title = `<a href="#${esc(slugOf(c.title))}"><b>第 ${i + 1} 章　${esc(c.title)}</b></a>`;
      return `<li>${title}<div>${sections}</div></li>`;
    })
    .join('');
  const body = chapters
    .map(
      (c, i) =>
        `<section class="chapter"><div class="chapter-no">第 ${i + 1} 章</div>${m.render(c.source, env)}</section>`,
    )
    .join('\n');
  return page(
    'Careline 系統操作手冊',
    `${cover('系統操作手冊', '給診所櫃台、醫師與管理者：後台每一項工作的步驟，以及病人在 LINE 上看到的畫面', date)}
<section class="chapter toc"><h2>目錄</h2><ol>${toc}</ol></section>${body}`,
  );
}

/** The system specification (docs/spec.md) with a cover. */
export async function specHtml(source: string, date: string): Promise<string> {
  const m = await markdown();
  const env = { images: await inlineImages([source], SCREENSHOTS_DIR) };
  const title = /^# (.+)$/m.exec(source)?.[1].trim() ?? 'Careline 系統規格說明書';
  return page(
    title,
    `${cover('系統規格說明書', '系統組成、保存的資料與期限、角色、安全、可用性與復原、限制', date)}
<section class="chapter">${m.render(source, env)}</section>`,
  );
}

/** A fingerprint of the files a PDF is made of (a cached PDF is reused while it holds). */
export function fingerprint(parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}
