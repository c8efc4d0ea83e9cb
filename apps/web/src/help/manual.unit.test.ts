// The operator manual (docs/manual) as the help centre shows it, and the freshness of its
// screenshots: every screenshot a chapter shows exists and was taken after the last change of the
// page it shows (docs/manual/screenshots.json, scripts/manual-screenshots.ts — hashes, not file times,
// so a fresh clone agrees); every page's 「？」 points at a section that exists; chapter links resolve;
// no Markdown mark reaches the reader.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isValidElement, type ReactElement, type ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import {
  manualScreenshotProblems,
  pagesHash,
  readManifest,
  recordScreenshotsTaken,
  ROOT,
} from '../../../../scripts/manual-screenshots.ts';
import { HELP_ARTICLES, type HelpTopic } from './articles.tsx';
import { chapterBySlug, MANUAL, MANUAL_FILES, MANUAL_SECTION_OF, manualLinkOf, renderChapter } from './manual.tsx';
import { renderMarkdown, slugOf } from './markdown.tsx';
import { textOf } from './search.ts';
import { slugOf as serverSlugOf } from '../../../server/src/modules/manual/documents.ts';

const MANUAL_DIR = path.join(ROOT, 'docs/manual');

/** Every element of a React tree (depth first). */
function elements(node: ReactNode): ReactElement<Record<string, unknown>>[] {
  if (Array.isArray(node)) return node.flatMap(elements);
  if (!isValidElement<Record<string, unknown>>(node)) return [];
  return [node, ...elements(node.props.children as ReactNode)];
}

describe('manual screenshots are fresh', () => {
  it('every screenshot a chapter shows exists and is newer than its page (else: which spec to rerun)', () => {
    expect(manualScreenshotProblems()).toEqual([]);
  });

  it('tells a missing screenshot, one without an entry, and one older than its page — with the spec', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'manual-fresh-'));
    try {
      for (const d of ['docs/manual', 'docs/screenshots', 'e2e', 'apps/web/src/pages'])
        mkdirSync(path.join(root, d), { recursive: true });
      const write = (p: string, s: string) => writeFileSync(path.join(root, p), s);
      write('apps/web/src/pages/Page.tsx', 'export const A = 1;\n');
      write('e2e/page.spec.ts', 'await page.screenshot({ path: `${SHOTS}/a.png` });\n');
      write('docs/screenshots/a.png', 'png');
      write('docs/manual/01-one.md', '# 一\n\n## 節\n\n![圖](../screenshots/a.png)\n\n![圖二](../screenshots/b.png)\n');
      const entry = { spec: 'e2e/page.spec.ts', pages: ['apps/web/src/pages/Page.tsx'] };
      write(
        'docs/manual/screenshots.json',
        JSON.stringify({ 'a.png': { ...entry, sha256: pagesHash(entry.pages, root) } }),
      );
      const problems = manualScreenshotProblems(root);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('docs/screenshots/b.png, which is missing');

      // the page changes: a.png is now older than its page, and the message names the spec to rerun
      write('docs/manual/01-one.md', '# 一\n\n![圖](../screenshots/a.png)\n');
      write('apps/web/src/pages/Page.tsx', 'export const A = 2;\n');
      const stale = manualScreenshotProblems(root);
      expect(stale).toHaveLength(1);
      expect(stale[0]).toContain('docs/screenshots/a.png (shown in docs/manual/01-one.md) is older than its page');
      expect(stale[0]).toContain('npx playwright test -c e2e/playwright.config.ts e2e/page.spec.ts');

      // an e2e run that did not rewrite a.png changes nothing; one that did records the page's hash
      utimesSync(path.join(root, 'docs/screenshots/a.png'), new Date(1000), new Date(1000));
      expect(recordScreenshotsTaken(Date.now() - 60_000, root)).toEqual([]);
      write('docs/screenshots/a.png', 'png, again');
      expect(recordScreenshotsTaken(Date.now() - 60_000, root)).toEqual(['a.png']);
      expect(manualScreenshotProblems(root)).toEqual([]);

      // a screenshot without an entry, and an entry whose spec does not take it
      write('docs/screenshots/c.png', 'png');
      write('docs/manual/02-two.md', '# 二\n\n![圖](../screenshots/c.png)\n');
      expect(manualScreenshotProblems(root)[0]).toContain('c.png, which has no entry in docs/manual/screenshots.json');
      const m = readManifest(path.join(root, 'docs/manual/screenshots.json'));
      m['c.png'] = { ...entry, sha256: pagesHash(entry.pages, root) };
      write('docs/manual/screenshots.json', JSON.stringify(m));
      expect(manualScreenshotProblems(root)[0]).toContain(
        'says e2e/page.spec.ts takes it, but that spec does not name it',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the manual in the help centre', () => {
  it('holds every chapter file of docs/manual, in order, each with a title and sections', () => {
    const files = readdirSync(MANUAL_DIR)
      .filter((f) => /^\d{2}-.+\.md$/.test(f))
      .sort();
    expect(MANUAL_FILES.map(([f]) => f)).toEqual(files);
    for (const c of MANUAL) {
      expect(c.title, c.file).not.toBe(c.file);
      expect(c.sections.filter((s) => s.id).length, c.file).toBeGreaterThan(1);
    }
    const index = readFileSync(path.join(MANUAL_DIR, 'README.md'), 'utf8');
    for (const c of MANUAL) expect(index, `README.md lists ${c.file}`).toContain(`(${c.file})`);
  });

  it("opens each page's 「？」 at a section that exists", () => {
    for (const topic of Object.keys(HELP_ARTICLES) as HelpTopic[]) {
      if (MANUAL_SECTION_OF[topic] === null) continue;
      expect(manualLinkOf(topic), `${topic} → ${MANUAL_SECTION_OF[topic]?.join(' › ')}`).not.toBeNull();
    }
  });

  it('names sections as the PDF does (the server renders its own anchors with a twin of slugOf)', () => {
    for (const c of MANUAL) for (const s of c.sections) expect(serverSlugOf(s.title)).toBe(s.id);
  });

  it('links between chapters reach a chapter and a section', () => {
    for (const c of MANUAL)
      for (const [, slug, section] of c.source.matchAll(/\]\(\d{2}-([a-z0-9-]+)\.md(?:#([^)]+))?\)/g)) {
        const target = chapterBySlug(slug);
        expect(target, `${c.file} → ${slug}`).toBeDefined();
        if (section)
          expect(
            target!.sections.map((s) => s.id),
            `${c.file} → ${slug}#${section}`,
          ).toContain(section);
      }
    for (const c of MANUAL)
      for (const [, section] of c.source.matchAll(/\]\(#([^)]+)\)/g))
        expect(
          c.sections.map((s) => s.id),
          `${c.file} → #${section}`,
        ).toContain(section);
  });

  it('draws each chapter without Markdown marks, its images from the api, its headings linkable', () => {
    for (const c of MANUAL) {
      const tree = renderChapter(c);
      const text = textOf(tree);
      expect(text, c.file).not.toMatch(/(?<!\*)\*\*(?!\*)|\| ---|!\[|\]\(|(^|\s)#{2,3} |^> /m);
      const els = elements(tree);
      const imgs = els.filter((e) => e.type === 'img');
      expect(imgs.length, c.file).toBeGreaterThan(0);
      for (const img of imgs) expect(img.props.src).toMatch(/^\/api\/help\/screenshots\/[a-z0-9-]+\.png$/);
      const ids = els.map((e) => e.props.id).filter(Boolean);
      for (const s of c.sections.filter((x) => x.id)) expect(ids, c.file).toContain(s.id);
    }
  });
});

describe('help markdown: the forms the manual uses', () => {
  it('images, numbered steps, notes, links to chapters and outside', () => {
    const tree = renderMarkdown(
      '# 章\n\n## 第一節：設定\n\n1. 按「儲存」\n   續行\n2. 第二步\n\n> 提醒 **粗**\n\n' +
        '![說明圖](../screenshots/x-y.png)\n\n見 [另一章](02-front-desk.md#預約列表) 與 [LINE](https://line.me)。',
      { image: (n) => `/img/${n}`, chapterLink: (s, sec) => `/help?chapter=${s}&section=${sec}` },
    );
    const els = elements(tree);
    expect(els.find((e) => e.type === 'img')?.props).toMatchObject({ src: '/img/x-y.png', alt: '說明圖' });
    expect(els.find((e) => e.type === 'ol')).toBeDefined();
    expect(els.filter((e) => e.type === 'li').map((e) => textOf(e.props.children as ReactNode))).toEqual([
      '按「儲存」續行',
      '第二步',
    ]);
    expect(els.find((e) => e.props.className === 'help-note')).toBeDefined();
    expect(els.find((e) => e.props.to === '/help?chapter=front-desk&section=預約列表')).toBeDefined();
    expect(els.find((e) => e.props.href === 'https://line.me')).toBeDefined();
    expect(els.find((e) => e.props.id === slugOf('第一節：設定'))).toBeDefined();
    expect(slugOf('第一節：設定')).toBe('第一節-設定');
    const text = textOf(tree);
    expect(text).toContain('說明圖');
    expect(text).not.toMatch(/\*\*|!\[|\]\(|^> /m);
  });

  it('leaves images out where no image URL is given (the FAQ has none)', () => {
    expect(elements(renderMarkdown('![圖](../screenshots/a.png)')).filter((e) => e.type === 'img')).toEqual([]);
  });
});
