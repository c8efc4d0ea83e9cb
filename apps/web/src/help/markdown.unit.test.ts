import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.tsx';
import { textOf } from './search.ts';

describe('help markdown', () => {
  it('draws headings, lists, tables, bold and code as text without their marks', () => {
    const text = textOf(
      renderMarkdown('# 標題\n\n## 二\n\n- 第一 **粗**\n  續行\n- `碼`\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n段落'),
    );
    expect(text).not.toContain('標題');
    for (const s of ['二', '第一', '粗', '續行', '碼', 'a', '2', '段落']) expect(text).toContain(s);
    expect(text).not.toMatch(/\*\*|`|\||^#/);
  });

  it('leaves no Markdown marks in docs/faq.md (a form it does not know would show them)', () => {
    const faq = readFileSync(resolve(import.meta.dirname, '../../../../docs/faq.md'), 'utf8');
    const text = textOf(renderMarkdown(faq));
    expect(text).toContain('查無這支手機號碼的病歷資料');
    expect(text).not.toMatch(/\*\*|\| ---|(^|\s)#{2,3} /);
  });
});
