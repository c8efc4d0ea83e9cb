// The article text's light formatting: plain paragraphs separated by a blank line, a single line
// break kept as is, and three marks staff can type without a toolbar — 「## 小標題」 for a
// subheading, 「- 」 (or 「・」) for a bullet point, 「1. 」 for a numbered step, and **粗體**.
// Rendered with markdown-it restricted to those rules; raw HTML in the text is shown as text
// (html: false) and nothing becomes a link (the article's link is a field of its own).
import { createRequire } from 'node:module';
import type MarkdownIt from 'markdown-it';

// Loaded on the first article page, not at start: worker processes import this module (the
// article bubble's excerpt) and never render HTML, and markdown-it costs them ~14 MB.
const require = createRequire(import.meta.url);
let mdInstance: MarkdownIt | null = null;
const md = () =>
  (mdInstance ??= new (require('markdown-it') as typeof MarkdownIt)('zero', {
    html: false,
    breaks: true,
    linkify: false,
    typographer: false,
  }).enable(['heading', 'list', 'paragraph', 'newline', 'emphasis']));

/** 「・」 is how many people in Taiwan type a bullet: treat it like 「- 」. */
const normalise = (body: string) => body.replace(/\r\n?/g, '\n').replace(/^[ \t]*[・•][ \t]*/gm, '- ');

/** The article text as HTML for the public page (subheadings become h2 whatever the number of #). */
export function articleHtml(body: string): string {
  return md()
    .render(normalise(body))
    .replace(/<(\/?)h[1-6]>/g, '<$1h2>');
}

/** The text without its marks, paragraphs joined by a space: what the bubble's excerpt shows. */
export function plainText(body: string): string {
  return normalise(body)
    .split('\n')
    .map((l) =>
      l
        .replace(/^\s*#{1,6}\s+/, '')
        .replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '')
        .replace(/\*\*(.+?)\*\*/g, '$1')
        .trim(),
    )
    .filter(Boolean)
    .join(' ');
}

/** At most `max` characters (code points) of the text without its subheadings, cut with 「…」. */
export function excerptOf(body: string, max = 80): string {
  const chars = [...plainText(normalise(body).replace(/^\s*#{1,6}\s+.*$/gm, ''))];
  return chars.length <= max ? chars.join('') : chars.slice(0, max - 1).join('') + '…';
}
