// The few Markdown forms docs/faq.md uses, drawn with the help centre's typography: headings
// (## and ###), paragraphs, "-" lists, tables, **bold** and `code`. Not a general Markdown
// renderer: a document that needs more should say so in a test (markdown.unit.test.ts).
import { Typography } from 'antd';
import type { ReactNode } from 'react';

const { Title, Paragraph, Text } = Typography;

/** **bold** and `code` inside a line. */
function inline(text: string): ReactNode[] {
  return text.split(/(\*\*[^*]+\*\*|`[^`]+`)/g).map((part, i) =>
    part.startsWith('**') && part.endsWith('**') ? (
      <Text strong key={i}>
        {part.slice(2, -2)}
      </Text>
    ) : part.startsWith('`') && part.endsWith('`') ? (
      <Text code key={i}>
        {part.slice(1, -1)}
      </Text>
    ) : (
      part
    ),
  );
}

/** Lines of a wrapped paragraph joined: no space between two CJK characters, one otherwise. */
const joinLines = (lines: string[]) =>
  lines
    .map((l) => l.trim())
    .reduce(
      (out, l) =>
        !out
          ? l
          : /[\u3000-\u9fff\uff00-\uffef]$/.test(out) && /^[\u3000-\u9fff\uff00-\uffef]/.test(l)
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

/** The document as React nodes; the first # heading is left out (the article has its own title). */
export function renderMarkdown(source: string): ReactNode {
  const blocks = source.replace(/\r\n/g, '\n').split(/\n{2,}/);
  return blocks.map((block, i) => {
    const lines = block.split('\n');
    const first = lines[0];
    if (first.startsWith('# ')) return null;
    if (first.startsWith('### '))
      return (
        <Title level={5} key={i} style={{ marginTop: 18 }}>
          {inline(first.slice(4))}
        </Title>
      );
    if (first.startsWith('## '))
      return (
        <Title level={4} key={i} style={{ marginTop: 24 }}>
          {inline(first.slice(3))}
        </Title>
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
                  {inline(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, k) => (
              <tr key={k}>
                {cells(r).map((c, j) => (
                  <td key={j} style={{ borderBottom: '1px solid #f0f0f0', padding: '6px 8px', verticalAlign: 'top' }}>
                    {inline(c)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    }
    if (first.startsWith('- ')) {
      // A list item may continue on the next lines (indented).
      const items: string[] = [];
      for (const l of lines) {
        if (l.startsWith('- ')) items.push(l.slice(2));
        else items[items.length - 1] = joinLines([items[items.length - 1], l]);
      }
      return (
        <ul key={i} style={{ paddingInlineStart: 20, margin: '4px 0 12px' }}>
          {items.map((it, k) => (
            <li key={k} style={{ marginBottom: 4 }}>
              {inline(it)}
            </li>
          ))}
        </ul>
      );
    }
    return <Paragraph key={i}>{inline(joinLines(lines))}</Paragraph>;
  });
}
