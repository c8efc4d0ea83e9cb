// Front-desk data: API types, query hooks, status-light tags and zh-TW (optionally 民國) dates.
import { useQuery } from '@tanstack/react-query';
import { Tag, Tooltip } from 'antd';
import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, type ApiResponse } from '../api.ts';
import { dayjs } from '../format.ts';

// The answers of the front-desk API, as the OpenAPI document types them.
export type ListItem = ApiResponse<'/api/appointments'>['items'][number];
export type Today = ApiResponse<'/api/home/today'>;
export type TodayItem = Today['awaiting'][number];
export type Kpi = ApiResponse<'/api/kpis'>['kpis']['bindingRate'];
/** The appointment list's filters, as a saved filter stores them. */
export type Filters = ApiResponse<'/api/saved-filters'>['items'][number]['filters'];
export type Settings = ApiResponse<'/api/frontdesk/settings'>;
export type ScheduleItem = ApiResponse<'/api/schedule'>['items'][number];

export const fdKeys = {
  today: ['fd', 'today'] as const,
  kpis: (p: string) => ['fd', 'kpis', p] as const,
  doctors: ['fd', 'doctors'] as const,
  visitTypes: ['fd', 'visit-types'] as const,
  list: (q: unknown) => ['fd', 'list', q] as const,
  detail: (id: string) => ['fd', 'detail', id] as const,
  thread: (id: string) => ['fd', 'thread', id] as const,
  saved: ['fd', 'saved-filters'] as const,
  settings: ['fd', 'settings'] as const,
  schedule: (q: unknown) => ['fd', 'schedule', q] as const,
};

/** The clinic's own visit types (from its HIS), most used first. */
export const useVisitTypes = () =>
  useQuery({
    queryKey: fdKeys.visitTypes,
    queryFn: () => api.get('/api/appointments/visit-types'),
    staleTime: 5 * 60_000,
  });
export const useDoctors = () =>
  useQuery({ queryKey: fdKeys.doctors, queryFn: () => api.get('/api/doctors'), staleTime: 5 * 60_000 });
export const useFdSettings = () =>
  useQuery({
    queryKey: fdKeys.settings,
    queryFn: () => api.get('/api/frontdesk/settings'),
    staleTime: 5 * 60_000,
  });
export const useKpis = (period: 'today' | 'month') =>
  useQuery({
    queryKey: fdKeys.kpis(period),
    queryFn: () => api.get('/api/kpis', { params: { query: { period } } }),
    refetchInterval: 60_000,
  });

/**
 * Today's summary, live: a server-sent event stream pushes a fresh summary when something
 * changes (and every 15 s); if the stream cannot be opened the query polls every 30 s.
 */
export function useToday() {
  const qc = useQueryClient();
  // Each GET is audited as a view of the page: poll only while the stream is down.
  const [live, setLive] = useState(false);
  const q = useQuery({
    queryKey: fdKeys.today,
    queryFn: () => api.get('/api/home/today'),
    refetchInterval: live ? false : 30_000,
  });
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const es = new EventSource('/api/home/stream');
    es.onopen = () => setLive(true);
    es.onerror = () => setLive(false);
    es.addEventListener('summary', (e) => {
      try {
        qc.setQueryData(fdKeys.today, JSON.parse((e as MessageEvent<string>).data) as Today);
      } catch {
        /* a broken event: the next one or the poll repairs it */
      }
    });
    return () => es.close();
  }, [qc]);
  return q;
}

// ---- dates (zh-TW; 民國 year when the clinic turns it on)
export function ymd(iso: string, roc: boolean): string {
  const d = dayjs(iso);
  return roc ? `民國${d.year() - 1911}/${d.format('MM/DD')}` : d.format('YYYY/MM/DD');
}
export function dateTime(iso: string | null | undefined, roc: boolean): string {
  if (!iso) return '—';
  return `${ymd(iso, roc)} ${dayjs(iso).format('HH:mm')}`;
}
export const weekdayShort = (iso: string) => '日一二三四五六'[dayjs(iso).day()];
export const localDate = (d = dayjs()) => d.format('YYYY-MM-DD');

// ---- status lights as coloured tags
export const REPLY_META: Record<string, { label: string; color: string; dot: string; hint: string }> = {
  confirmed: { label: '確認赴約', color: 'green', dot: '#2f9e44', hint: '病患已在 LINE 按下「確認赴約」' },
  awaiting_reply: { label: '尚未回覆', color: 'gold', dot: '#f0a500', hint: '提醒已送出，病患還沒有回覆' },
  cancel_requested: { label: '取消', color: 'red', dot: '#e03131', hint: '病患申請取消，請與病患確認後在 HIS 取消' },
  reschedule_requested: { label: '改期', color: 'blue', dot: '#1971c2', hint: '病患申請改期，請聯絡病患約定新時間' },
  not_sent: {
    label: '尚未提醒',
    color: 'default',
    dot: '#adb5bd',
    hint: '還沒有發送提醒（未綁定 LINE 或尚未到發送時間）',
  },
};
/**
 * What a visit shows once its time has come (the server's `visit` light): what happened. Before
 * that, the visit shows its reply light (REPLY_META).
 */
export const OUTCOME_META: Record<string, { label: string; dot: string; tint: string }> = {
  checked_in: { label: '已報到', dot: '#0c8599', tint: '#e3f6f8' },
  completed: { label: '已看診', dot: '#5c7cfa', tint: '#edf1ff' },
  no_show: { label: '未到診', dot: '#d9480f', tint: '#fff0e6' },
  not_arrived: { label: '未報到', dot: '#868e96', tint: '#f1f3f5' },
};
/** The visit light's order on the calendar: the replies, then what happened. */
export const VISIT_ORDER = [
  'confirmed',
  'awaiting_reply',
  'cancel_requested',
  'reschedule_requested',
  'not_sent',
  'checked_in',
  'completed',
  'no_show',
  'not_arrived',
] as const;
export const visitDot = (code: string) => REPLY_META[code]?.dot ?? OUTCOME_META[code]?.dot ?? '#adb5bd';
export const STATUS_META: Record<string, { label: string; color: string }> = {
  booked: { label: '已預約', color: 'default' },
  checked_in: { label: '已報到', color: 'cyan' },
  completed: { label: '已看診', color: 'green' },
  cancelled: { label: '已取消', color: 'red' },
  no_show: { label: '未到診', color: 'volcano' },
};
export const LINE_META: Record<string, { label: string; color: string }> = {
  bound: { label: 'LINE 已綁定', color: 'green' },
  unbound: { label: 'LINE 未綁定', color: 'default' },
  blocked: { label: '被封鎖', color: '#262626' },
};

export function ReplyTag({ code }: { code: string }) {
  const m = REPLY_META[code] ?? { label: code, color: 'default', hint: '' };
  return (
    <Tooltip title={m.hint}>
      <Tag color={m.color} style={{ marginInlineEnd: 0 }}>
        {m.label}
      </Tag>
    </Tooltip>
  );
}
export function StatusTag({ code }: { code: string }) {
  const m = STATUS_META[code] ?? { label: code, color: 'default' };
  return (
    <Tag color={m.color} style={{ marginInlineEnd: 0 }}>
      {m.label}
    </Tag>
  );
}
export function LineTag({ code }: { code: string }) {
  const m = LINE_META[code] ?? { label: code, color: 'default' };
  return (
    <Tag color={m.color} style={{ marginInlineEnd: 0 }}>
      {m.label}
    </Tag>
  );
}
