// Renders a LINE Flex Message container (bubble or carousel) to an HTML string.
// Pure: no DOM, no globals; the same code runs in Node (back-office previews, tests) and in
// the browser (the emulator's phone page). Sizes and defaults follow LINE's Flex Message
// reference: keyword sizes, default flex (1 in horizontal/baseline boxes, 0 in vertical
// boxes), spacing between children overridden by a child's margin, block paddings.
// Actions are emitted as `data-flex-action` attributes (JSON) for the host page to wire up.

type Obj = Record<string, unknown>;

export type FlexRenderOptions = {
  /** emit data-flex-action attributes on components with an action (default true) */
  actions?: boolean;
};

const esc = (s: unknown): string =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const SPACING: Record<string, string> = {
  none: '0px',
  xs: '2px',
  sm: '4px',
  md: '8px',
  lg: '12px',
  xl: '16px',
  xxl: '20px',
};
const TEXT_SIZE: Record<string, string> = {
  xxs: '11px',
  xs: '13px',
  sm: '14px',
  md: '16px',
  lg: '19px',
  xl: '22px',
  xxl: '29px',
  '3xl': '35px',
  '4xl': '48px',
  '5xl': '74px',
};
const IMAGE_SIZE: Record<string, string> = {
  xxs: '40px',
  xs: '60px',
  sm: '80px',
  md: '100px',
  lg: '120px',
  xl: '140px',
  xxl: '160px',
  '3xl': '180px',
  '4xl': '200px',
  '5xl': '240px',
  full: '100%',
};
const BORDER_WIDTH: Record<string, string> = {
  none: '0px',
  light: '0.5px',
  normal: '1px',
  medium: '2px',
  'semi-bold': '3px',
  bold: '4px',
};
const RADIUS: Record<string, string> = {
  none: '0px',
  xs: '2px',
  sm: '4px',
  md: '8px',
  lg: '12px',
  xl: '16px',
  xxl: '20px',
};
const BUBBLE_WIDTH: Record<string, string> = {
  nano: '120px',
  micro: '160px',
  deca: '220px',
  hecto: '241px',
  kilo: '260px',
  mega: '300px',
  giga: '386px',
};
const JUSTIFY: Record<string, string> = {
  'flex-start': 'flex-start',
  'flex-end': 'flex-end',
  center: 'center',
  'space-between': 'space-between',
  'space-around': 'space-around',
  'space-evenly': 'space-evenly',
};

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const kw = (table: Record<string, string>, v: unknown): string | undefined => {
  if (typeof v !== 'string') return undefined;
  if (table[v] !== undefined) return table[v];
  if (/^-?\d+(\.\d+)?(px|%)$/.test(v)) return v;
  return undefined;
};
const color = (v: unknown): string | undefined =>
  typeof v === 'string' && /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/.test(v) ? v : undefined;
const url = (v: unknown): string => (typeof v === 'string' && /^(https?:|data:image\/)/.test(v) ? v : '');

type Ctx = { actions: boolean };
type Parent = 'vertical' | 'horizontal' | 'baseline';

function styleAttr(st: string[]): string {
  const s = st.filter(Boolean).join(';');
  return s ? ` style="${esc(s)}"` : '';
}

function actionAttr(ctx: Ctx, a: unknown): string {
  if (!ctx.actions || !isObj(a)) return '';
  return ` data-flex-action="${esc(JSON.stringify(a))}"`;
}

/** Styles every component gets from its parent: flex, margin/spacing, position, offsets. */
function commonStyles(c: Obj, parent: Parent, spacing: string | undefined, index: number): string[] {
  const st: string[] = [];
  const defaultFlex = parent === 'vertical' ? 0 : 1;
  const flex = typeof c.flex === 'number' ? c.flex : c.type === 'filler' ? 1 : defaultFlex;
  const hasWidth = parent !== 'vertical' && typeof c.width === 'string';
  const hasHeight = parent === 'vertical' && typeof c.height === 'string' && c.type === 'box';
  if (hasWidth || hasHeight) st.push('flex:0 0 auto');
  else st.push(flex > 0 ? `flex:${flex} 0 0` : 'flex:0 0 auto');
  const margin = kw(SPACING, c.margin) ?? (index > 0 ? spacing : undefined);
  if (margin) st.push(parent === 'vertical' ? `margin-top:${margin}` : `margin-inline-start:${margin}`);
  if (c.position === 'absolute') st.push('position:absolute');
  for (const [k, css] of [
    ['offsetTop', 'top'],
    ['offsetBottom', 'bottom'],
    ['offsetStart', 'inset-inline-start'],
    ['offsetEnd', 'inset-inline-end'],
  ] as const) {
    const v = kw(SPACING, c[k]);
    if (v) st.push(c.position === 'absolute' ? `${css}:${v}` : `position:relative;${css}:${v}`);
  }
  const gravity = c.gravity;
  if (
    parent !== 'vertical' &&
    (gravity === 'center' || gravity === 'bottom' || gravity === 'top') &&
    c.type !== 'box'
  ) {
    st.push(`align-self:${gravity === 'center' ? 'center' : gravity === 'bottom' ? 'flex-end' : 'flex-start'}`);
  }
  return st;
}

function renderBox(ctx: Ctx, b: Obj, extra: string[], cls = ''): string {
  const layout: Parent = b.layout === 'horizontal' ? 'horizontal' : b.layout === 'baseline' ? 'baseline' : 'vertical';
  const st = [...extra];
  st.push(`flex-direction:${layout === 'vertical' ? 'column' : 'row'}`);
  if (layout === 'baseline') st.push('align-items:baseline');
  const bg = color(b.backgroundColor);
  if (bg) st.push(`background-color:${bg}`);
  if (isObj(b.background) && b.background.type === 'linearGradient') {
    const g = b.background;
    const stops = [
      color(g.startColor),
      color(g.centerColor) ? `${color(g.centerColor)} ${esc(g.centerPosition ?? '50%')}` : '',
      color(g.endColor),
    ]
      .filter(Boolean)
      .join(',');
    st.push(
      `background:linear-gradient(` +
        `${typeof g.angle === 'string' ? g.angle.replace(/[^0-9a-z.]/gi, '') : '0deg'},${stops})`,
    );
  }
  const bw = kw(BORDER_WIDTH, b.borderWidth);
  const bc = color(b.borderColor);
  if (bw || bc) st.push(`border:${bw ?? '1px'} solid ${bc ?? '#000000'}`);
  const r = kw(RADIUS, b.cornerRadius);
  if (r) st.push(`border-radius:${r}`, 'overflow:hidden');
  for (const [k, css] of [
    ['width', 'width'],
    ['height', 'height'],
    ['maxWidth', 'max-width'],
    ['maxHeight', 'max-height'],
  ] as const) {
    if (typeof b[k] === 'string' && /^\d+(\.\d+)?(px|%)$/.test(b[k] as string)) st.push(`${css}:${b[k] as string}`);
  }
  const pAll = kw(SPACING, b.paddingAll);
  if (pAll) st.push(`padding:${pAll}`);
  for (const [k, css] of [
    ['paddingTop', 'padding-top'],
    ['paddingBottom', 'padding-bottom'],
    ['paddingStart', 'padding-inline-start'],
    ['paddingEnd', 'padding-inline-end'],
  ] as const) {
    const v = kw(SPACING, b[k]);
    if (v) st.push(`${css}:${v}`);
  }
  if (typeof b.justifyContent === 'string' && JUSTIFY[b.justifyContent])
    st.push(`justify-content:${JUSTIFY[b.justifyContent]}`);
  if (typeof b.alignItems === 'string' && ['flex-start', 'flex-end', 'center'].includes(b.alignItems))
    st.push(`align-items:${b.alignItems}`);
  const spacing = kw(SPACING, b.spacing);
  const children = Array.isArray(b.contents) ? b.contents : [];
  const inner = children.map((c, i) => renderComponent(ctx, c, layout, spacing, i)).join('');
  return `<div class="lf-box lf-${layout}${cls}"${styleAttr(st)}${actionAttr(ctx, b.action)}>${inner}</div>`;
}

function textStyles(c: Obj): string[] {
  const st: string[] = [];
  const size = kw(TEXT_SIZE, c.size);
  if (size) st.push(`font-size:${size}`);
  const col = color(c.color);
  if (col) st.push(`color:${col}`);
  if (c.weight === 'bold') st.push('font-weight:700');
  if (c.style === 'italic') st.push('font-style:italic');
  if (c.decoration === 'underline' || c.decoration === 'line-through') st.push(`text-decoration:${c.decoration}`);
  return st;
}

function renderText(ctx: Ctx, c: Obj, extra: string[]): string {
  const st = [...extra, ...textStyles(c)];
  if (c.align === 'center' || c.align === 'end' || c.align === 'start') st.push(`text-align:${c.align}`);
  if (typeof c.lineSpacing === 'string' && /^\d+(\.\d+)?px$/.test(c.lineSpacing))
    st.push(`line-height:calc(1.4em + ${c.lineSpacing})`);
  const wrap = c.wrap === true;
  const maxLines = typeof c.maxLines === 'number' && c.maxLines > 0 ? c.maxLines : 0;
  let cls = wrap ? ' lf-wrap' : ' lf-nowrap';
  if (wrap && maxLines) {
    cls += ' lf-clamp';
    st.push(`-webkit-line-clamp:${maxLines}`);
  }
  const spans =
    Array.isArray(c.contents) && c.contents.length > 0
      ? c.contents
          .filter(isObj)
          .map((s) => `<span${styleAttr(textStyles(s))}>${esc(s.text)}</span>`)
          .join('')
      : esc(c.text);
  return `<div class="lf-text${cls}"${styleAttr(st)}${actionAttr(ctx, c.action)}><p>${spans}</p></div>`;
}

function ratio(v: unknown): string {
  if (typeof v === 'string') {
    const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(v);
    if (m) return `${m[1]}/${m[2]}`;
  }
  return '1/1';
}

function renderImage(ctx: Ctx, c: Obj, extra: string[], parent: Parent): string {
  const st = [...extra];
  const size = kw(IMAGE_SIZE, c.size) ?? IMAGE_SIZE.md;
  const align = c.align === 'start' ? 'flex-start' : c.align === 'end' ? 'flex-end' : 'center';
  if (parent === 'vertical') st.push(`align-self:${size === '100%' ? 'stretch' : align}`);
  const bg = color(c.backgroundColor);
  const inner = [`width:${size}`, 'max-width:100%', `aspect-ratio:${ratio(c.aspectRatio)}`];
  if (bg) inner.push(`background-color:${bg}`);
  const fit = c.aspectMode === 'cover' ? 'cover' : 'contain';
  return (
    `<div class="lf-image"${styleAttr(st)}${actionAttr(ctx, c.action)}><div class="lf-imgbox"${styleAttr(inner)}>` +
    `<img src="${esc(url(c.url))}" alt="" style="object-fit:${fit}"></div></div>`
  );
}

function renderIcon(c: Obj, extra: string[]): string {
  const size = kw(TEXT_SIZE, c.size) ?? TEXT_SIZE.md;
  const [w, h] = ratio(c.aspectRatio).split('/').map(Number);
  const st = [...extra, 'flex:0 0 auto'];
  return (
    `<div class="lf-icon"${styleAttr(st)}><span style="${esc(`height:${size};width:calc(${size} * ${w / h})`)}">` +
    `<img src="${esc(url(c.url))}" alt=""></span></div>`
  );
}

function renderButton(ctx: Ctx, c: Obj, extra: string[]): string {
  const style = c.style === 'primary' || c.style === 'secondary' ? c.style : 'link';
  const st = [...extra];
  const col = color(c.color);
  const inner: string[] = [];
  if (col) inner.push(style === 'link' ? `color:${col}` : `background-color:${col}`);
  const a = isObj(c.action) ? c.action : {};
  const label = a.label ?? (a.type === 'datetimepicker' ? '選擇日期' : '');
  const h = c.height === 'sm' ? ' lf-btn-sm' : '';
  return (
    `<div class="lf-button"${styleAttr(st)}><button type="button" class="lf-btn lf-btn-${style}${h}"` +
    `${styleAttr(inner)}${actionAttr(ctx, c.action)}>${esc(label)}</button></div>`
  );
}

function renderComponent(ctx: Ctx, c: unknown, parent: Parent, spacing: string | undefined, index: number): string {
  if (!isObj(c)) return '';
  const common = commonStyles(c, parent, spacing, index);
  switch (c.type) {
    case 'box':
      return renderBox(ctx, c, common);
    case 'text':
      return renderText(ctx, c, common);
    case 'image':
      return renderImage(ctx, c, common, parent);
    case 'video':
      return isObj(c.altContent)
        ? renderComponent(ctx, c.altContent, parent, spacing, index)
        : renderImage(
            ctx,
            { url: c.previewUrl, size: 'full', aspectRatio: c.aspectRatio, aspectMode: 'cover' },
            common,
            parent,
          );
    case 'icon':
      return renderIcon(
        c,
        common.filter((s) => !s.startsWith('flex:')),
      );
    case 'button':
      return renderButton(ctx, c, common);
    case 'separator': {
      const col = color(c.color) ?? '#d4d6da';
      const m = kw(SPACING, c.margin) ?? (index > 0 ? spacing : undefined);
      const st = [
        'flex:0 0 auto',
        parent === 'vertical' ? `border-top:1px solid ${col}` : `border-left:1px solid ${col}`,
      ];
      if (m) st.push(parent === 'vertical' ? `margin-top:${m}` : `margin-inline-start:${m}`);
      return `<div class="lf-separator"${styleAttr(st)}></div>`;
    }
    case 'filler':
      return `<div class="lf-filler"${styleAttr(common)}></div>`;
    case 'span':
      return `<span${styleAttr(textStyles(c))}>${esc(c.text)}</span>`;
    default:
      return '';
  }
}

function renderBubble(ctx: Ctx, b: Obj): string {
  const styles = isObj(b.styles) ? b.styles : {};
  const width = BUBBLE_WIDTH[typeof b.size === 'string' ? b.size : 'mega'] ?? BUBBLE_WIDTH.mega;
  const blocks: string[] = [];
  const defaultPad: Record<string, string> = { header: '20px', body: '20px', footer: '10px' };
  for (const name of ['header', 'hero', 'body', 'footer']) {
    const block = b[name];
    if (!isObj(block)) continue;
    const bs = isObj(styles[name]) ? (styles[name] as Obj) : {};
    const st: string[] = [];
    const bg = color(bs.backgroundColor);
    if (bg) st.push(`background-color:${bg}`);
    if (bs.separator === true && blocks.length > 0)
      st.push(`border-top:1px solid ${color(bs.separatorColor) ?? '#d4d6da'}`);
    let inner: string;
    if (name === 'hero' && block.type !== 'box') {
      inner = renderComponent(ctx, { ...block, size: block.size ?? 'full' }, 'vertical', undefined, 0);
    } else {
      const pad =
        block.paddingAll === undefined &&
        block.paddingTop === undefined &&
        block.paddingBottom === undefined &&
        block.paddingStart === undefined &&
        block.paddingEnd === undefined &&
        name !== 'hero'
          ? [`padding:${defaultPad[name]}`]
          : [];
      if (name === 'body' && isObj(b.footer))
        pad.push('padding-bottom:' + (kw(SPACING, block.paddingBottom) ?? '10px'));
      inner = renderBox(ctx, block, [...pad, 'flex:1 0 auto'], '');
    }
    blocks.push(`<div class="lf-block lf-${name}"${styleAttr(st)}>${inner}</div>`);
  }
  const dir = b.direction === 'rtl' ? ' dir="rtl"' : '';
  return (
    `<div class="lf-bubble"${dir} style="${esc(`width:${width}`)}"${actionAttr(ctx, b.action)}>` +
    `${blocks.join('')}</div>`
  );
}

/** Renders a Flex container (`{type:'bubble'|'carousel', …}`) to HTML; wrap with class `lf-root` styles (flexCss). */
export function renderFlexToHtml(container: unknown, options: FlexRenderOptions = {}): string {
  const ctx: Ctx = { actions: options.actions !== false };
  if (!isObj(container)) return '';
  if (container.type === 'bubble') return `<div class="lf-root">${renderBubble(ctx, container)}</div>`;
  if (container.type === 'carousel' && Array.isArray(container.contents)) {
    return `<div class="lf-root"><div class="lf-carousel">${container.contents
      .filter(isObj)
      .map((b) => renderBubble(ctx, b))
      .join('')}</div></div>`;
  }
  return '';
}

/** The CSS the HTML needs (scoped under .lf-root). */
export const flexCss = `
.lf-root{font-family:"Helvetica Neue",Helvetica,Arial,"Noto Sans CJK TC","Noto Sans TC","PingFang TC",sans-serif;
color:#111111;font-size:16px;line-height:1.4;-webkit-text-size-adjust:100%}
.lf-root *{box-sizing:border-box}
.lf-carousel{display:flex;gap:9px;overflow-x:auto;scroll-snap-type:x mandatory;padding-bottom:4px}
.lf-carousel>.lf-bubble{scroll-snap-align:start;flex:0 0 auto}
.lf-bubble{background:#ffffff;border-radius:17px;overflow:hidden;display:flex;flex-direction:column;max-width:100%;
box-shadow:0 0 0 0.5px rgba(0,0,0,.06)}
.lf-block{display:flex;flex-direction:column}
.lf-box{display:flex;min-width:0;position:relative}
.lf-vertical>*{min-width:0}
.lf-horizontal>*,.lf-baseline>*{min-width:0}
.lf-text{min-width:0}
.lf-text p{margin:0;overflow:hidden}
.lf-nowrap p{white-space:nowrap;text-overflow:ellipsis}
.lf-wrap p{white-space:pre-wrap;word-break:break-word}
.lf-clamp p{display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:inherit}
.lf-image{display:flex;flex-direction:column;align-items:center;min-width:0}
.lf-horizontal>.lf-image{align-items:flex-start}
.lf-imgbox{position:relative;overflow:hidden}
.lf-imgbox img{position:absolute;inset:0;width:100%;height:100%;display:block}
.lf-icon{display:inline-flex;align-self:baseline}
.lf-icon span{display:inline-block;position:relative}
.lf-icon img{width:100%;height:100%;display:block}
.lf-button{display:flex;flex-direction:column}
.lf-btn{font:inherit;border:0;border-radius:8px;height:52px;padding:0 16px;font-size:16px;cursor:pointer;width:100%;
white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.lf-btn-sm{height:40px}
.lf-btn-primary{background:#17c950;color:#ffffff}
.lf-btn-secondary{background:#dcdfe5;color:#111111}
.lf-btn-link{background:transparent;color:#42659a}
.lf-btn:active{filter:brightness(.92)}
.lf-separator{align-self:stretch}
.lf-filler{min-width:0}
[data-flex-action]{cursor:pointer}
`;
