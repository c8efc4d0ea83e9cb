// The Markdown forms the documents in docs/ use (docs/faq.md and the operator manual, docs/manual),
// drawn with the help centre's typography: headings (## and ###, each with an id to link a section
// to), paragraphs, "-" and "1." lists, tables, "> " notes, images of the screenshots folder,
// links, **bold** and `code`. Not a general Markdown renderer: a document that needs more should
// say so in a test (markdown.unit.test.ts).
import { Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

const { Title, Paragraph, Text } = Typography;

export type MarkdownOptions = {
  /** The URL of a screenshot (../screenshots/<name>.png in the source); without it images are left out. */
  image?: (name: string) => string;
  /** Where a link to another chapter (NN-name.md#section) goes in the product. */
  chapterLink?: (slug: string, section: string | null) => string;
};

/** A heading's anchor: its words joined by "-" (the server's PDF uses the same). */
export const slugOf = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');

const CHAPTER_LINK = /^(?:\.\/)?\d{2}-([a-z0-9-]+)\.md(?:#(.+))?$/;

/** **bold**, `code` and [links](…) inside a line. */
function inline(text: string, opts: MarkdownOptions): ReactNode[] {
  return text.split(/(\*\*[^*]+\*\*|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/g).map((part, i) => {
    if (part.startsWith('**') && part.endsWith('**'))
      return (
        <Text strong key={i}>
          {part.slice(2, -2)}
        </Text>
      );
    if (part.startsWith('`') && part.endsWith('`'))
      return (
        <Text code key={i}>
          {part.slice(1, -1)}
        </Text>
      );
    const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(part);
    if (link) {
      const [, label, href] = link;
      const chapter = CHAPTER_LINK.exec(href);
      if (chapter && opts.chapterLink)
        return (
          <Link key={i} to={opts.chapterLink(chapter[1], chapter[2] ?? null)}>
            {label}
          </Link>
        );
      if (/^https?:\/\//.test(href))
        return (
          <a key={i} href={href} target="_blank" rel="noreferrer">
            {label}
          </a>
        );
      if (href.startsWith('/'))
        return (
          <Link key={i} to={href}>
            {label}
          </Link>
        );
      return label;
    }
    return part;
  });
}

/** Lines of a wrapped paragraph joined: no space after CJK punctuation or between two CJK characters. */
export const joinLines = (lines: string[]) =>
  lines
    .map((l) => l.trim())
    .reduce(
      (out, l) =>
        !out
          ? l
          : /[\u3000-\u303f\uff00-\uffef]$/.test(out) ||
              (/[\u3000-\u9fff\uff00-\uffef]$/.test(out) && /^[\u3000-\u9fff\uff00-\uffef]/.test(l))
            ? out + l
            : `${out} ${l}`,
      '',
    );

const cells = (row: string) =>
  row
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => c.trim());

const IMAGE = /^!\[([^\]]*)\]\(\.\.\/screenshots\/([a-z0-9][a-z0-9-]*\.png)\)$/;

function list(lines: string[], marker: RegExp, key: number, opts: MarkdownOptions, ordered: boolean) {
  // A list item may continue on the next lines (indented).
  const items: string[] = [];
  for (const l of lines) {
    if (marker.test(l)) items.push(l.replace(marker, ''));
    else items[items.length - 1] = joinLines([items[items.length - 1], l]);
  }
  const children = items.map((it, k) => (
    <li key={k} style={{ marginBottom: 4 }}>
      {inline(it, opts)}
    </li>
  ));
  const style = { paddingInlineStart: 22, margin: '4px 0 12px' };
  return ordered ? (
    <ol key={key} style={style}>
      {children}
    </ol>
  ) : (
    <ul key={key} style={style}>
      {children}
    </ul>
  );
}

/** The document as React nodes; the first # heading is left out (the article has its own title). */
export function renderMarkdown(source: string, opts: MarkdownOptions = {}): ReactNode {
  const blocks = source.replace(/\r\n/g, '\n').split(/\n{2,}/);
  return blocks.map((block, i) => {
    const lines = block.split('\n');
    const first = lines[0];
    if (first.startsWith('# ')) return null;
    if (first.startsWith('### '))
      return (
        <Title level={5} key={i} id={slugOf(first.slice(4))} style={{ marginTop: 18, scrollMarginTop: 80 }}>
          {inline(first.slice(4), opts)}
        </Title>
      );
    if (first.startsWith('## '))
      return (
        <Title level={4} key={i} id={slugOf(first.slice(3))} style={{ marginTop: 28, scrollMarginTop: 80 }}>
          {inline(first.slice(3), opts)}
        </Title>
      );
    const image = IMAGE.exec(block.trim());
    if (image) {
      const [, alt, name] = image;
      if (!opts.image) return null;
      return (
        <figure key={i} style={{ margin: '8px 0 18px' }}>
          <img
            src={opts.image(name)}
            alt={alt}
            style={{ maxWidth: '100%', border: '1px solid #e5e5e5', borderRadius: 6, display: 'block' }}
          />
          <figcaption style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)', marginTop: 4 }}>{alt}</figcaption>
        </figure>
      );
    }
    if (first.startsWith('> '))
      return (
        <div
          key={i}
          className="help-note"
          style={{
            borderInlineStart: '3px solid #06c755',
            background: '#f3fbf6',
            padding: '8px 12px',
            margin: '8px 0 14px',
            borderRadius: 4,
          }}
        >
          {inline(joinLines(lines.map((l) => l.replace(/^>\s?/, ''))), opts)}
        </div>
      );
    if (first.startsWith('|')) {
      const [head, , ...rows] = lines;
      return (
        <table
          key={i}
          className="help-table"
          style={{ borderCollapse: 'collapse', margin: '8px 0 12px', width: '100%' }}
        >
          <thead>
            <tr>
              {cells(head).map((c, j) => (
                <th key={j} style={{ textAlign: 'left', borderBottom: '1px solid #e5e5e5', padding: '6px 8px' }}>
                  {inline(c, opts)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, k) => (
              <tr key={k}>
                {cells(r).map((c, j) => (
                  <td key={j} style={{ borderBottom: '1px solid #f0f0f0', padding: '6px 8px', verticalAlign: 'top' }}>
                    {inline(c, opts)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    }
    if (first.startsWith('- ')) return list(lines, /^- /, i, opts, false);
    if (/^\d+\. /.test(first)) return list(lines, /^\d+\. /, i, opts, true);
    return <Paragraph key={i}>{inline(joinLines(lines), opts)}</Paragraph>;
  });
}
