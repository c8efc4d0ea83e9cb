// An article drawn as a LINE Flex bubble: the cover as the hero image, the clinic's name, the
// title, an excerpt of the text and a 「閱讀全文」 button to the article's public page (or to its
// outside link when it has no text of its own). Pure code: the service fills in URLs.
// LINE's limits the bubble is checked against are in docs/contracts.md ("Flex bubbles").
import type { messagingApi } from '@line/bot-sdk';
import { excerptOf } from './format.ts';

/** A Flex message's altText (what notifications and the chat list show). */
export const ALT_TEXT_MAX = 400;
/** LINE refuses a bubble whose JSON is larger. */
export const BUBBLE_JSON_MAX = 30_000;
/** A URI action's uri; an image component's url may be 2000. */
export const URI_MAX = 1000;
export const IMAGE_URL_MAX = 2000;

export type ArticleCard = {
  title: string;
  body: string;
  clinicName: string;
  /** The cover's public URL, or null for a bubble without a hero image. */
  coverUrl: string | null;
  /** Where 「閱讀全文」 goes: the public page, or the outside link. */
  readUrl: string;
};

const ACCENT = '#0f766e';

export function articleFlex(a: ArticleCard): messagingApi.FlexMessage {
  const title = a.title.trim() || '衛教文章';
  const excerpt = excerptOf(a.body, 70);
  const body: messagingApi.FlexComponent[] = [
    { type: 'text', text: a.clinicName ? `${a.clinicName}・衛教` : '衛教', size: 'xs', color: ACCENT, weight: 'bold' },
    { type: 'text', text: title, weight: 'bold', size: 'lg', wrap: true, maxLines: 3, margin: 'sm' },
  ];
  if (excerpt)
    body.push({ type: 'text', text: excerpt, size: 'sm', color: '#666666', wrap: true, maxLines: 4, margin: 'md' });
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    ...(a.coverUrl
      ? {
          hero: {
            type: 'image',
            url: a.coverUrl,
            size: 'full',
            aspectRatio: '20:13',
            aspectMode: 'cover',
            action: { type: 'uri', label: '閱讀全文', uri: a.readUrl },
          } as messagingApi.FlexImage,
        }
      : {}),
    body: { type: 'box', layout: 'vertical', spacing: 'none', contents: body },
    footer: {
      type: 'box',
      layout: 'vertical',
      contents: [
        {
          type: 'button',
          style: 'primary',
          color: ACCENT,
          height: 'sm',
          action: { type: 'uri', label: '閱讀全文', uri: a.readUrl },
        } as messagingApi.FlexButton,
      ],
    },
  };
  const alt = `【衛教】${title}`;
  return {
    type: 'flex',
    altText: [...alt].length <= ALT_TEXT_MAX ? alt : [...alt].slice(0, ALT_TEXT_MAX - 1).join('') + '…',
    contents: bubble,
  };
}

export type FlexProblem = { field: string; code: string; message: string };

/** What LINE would refuse in an article's message (the emulator and LINE check the same limits). */
export function flexProblems(m: messagingApi.FlexMessage): FlexProblem[] {
  const p: FlexProblem[] = [];
  const alt = [...m.altText].length;
  if (alt === 0 || alt > ALT_TEXT_MAX)
    p.push({ field: 'altText', code: 'altText', message: `通知文字需為 1–${ALT_TEXT_MAX} 字（目前 ${alt} 字）` });
  const size = Buffer.byteLength(JSON.stringify(m.contents));
  if (size > BUBBLE_JSON_MAX)
    p.push({ field: 'contents', code: 'too_large', message: `訊息內容超過 LINE 的 30 KB 上限（${size} bytes）` });
  const bubble = m.contents as messagingApi.FlexBubble;
  const hero = bubble.hero as messagingApi.FlexImage | undefined;
  if (hero && hero.url.length > IMAGE_URL_MAX)
    p.push({ field: 'coverId', code: 'url_too_long', message: '封面圖片網址超過 2000 字' });
  if (urisOf(m.contents).some((u) => u.length > URI_MAX))
    p.push({ field: 'linkUrl', code: 'maxLength', message: `連結網址最多 ${URI_MAX} 字` });
  return p;
}

/** Every `uri` of a URI action anywhere in the container. */
function urisOf(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(urisOf);
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  const own = o.type === 'uri' && typeof o.uri === 'string' ? [o.uri] : [];
  return [...own, ...Object.values(o).flatMap(urisOf)];
}
