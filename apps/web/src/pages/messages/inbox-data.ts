// 收件匣 data: the API's types, query keys and hooks (with live updates over SSE), and zh-TW labels.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, type ApiQuery, type ApiResponse } from '../../api.ts';

export type InboxFilter = NonNullable<ApiQuery<'/api/inbox/conversations'>['filter']>;
export type InboxList = ApiResponse<'/api/inbox/conversations'>;
export type InboxItem = InboxList['items'][number];
export type Conversation = ApiResponse<'/api/inbox/conversations/{lineUserId}'>;
export type InboxMessage = Conversation['messages'][number];
export type InboxContext = ApiResponse<'/api/inbox/conversations/{lineUserId}/context'>;

export const inboxKeys = {
  all: ['inbox'] as const,
  list: (filter: InboxFilter) => ['inbox', 'list', filter] as const,
  conversation: (id: string) => ['inbox', 'conversation', id] as const,
  context: (id: string) => ['inbox', 'context', id] as const,
  search: (q: string, offset: number) => ['inbox', 'search', q, offset] as const,
  summary: ['inbox', 'summary'] as const,
};

export const FILTERS: { value: InboxFilter; label: string; count: keyof InboxList['counts'] }[] = [
  { value: 'unassigned', label: '未指派', count: 'unassigned' },
  { value: 'mine', label: '我的', count: 'mine' },
  { value: 'waiting', label: '待回覆', count: 'waiting' },
  { value: 'bot', label: '機器人處理', count: 'bot' },
  { value: 'done', label: '已完成', count: 'done' },
  { value: 'all', label: '全部', count: 'all' },
];

export const STATE_META: Record<string, { label: string; color: string }> = {
  waiting: { label: '待回覆', color: 'orange' },
  bot: { label: '機器人處理', color: 'blue' },
  done: { label: '已完成', color: 'default' },
};

export const REASON_LABELS: Record<string, string> = {
  handoff: '要求真人',
  bot_failed: '機器人無法回答',
  reminder_text: '回覆提醒',
  complaint: '客訴',
  care: '關懷',
  conversation: '對話中',
};

export const SOURCE_LABELS: Record<string, string> = {
  acknowledgement: '自動回覆（已收到）',
  auto_reply: '自動回覆',
  handoff: '轉接真人',
  staff: '櫃台',
  reminder: '提醒',
  greeting: '歡迎訊息',
  binding: '綁定',
  faq: '常見問題',
  case: '客訴',
};

export const sourceLabel = (source: string) => SOURCE_LABELS[source.split(/[:.]/)[0]] ?? '自動訊息';

/**
 * Live updates: the stream sends the counts whenever a conversation changes; every inbox query
 * is then refetched. Without a stream the queries poll every 10 s (the `live` flag says which).
 */
export function useInboxStream(): boolean {
  const qc = useQueryClient();
  const [live, setLive] = useState(false);
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const es = new EventSource('/api/inbox/stream');
    let last = '';
    es.onopen = () => setLive(true);
    es.onerror = () => setLive(false);
    es.addEventListener('inbox', (e) => {
      const data = (e as MessageEvent<string>).data;
      if (data === last) return;
      const first = last === '';
      last = data;
      if (!first) void qc.invalidateQueries({ queryKey: inboxKeys.all });
    });
    return () => es.close();
  }, [qc]);
  return live;
}

export const useInboxList = (filter: InboxFilter, live: boolean) =>
  useQuery({
    queryKey: inboxKeys.list(filter),
    queryFn: () => api.get('/api/inbox/conversations', { params: { query: { filter, limit: 100 } } }),
    refetchInterval: live ? false : 10_000,
  });

export const useConversation = (lineUserId: string | null, live: boolean) =>
  useQuery({
    queryKey: inboxKeys.conversation(lineUserId ?? ''),
    queryFn: () => api.get('/api/inbox/conversations/{lineUserId}', { params: { path: { lineUserId: lineUserId! } } }),
    enabled: Boolean(lineUserId),
    // our own push is logged when it went out: refetch a little while after a send even when live
    refetchInterval: live ? false : 10_000,
  });

export const useInboxContext = (lineUserId: string | null) =>
  useQuery({
    queryKey: inboxKeys.context(lineUserId ?? ''),
    queryFn: () =>
      api.get('/api/inbox/conversations/{lineUserId}/context', { params: { path: { lineUserId: lineUserId! } } }),
    enabled: Boolean(lineUserId),
  });

export const useAssignees = () =>
  useQuery({ queryKey: ['inbox', 'assignees'], queryFn: () => api.get('/api/inbox/assignees'), staleTime: 60_000 });

/** The clinic's text auto replies, offered as canned replies (罐頭訊息). */
export const useCannedReplies = () =>
  useQuery({
    queryKey: ['auto-replies'],
    queryFn: () => api.get('/api/auto-replies'),
    staleTime: 60_000,
    select: (d) =>
      d.items.flatMap((r) =>
        r.reply.type === 'text' && r.enabled ? [{ id: r.id, name: r.name, text: r.reply.text }] : [],
      ),
  });

/** Published health-education articles, for the 衛教文章 picker (sent as their LINE card). */
export const usePublishedArticles = (enabled: boolean) =>
  useQuery({
    queryKey: ['care-articles', 'published'],
    queryFn: () => api.get('/api/care/articles', { params: { query: { status: 'published' } } }),
    staleTime: 60_000,
    enabled,
    select: (d) => d.items.map((a) => ({ id: a.id, title: a.title, category: a.category, tags: a.tags })),
  });

/** The count of conversations waiting for the front desk (the home page's counter). */
export const useUnansweredLine = () =>
  useQuery({
    queryKey: inboxKeys.summary,
    queryFn: () => api.get('/api/inbox/summary'),
    refetchInterval: 60_000,
  });

/** 「等候 12 分鐘」 for a wait that started at `since`. */
export function waitedFor(since: string, now = Date.now()): string {
  const min = Math.max(0, Math.floor((now - new Date(since).getTime()) / 60_000));
  if (min < 1) return '等候不到 1 分鐘';
  if (min < 60) return `等候 ${min} 分鐘`;
  const h = Math.floor(min / 60);
  if (h < 24) return `等候 ${h} 小時${min % 60 ? ` ${min % 60} 分` : ''}`;
  return `等候 ${Math.floor(h / 24)} 天`;
}

/** A small preview (≤ 240 px, JPEG) of an image, for LINE's previewImageUrl (≤ 1 MB). */
export async function previewOf(file: File): Promise<Blob | null> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 240 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve) => canvas.toBlob((b) => resolve(b), 'image/jpeg', 0.8));
  } catch {
    return null;
  }
}
