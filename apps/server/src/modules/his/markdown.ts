// The integration guide's markdown rendered to HTML with markdown-it: raw HTML in the source is
// escaped (html: false) and javascript:/data: links are refused (markdown-it's validateLink).
// Headings get an id from their text, so sections can be linked (/docs/guide#2-…).
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

const slug = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');

md.renderer.rules.heading_open = (tokens, idx, options, _env, self) => {
  const inline = tokens[idx + 1];
  if (inline?.type === 'inline') tokens[idx].attrSet('id', slug(inline.content));
  return self.renderToken(tokens, idx, options);
};

export function renderMarkdown(source: string): string {
  return md.render(source);
}
