// What the 群發 page shows besides the API's own fields: state colours, the composer's messages
// and what the form sends, and the schedule in the clinic's time zone.
import type { Schema } from '../../api.ts';
import { dayjs } from '../../format.ts';

export type BroadcastSummary = Schema<'BroadcastSummary'>;
export type BroadcastDetail = Schema<'BroadcastDetail'>;
export type ComposerMessage = BroadcastDetail['messages'][number];
export type AudienceKind = BroadcastSummary['audienceKind'];

export const STATE_COLOR: Record<BroadcastSummary['state'], string> = {
  draft: 'default',
  scheduled: 'blue',
  sending: 'processing',
  paused: 'warning',
  done: 'success',
  cancelled: 'default',
};

export const RECIPIENT_STATUS_OPTIONS = [
  { value: 'sent', label: '已送出' },
  { value: 'pending', label: '等待傳送' },
  { value: 'failed', label: '失敗' },
  { value: 'blocked', label: '已封鎖' },
  { value: 'skipped', label: '略過' },
  { value: 'cancelled', label: '已取消' },
] as const;

export const RECIPIENT_STATUS_COLOR: Record<string, string> = {
  sent: 'success',
  pending: 'processing',
  failed: 'error',
  blocked: 'warning',
  skipped: 'default',
  cancelled: 'default',
};

export const CHANNEL_LABEL: Record<string, string> = { line: 'LINE', sms: '簡訊', none: '—' };

/** LINE takes at most 5 message objects per request. */
export const MAX_MESSAGES = 5;

/** A message of the composer while it is edited (an image may still be a file being uploaded). */
export type DraftMessage =
  | { key: string; type: 'text'; text: string }
  | { key: string; type: 'image'; imageId: string; previewId: string | null; url: string }
  | { key: string; type: 'article'; articleId: string };

let seq = 0;
export const newKey = () => `m${Date.now().toString(36)}${(seq++).toString(36)}`;

export function toDraft(m: ComposerMessage, base = ''): DraftMessage {
  if (m.type === 'text') return { key: newKey(), type: 'text', text: m.text };
  if (m.type === 'image')
    return {
      key: newKey(),
      type: 'image',
      imageId: m.imageId,
      previewId: m.previewId ?? null,
      url: `${base}/line/media/${m.previewId ?? m.imageId}`,
    };
  return { key: newKey(), type: 'article', articleId: m.articleId };
}

export function toComposer(m: DraftMessage): ComposerMessage {
  if (m.type === 'text') return { type: 'text', text: m.text };
  if (m.type === 'image') return { type: 'image', imageId: m.imageId, previewId: m.previewId };
  return { type: 'article', articleId: m.articleId };
}

/** The messages the server would accept (empty texts left out). */
export const readyMessages = (list: DraftMessage[]) =>
  list.filter((m) => m.type !== 'text' || m.text.trim() !== '').map(toComposer);

/**
 * The instant of a wall-clock date and time in the clinic's zone (what staff pick is the
 * clinic's time, wherever the browser is).
 */
export function instantIn(local: string, zone: string | undefined): string {
  return (zone ? dayjs.tz(local, 'YYYY-MM-DD HH:mm', zone) : dayjs(local, 'YYYY-MM-DD HH:mm')).toISOString();
}

/** The share of the LINE recipients handled (sent, failed, blocked or cancelled), 0–100. */
export function progressOf(c: BroadcastSummary['counts']): number {
  if (!c.line) return 0;
  return Math.round(((c.line - c.pending) / c.line) * 1000) / 10;
}

export const isLive = (state: BroadcastSummary['state']) => state === 'sending' || state === 'scheduled';
