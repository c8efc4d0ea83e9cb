import { describe, expect, it } from 'vitest';
import { flexCss, renderFlexToHtml } from './index.ts';

describe('renderFlexToHtml', () => {
  it('renders bubble blocks, layouts, default flex and spacing', () => {
    const html = renderFlexToHtml({
      type: 'bubble',
      size: 'kilo',
      header: {
        type: 'box',
        layout: 'vertical',
        contents: [{ type: 'text', text: '標題', weight: 'bold', size: 'xl' }],
      },
      body: {
        type: 'box',
        layout: 'horizontal',
        spacing: 'md',
        contents: [
          { type: 'text', text: 'A' },
          { type: 'text', text: 'B', flex: 3 },
          { type: 'separator' },
          { type: 'filler' },
        ],
      },
      footer: {
        type: 'box',
        layout: 'vertical',
        contents: [{ type: 'button', style: 'primary', action: { type: 'postback', label: '確認', data: 'ok=1' } }],
      },
    });
    expect(html).toContain('width:260px');
    expect(html).toContain('lf-header');
    expect(html).toContain('font-size:22px;color'.slice(0, 14));
    expect(html).toContain('font-weight:700');
    expect(html).toMatch(/lf-horizontal/);
    expect(html).toContain('flex:1 0 0'); // default flex in a horizontal box
    expect(html).toContain('flex:3 0 0');
    expect(html).toContain('margin-inline-start:8px'); // spacing md between children
    expect(html).toContain('lf-btn-primary');
    expect(html).toContain('data-flex-action="{&quot;type&quot;:&quot;postback&quot;');
  });

  it('escapes text and rejects non-http image URLs', () => {
    const html = renderFlexToHtml({
      type: 'bubble',
      body: {
        type: 'box',
        layout: 'vertical',
        contents: [
          { type: 'text', text: '<script>x</script>' },
          { type: 'image', url: 'javascript:alert(1)' },
        ],
      },
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('javascript:');
  });

  it('renders carousels, spans, baseline icons, image aspect ratio', () => {
    const html = renderFlexToHtml({
      type: 'carousel',
      contents: [
        {
          type: 'bubble',
          hero: { type: 'image', url: 'https://e.x/a.png', aspectRatio: '20:13', aspectMode: 'cover' },
        },
        {
          type: 'bubble',
          body: {
            type: 'box',
            layout: 'baseline',
            contents: [
              { type: 'icon', url: 'https://e.x/i.png' },
              { type: 'text', contents: [{ type: 'span', text: '紅', color: '#ff0000' }] },
            ],
          },
        },
      ],
    });
    expect(html).toContain('lf-carousel');
    expect(html.match(/lf-bubble/g)).toHaveLength(2);
    expect(html).toContain('aspect-ratio:20/13');
    expect(html).toContain('object-fit:cover');
    expect(html).toContain('color:#ff0000');
    expect(html).toContain('lf-icon');
    expect(flexCss).toContain('.lf-bubble');
    expect(renderFlexToHtml({ type: 'nope' })).toBe('');
  });
});
