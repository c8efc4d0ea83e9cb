// Hand-written validators that follow LINE's documented limits and answer with LINE's
// error detail shape ({message, property}). Hand-written (not schema-driven) because they sit
// on the push hot path.

export type Detail = { message: string; property: string };
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Length in code points (LINE counts characters, not UTF-16 units), without an array per string. */
function len(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // a high surrogate followed by a low one is one code point
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * An upper bound of Buffer.byteLength(JSON.stringify(v)) for a value from JSON.parse, cheap
 * to compute (string lengths, not characters): a UTF-16 unit never takes more than 6 bytes
 * of JSON (\uXXXX), a number never more than 25 characters. Counting stops past `stop`.
 */
export function jsonByteBound(v: unknown, stop = Infinity): number {
  if (typeof v === 'string') return 6 * v.length + 2;
  if (typeof v !== 'object' || v === null) return 25;
  let n = 2;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length && n <= stop; i++) n += 1 + jsonByteBound(v[i], stop - n);
    return n;
  }
  for (const k in v) {
    n += 6 * k.length + 4 + jsonByteBound((v as Obj)[k], stop - n);
    if (n > stop) return n;
  }
  return n;
}

function str(
  d: Detail[],
  o: Obj,
  key: string,
  path: string,
  opts: { required?: boolean; max?: number; min?: number } = {},
): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) {
    if (opts.required) d.push({ message: 'must be specified', property: `${path}.${key}`.replace(/^\./, '') });
    return undefined;
  }
  if (typeof v !== 'string') {
    d.push({ message: 'must be a string', property: `${path}.${key}`.replace(/^\./, '') });
    return undefined;
  }
  // Code points never outnumber UTF-16 units: count them only when the units exceed the limit.
  const min = opts.min ?? 0;
  const n = (opts.max !== undefined && v.length > opts.max) || min > 0 ? len(v) : v.length;
  if (opts.required && n === 0) {
    d.push({ message: 'may not be empty', property: `${path}.${key}`.replace(/^\./, '') });
  } else if (opts.max !== undefined && (n > opts.max || n < min)) {
    d.push({ message: `Length must be between ${min} and ${opts.max}`, property: `${path}.${key}`.replace(/^\./, '') });
  }
  return v;
}

// LINE requires HTTPS; the emulator also takes http on the loopback host and the reserved .test
// domain, where a development or test Careline serves its files (PUBLIC_BASE_URL http://127.0.0.1:…).
const HTTPS_RE = /^(https:\/\/\S+|http:\/\/(127\.0\.0\.1|localhost|[a-z0-9.-]+\.test)(:\d+)?(\/\S*)?)$/;
const URI_RE = /^(https?:\/\/|line:\/\/|tel:|mailto:)\S*$/;

function httpsUrl(d: Detail[], o: Obj, key: string, path: string, required = true, max = 2000): void {
  const v = str(d, o, key, path, { required, max });
  if (v !== undefined && !HTTPS_RE.test(v)) d.push({ message: 'must be an HTTPS URL', property: `${path}.${key}` });
}

const COLOR_RE = /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/;

export function validateAction(d: Detail[], a: unknown, path: string, labelMax = 20, labelRequired = false): void {
  if (!isObj(a)) {
    d.push({ message: 'must be an object', property: path });
    return;
  }
  const type = a.type;
  switch (type) {
    case 'postback':
      str(d, a, 'label', path, { max: labelMax, required: labelRequired });
      str(d, a, 'data', path, { required: true, max: 300 });
      str(d, a, 'displayText', path, { max: 300 });
      str(d, a, 'text', path, { max: 300 });
      str(d, a, 'fillInText', path, { max: 300 });
      if (
        a.inputOption !== undefined &&
        !['closeRichMenu', 'openRichMenu', 'openKeyboard', 'openVoice'].includes(String(a.inputOption))
      ) {
        d.push({ message: 'invalid inputOption', property: `${path}.inputOption` });
      }
      break;
    case 'message':
      str(d, a, 'label', path, { max: labelMax, required: labelRequired });
      str(d, a, 'text', path, { required: true, max: 300 });
      break;
    case 'uri': {
      str(d, a, 'label', path, { max: labelMax, required: labelRequired });
      const uri = str(d, a, 'uri', path, { required: true, max: 1000 });
      if (uri !== undefined && !URI_RE.test(uri)) d.push({ message: 'invalid uri scheme', property: `${path}.uri` });
      break;
    }
    case 'datetimepicker': {
      str(d, a, 'label', path, { max: labelMax, required: labelRequired });
      str(d, a, 'data', path, { required: true, max: 300 });
      const mode = a.mode;
      if (mode !== 'date' && mode !== 'time' && mode !== 'datetime')
        d.push({ message: "must be one of 'date', 'time', 'datetime'", property: `${path}.mode` });
      break;
    }
    case 'camera':
    case 'cameraRoll':
    case 'location':
      str(d, a, 'label', path, { required: true, max: labelMax });
      break;
    case 'richmenuswitch':
      str(d, a, 'label', path, { max: labelMax });
      str(d, a, 'richMenuAliasId', path, { required: true, max: 32 });
      str(d, a, 'data', path, { required: true, max: 300 });
      break;
    case 'clipboard':
      str(d, a, 'label', path, { max: labelMax, required: labelRequired });
      str(d, a, 'clipboardText', path, { required: true, max: 1000 });
      break;
    default:
      d.push({ message: 'invalid action type', property: `${path}.type` });
  }
}

const SIZES_TEXT = new Set(['xxs', 'xs', 'sm', 'md', 'lg', 'xl', 'xxl', '3xl', '4xl', '5xl']);
const PX_RE = /^\d+(\.\d+)?px$/;
const PCT_RE = /^\d+(\.\d+)?%$/;

function flexComponent(d: Detail[], c: unknown, path: string, depth: number): void {
  if (!isObj(c)) {
    d.push({ message: 'must be an object', property: path });
    return;
  }
  if (depth > 10) {
    d.push({ message: 'nesting is too deep', property: path });
    return;
  }
  if (c.action !== undefined) validateAction(d, c.action, `${path}.action`, 40);
  for (const k of ['color', 'backgroundColor', 'borderColor', 'separatorColor']) {
    if (typeof c[k] === 'string' && !COLOR_RE.test(c[k] as string))
      d.push({ message: 'invalid color', property: `${path}.${k}` });
  }
  if (c.flex !== undefined && (typeof c.flex !== 'number' || c.flex < 0))
    d.push({ message: 'must be greater than or equal to 0', property: `${path}.flex` });
  switch (c.type) {
    case 'box': {
      if (!['horizontal', 'vertical', 'baseline'].includes(String(c.layout)))
        d.push({ message: "must be one of 'horizontal', 'vertical', 'baseline'", property: `${path}.layout` });
      if (!Array.isArray(c.contents)) {
        d.push({ message: 'must be specified', property: `${path}.contents` });
        break;
      }
      c.contents.forEach((child, i) => {
        const cp = `${path}.contents[${i}]`;
        if (
          c.layout === 'baseline' &&
          isObj(child) &&
          !['icon', 'text', 'filler', 'span'].includes(String(child.type))
        ) {
          d.push({ message: 'baseline box may contain only icon, text and filler', property: cp });
        }
        flexComponent(d, child, cp, depth + 1);
      });
      break;
    }
    case 'text': {
      const hasContents = Array.isArray(c.contents) && c.contents.length > 0;
      if (!hasContents) str(d, c, 'text', path, { required: true, max: 2000 });
      if (c.size !== undefined && typeof c.size === 'string' && !SIZES_TEXT.has(c.size) && !PX_RE.test(c.size))
        d.push({ message: 'invalid size', property: `${path}.size` });
      if (Array.isArray(c.contents)) {
        c.contents.forEach((s, i) => {
          if (!isObj(s) || s.type !== 'span')
            d.push({ message: "must be 'span'", property: `${path}.contents[${i}].type` });
          else str(d, s, 'text', `${path}.contents[${i}]`, { required: true, max: 2000 });
        });
      }
      break;
    }
    case 'span':
      str(d, c, 'text', path, { required: true });
      break;
    case 'image':
    case 'video':
      httpsUrl(d, c, 'url', path);
      if (typeof c.aspectRatio === 'string' && !/^\d+(\.\d+)?:\d+(\.\d+)?$/.test(c.aspectRatio))
        d.push({ message: 'invalid aspectRatio', property: `${path}.aspectRatio` });
      break;
    case 'icon':
      httpsUrl(d, c, 'url', path);
      break;
    case 'button':
      if (c.action === undefined) d.push({ message: 'must be specified', property: `${path}.action` });
      if (c.style !== undefined && !['primary', 'secondary', 'link'].includes(String(c.style)))
        d.push({ message: 'invalid style', property: `${path}.style` });
      if (c.height !== undefined && !['sm', 'md'].includes(String(c.height)))
        d.push({ message: 'invalid height', property: `${path}.height` });
      break;
    case 'separator':
    case 'filler':
      break;
    default:
      d.push({ message: 'invalid type', property: `${path}.type` });
  }
  for (const k of ['width', 'height', 'maxWidth', 'maxHeight']) {
    if (c.type === 'box' && typeof c[k] === 'string' && !PX_RE.test(c[k] as string) && !PCT_RE.test(c[k] as string)) {
      d.push({ message: 'invalid size', property: `${path}.${k}` });
    }
  }
}

function flexBubble(d: Detail[], b: unknown, path: string): void {
  if (!isObj(b) || b.type !== 'bubble') {
    d.push({ message: "must be 'bubble'", property: `${path}.type` });
    return;
  }
  if (b.size !== undefined && !['nano', 'micro', 'deca', 'hecto', 'kilo', 'mega', 'giga'].includes(String(b.size)))
    d.push({ message: 'invalid size', property: `${path}.size` });
  for (const block of ['header', 'hero', 'body', 'footer']) {
    const v = b[block];
    if (v === undefined) continue;
    if (block === 'hero' && isObj(v) && (v.type === 'image' || v.type === 'video'))
      flexComponent(d, v, `${path}.${block}`, 1);
    else if (!isObj(v) || v.type !== 'box') d.push({ message: "must be 'box'", property: `${path}.${block}.type` });
    else flexComponent(d, v, `${path}.${block}`, 1);
  }
  if (b.action !== undefined) validateAction(d, b.action, `${path}.action`, 40);
}

export function validateFlexContainer(d: Detail[], c: unknown, path: string): void {
  if (!isObj(c)) {
    d.push({ message: 'must be specified', property: path });
    return;
  }
  if (c.type === 'bubble') flexBubble(d, c, path);
  else if (c.type === 'carousel') {
    if (!Array.isArray(c.contents) || c.contents.length === 0 || c.contents.length > 12) {
      d.push({ message: 'Size must be between 1 and 12', property: `${path}.contents` });
      return;
    }
    c.contents.forEach((b, i) => flexBubble(d, b, `${path}.contents[${i}]`));
  } else d.push({ message: "must be one of 'bubble', 'carousel'", property: `${path}.type` });
  // LINE rejects Flex containers over 30 KB (bubble 10 KB); measured on the JSON text, built
  // only when a cheap upper bound of its size does not already settle it.
  const limit = c.type === 'bubble' ? 30_000 : 50_000;
  const size = jsonByteBound(c, limit) <= limit ? 0 : Buffer.byteLength(JSON.stringify(c));
  if ((c.type === 'bubble' && size > 30_000) || size > 50_000)
    d.push({ message: 'The size of the flex message is too large', property: path });
}

function validateTemplate(d: Detail[], t: unknown, path: string): void {
  if (!isObj(t)) {
    d.push({ message: 'must be specified', property: path });
    return;
  }
  const actions = (a: unknown, p: string, max: number): void => {
    if (!Array.isArray(a) || a.length === 0 || a.length > max)
      d.push({ message: `Size must be between 1 and ${max}`, property: p });
    else a.forEach((x, i) => validateAction(d, x, `${p}[${i}]`, 20, true));
  };
  switch (t.type) {
    case 'buttons':
      str(d, t, 'title', path, { max: 40 });
      str(d, t, 'text', path, { required: true, max: t.title || t.thumbnailImageUrl ? 60 : 160 });
      if (t.thumbnailImageUrl !== undefined) httpsUrl(d, t, 'thumbnailImageUrl', path);
      actions(t.actions, `${path}.actions`, 4);
      break;
    case 'confirm':
      str(d, t, 'text', path, { required: true, max: 240 });
      if (!Array.isArray(t.actions) || t.actions.length !== 2)
        d.push({ message: 'Size must be between 2 and 2', property: `${path}.actions` });
      else t.actions.forEach((x, i) => validateAction(d, x, `${path}.actions[${i}]`, 20, true));
      break;
    case 'carousel':
    case 'image_carousel':
      if (!Array.isArray(t.columns) || t.columns.length === 0 || t.columns.length > 10) {
        d.push({ message: 'Size must be between 1 and 10', property: `${path}.columns` });
        break;
      }
      t.columns.forEach((col, i) => {
        const cp = `${path}.columns[${i}]`;
        if (!isObj(col)) return d.push({ message: 'must be an object', property: cp });
        if (t.type === 'carousel') {
          str(d, col, 'title', cp, { max: 40 });
          str(d, col, 'text', cp, { required: true, max: col.title || col.thumbnailImageUrl ? 60 : 120 });
          actions(col.actions, `${cp}.actions`, 3);
        } else {
          httpsUrl(d, col, 'imageUrl', cp);
          validateAction(d, col.action, `${cp}.action`, 12);
        }
      });
      break;
    default:
      d.push({ message: 'invalid template type', property: `${path}.type` });
  }
}

export function validateMessage(d: Detail[], m: unknown, path: string): void {
  if (!isObj(m)) {
    d.push({ message: 'must be an object', property: path });
    return;
  }
  switch (m.type) {
    case 'text':
      str(d, m, 'text', path, { required: true, max: 5000 });
      break;
    case 'textV2':
      str(d, m, 'text', path, { required: true, max: 5000 });
      break;
    case 'sticker':
      str(d, m, 'packageId', path, { required: true });
      str(d, m, 'stickerId', path, { required: true });
      break;
    case 'image':
      httpsUrl(d, m, 'originalContentUrl', path);
      httpsUrl(d, m, 'previewImageUrl', path);
      break;
    case 'video':
      httpsUrl(d, m, 'originalContentUrl', path);
      httpsUrl(d, m, 'previewImageUrl', path);
      break;
    case 'audio':
      httpsUrl(d, m, 'originalContentUrl', path);
      if (typeof m.duration !== 'number') d.push({ message: 'must be specified', property: `${path}.duration` });
      break;
    case 'location':
      str(d, m, 'title', path, { required: true, max: 100 });
      str(d, m, 'address', path, { required: true, max: 100 });
      if (typeof m.latitude !== 'number') d.push({ message: 'must be specified', property: `${path}.latitude` });
      if (typeof m.longitude !== 'number') d.push({ message: 'must be specified', property: `${path}.longitude` });
      break;
    case 'imagemap':
      str(d, m, 'baseUrl', path, { required: true, max: 2000 });
      str(d, m, 'altText', path, { required: true, max: 1500 });
      if (!Array.isArray(m.actions) || m.actions.length > 50)
        d.push({ message: 'Size must be between 0 and 50', property: `${path}.actions` });
      break;
    case 'template':
      str(d, m, 'altText', path, { required: true, max: 400 });
      validateTemplate(d, m.template, `${path}.template`);
      break;
    case 'flex':
      str(d, m, 'altText', path, { required: true, max: 1500 });
      validateFlexContainer(d, m.contents, `${path}.contents`);
      break;
    default:
      d.push({
        message:
          "must be one of the message types ('text', 'sticker', 'image', 'video', 'audio', 'location', " +
          "'imagemap', 'template', 'flex', 'textV2')",
        property: `${path}.type`,
      });
      return;
  }
  if (m.quickReply !== undefined) {
    const q = m.quickReply;
    if (!isObj(q) || !Array.isArray(q.items) || q.items.length === 0 || q.items.length > 13) {
      d.push({ message: 'Size must be between 1 and 13', property: `${path}.quickReply.items` });
    } else {
      q.items.forEach((it, i) => {
        const ip = `${path}.quickReply.items[${i}]`;
        if (!isObj(it) || it.type !== 'action') return d.push({ message: "must be 'action'", property: `${ip}.type` });
        if (it.imageUrl !== undefined) httpsUrl(d, it, 'imageUrl', ip, true, 2000);
        validateAction(d, it.action, `${ip}.action`, 20, true);
      });
    }
  }
  if (m.sender !== undefined && isObj(m.sender)) str(d, m.sender, 'name', `${path}.sender`, { max: 20 });
}

/** Validates the `messages` array of a send request; returns LINE-style details (empty when valid). */
export function validateMessages(messages: unknown): Detail[] {
  const d: Detail[] = [];
  if (!Array.isArray(messages)) {
    d.push({ message: 'must be specified', property: 'messages' });
    return d;
  }
  if (messages.length < 1 || messages.length > 5) {
    d.push({ message: 'Size must be between 1 and 5', property: 'messages' });
    return d;
  }
  messages.forEach((m, i) => validateMessage(d, m, `messages[${i}]`));
  return d;
}

export function validateRichMenu(body: unknown): Detail[] {
  const d: Detail[] = [];
  if (!isObj(body)) return [{ message: 'must be an object', property: '' }];
  const size = body.size;
  if (!isObj(size) || typeof size.width !== 'number' || typeof size.height !== 'number') {
    d.push({ message: 'must be specified', property: 'size' });
  } else {
    if (size.width < 800 || size.width > 2500)
      d.push({ message: 'must be between 800 and 2500', property: 'size.width' });
    if (size.height < 250) d.push({ message: 'must be greater than or equal to 250', property: 'size.height' });
    if (size.width / size.height < 1.45)
      d.push({ message: 'aspect ratio (width / height) must be at least 1.45', property: 'size' });
  }
  if (typeof body.selected !== 'boolean') d.push({ message: 'must be specified', property: 'selected' });
  str(d, body, 'name', '', { required: true, max: 300 });
  str(d, body, 'chatBarText', '', { required: true, max: 14 });
  if (!Array.isArray(body.areas) || body.areas.length > 20) {
    d.push({ message: 'Size must be between 0 and 20', property: 'areas' });
  } else {
    body.areas.forEach((a, i) => {
      const p = `areas[${i}]`;
      if (!isObj(a) || !isObj(a.bounds)) return d.push({ message: 'must be specified', property: `${p}.bounds` });
      const b = a.bounds;
      for (const k of ['x', 'y', 'width', 'height'])
        if (typeof b[k] !== 'number') d.push({ message: 'must be specified', property: `${p}.bounds.${k}` });
      if (
        isObj(size) &&
        typeof b.x === 'number' &&
        typeof b.width === 'number' &&
        typeof size.width === 'number' &&
        b.x + b.width > size.width
      ) {
        d.push({ message: 'must be within the rich menu', property: `${p}.bounds` });
      }
      if (
        isObj(size) &&
        typeof b.y === 'number' &&
        typeof b.height === 'number' &&
        typeof size.height === 'number' &&
        b.y + b.height > size.height
      ) {
        d.push({ message: 'must be within the rich menu', property: `${p}.bounds` });
      }
      validateAction(d, a.action, `${p}.action`, 20);
    });
  }
  for (const x of d) x.property = x.property.replace(/^\./, '');
  return d;
}
