// What a LINE webhook event says, read the same way by the webhook's storage (the message log and
// the inbox, written with the event) and by the line.event job (the text hooks). Pure: no I/O.

export type WebhookEvent = {
  type: string;
  webhookEventId?: string;
  timestamp?: number;
  mode?: string;
  replyToken?: string;
  source?: { type?: string; userId?: string };
  deliveryContext?: { isRedelivery?: boolean };
  [k: string]: unknown;
};

export type MessageBody = {
  type?: string;
  text?: string;
  packageId?: string;
  stickerId?: string;
  address?: string;
  title?: string;
  latitude?: number;
  longitude?: number;
  id?: string;
  markAsReadToken?: string;
};

const MESSAGE_KIND_ZH: Record<string, string> = {
  sticker: '貼圖',
  image: '圖片',
  video: '影片',
  audio: '語音',
  file: '檔案',
  location: '位置',
};

/** A reply token is single-use and valid for about a minute: older events (a late redelivery, a retry) get none. */
const REPLY_TOKEN_FRESH_MS = 50_000;

export function freshReplyToken(event: WebhookEvent, eventTime: string, now: Date): string | null {
  const fresh = now.getTime() - new Date(eventTime).getTime() < REPLY_TOKEN_FRESH_MS;
  return fresh && typeof event.replyToken === 'string' ? event.replyToken : null;
}

/**
 * A user's message event: its kind, its text (a text message's, a location's title and address,
 * else empty), the line the inbox shows for it (a sticker shows as 「（貼圖）」) and the token
 * that marks it read on LINE.
 */
export function readMessage(event: WebhookEvent): {
  kind: string;
  text: string;
  label: string;
  body: MessageBody;
  markAsReadToken: string | null;
} {
  const body = (event.message ?? {}) as MessageBody;
  const kind = body.type ?? 'unknown';
  const text =
    kind === 'text'
      ? String(body.text ?? '')
      : kind === 'location'
        ? [body.title, body.address].filter(Boolean).join(' ')
        : '';
  return {
    kind,
    text,
    label: text || `（${MESSAGE_KIND_ZH[kind] ?? '訊息'}）`,
    body,
    markAsReadToken: typeof body.markAsReadToken === 'string' ? body.markAsReadToken : null,
  };
}
