import { describe, expect, it } from 'vitest';
import { articleFlex, flexProblems } from './flex.ts';
import { articleHtml, excerptOf, plainText } from './format.ts';

const card = (over: Partial<Parameters<typeof articleFlex>[0]> = {}) => ({
  title: '拔牙後照護',
  body: '拔牙後的傷口需要幾天時間癒合。\n\n## 止血\n- 紗布緊咬 30 分鐘',
  clinicName: '晴天牙醫',
  coverUrl: 'https://careline.example/line/care-images/abc',
  readUrl: 'https://careline.example/line/articles/xyz',
  ...over,
});

describe('articleFlex', () => {
  it('draws the cover as the hero, the clinic, the title, an excerpt and 閱讀全文', () => {
    const m = articleFlex(card());
    expect(m).toMatchObject({ type: 'flex', altText: '【衛教】拔牙後照護' });
    const b = m.contents as any;
    expect(b.hero).toMatchObject({
      type: 'image',
      url: 'https://careline.example/line/care-images/abc',
      aspectRatio: '20:13',
      action: { type: 'uri', uri: 'https://careline.example/line/articles/xyz' },
    });
    expect(b.body.contents.map((c: { text: string }) => c.text)).toEqual([
      '晴天牙醫・衛教',
      '拔牙後照護',
      '拔牙後的傷口需要幾天時間癒合。 紗布緊咬 30 分鐘',
    ]);
    expect(b.footer.contents[0]).toMatchObject({
      type: 'button',
      action: { type: 'uri', label: '閱讀全文', uri: 'https://careline.example/line/articles/xyz' },
    });
    expect(flexProblems(m)).toEqual([]);
  });

  it('leaves out the hero without a cover and the excerpt without text', () => {
    const b = articleFlex(card({ coverUrl: null, body: '' })).contents as any;
    expect(b.hero).toBeUndefined();
    expect(b.body.contents).toHaveLength(2);
  });

  it('keeps altText within 400 characters and names what LINE would refuse', () => {
    const long = articleFlex(card({ title: '長'.repeat(500) }));
    expect([...long.altText]).toHaveLength(400);
    expect(long.altText.endsWith('…')).toBe(true);
    expect(flexProblems(long)).toEqual([]);
    const badUri = articleFlex(card({ readUrl: `https://x.example/${'a'.repeat(1000)}` }));
    expect(flexProblems(badUri).map((p) => p.code)).toEqual(['maxLength']);
    const hugeHero = articleFlex(card({ coverUrl: `https://x.example/${'a'.repeat(2000)}` }));
    expect(flexProblems(hugeHero).map((p) => p.code)).toEqual(['url_too_long']);
    const noAlt = { ...articleFlex(card()), altText: '' };
    expect(flexProblems(noAlt).map((p) => p.code)).toEqual(['altText']);
    const big = { ...articleFlex(card()), contents: { type: 'bubble', body: { x: 'y'.repeat(30_001) } } as any };
    expect(flexProblems(big).map((p) => p.code)).toEqual(['too_large']);
  });

  it('counts characters, not UTF-16 units, for the excerpt', () => {
    expect(excerptOf('😀'.repeat(100), 10)).toBe('😀'.repeat(9) + '…');
    expect(excerptOf('短文')).toBe('短文');
  });
});

describe('article text formatting', () => {
  it('renders subheadings, bullets (- or ・), numbered steps and bold; escapes HTML', () => {
    const html = articleHtml('第一段\n第二行\n\n## 小標\n・項目一\n- 項目二\n\n1. 步驟\n\n**粗體** <b>x</b>');
    expect(html).toContain('<p>第一段<br>\n第二行</p>');
    expect(html).toContain('<h2>小標</h2>');
    expect(html).toContain('<ul>\n<li>項目一</li>\n<li>項目二</li>\n</ul>');
    expect(html).toContain('<ol>\n<li>步驟</li>\n</ol>');
    expect(html).toContain('<strong>粗體</strong> &lt;b&gt;x&lt;/b&gt;');
    expect(articleHtml('# 大標')).toBe('<h2>大標</h2>\n');
    expect(articleHtml('[連結](https://x.example)')).not.toContain('<a');
  });

  it('strips the marks for plain text', () => {
    expect(plainText('## 小標\n- 一\n1. 二\n**三**')).toBe('小標 一 二 三');
  });
});
