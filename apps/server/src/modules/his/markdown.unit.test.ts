import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';

const flat = (h: string) => h.replace(/>\s+</g, '><');

describe('renderMarkdown', () => {
  it('renders headings with ids, lists, code, tables and links', () => {
    const h = flat(
      renderMarkdown(
        '# 2. 第一位醫師\n\n- 一\n- **二**\n\n```js\nconst a = 1 < 2;\n```\n\n| a | b |\n|---|---|\n| `x` | [y](/docs) |\n',
      ),
    );
    expect(h).toContain('<h1 id="2-第一位醫師">2. 第一位醫師</h1>');
    expect(h).toContain('<ul><li>一</li><li><strong>二</strong></li></ul>');
    expect(h).toContain('<pre><code class="language-js">const a = 1 &lt; 2;\n</code></pre>');
    expect(h).toContain('<td><code>x</code></td><td><a href="/docs">y</a></td>');
  });
  it('escapes HTML and refuses javascript: links', () => {
    const h = renderMarkdown('<script>alert(1)</script> [x](javascript:alert(1))');
    expect(h).not.toContain('<script>');
    expect(h).toContain('&lt;script&gt;');
    expect(h).not.toContain('href="javascript:');
  });
});
