// Front-desk data: API types, query hooks, status-light tags and zh-TW (optionally 民國) dates.
import { useQuery } from '@tanstack/react-query';
import { Tag, Tooltip } from 'antd';
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api.ts';
import { dayjs } from '../format.ts';

export type SmsInfo = {
  status: string;
  toMasked: string;
  segments: number;
  cost: number;
  deliveredAt: string | null;
  error: string | null;
};

export type Light = { code: string; label: string };
export type ListItem = {
  id: string;
  appointmentId: string;
  patientId: string;
  doctorId: string;
  startsAt: string;
  startsAtUtc: string;
  durationMinutes: number | null;
  visitType: string | null;
  status: string;
  statusLabel: string;
  note: string | null;
  version: number;
  lights: { reply: Light; line: Light };
  patientName: string;
  chartNo: string | null;
  phoneMasked: string | null;
  doctorName: string;
  createdAt: string;
  updatedAt: string;
};
export type ListResponse = { items: ListItem[]; page: number; pageSize: number; total: number; hasMore: boolean };
export type Note = { id: string; kind: string; body: string; author: string; at: string };
export type Detail = {
  id: string;
  appointmentId: string;
  startsAt: string;
  startsAtUtc: string;
  durationMinutes: number | null;
  visitType: string | null;
  status: string;
  statusLabel: string;
  note: string | null;
  version: number;
  lights: { reply: Light; line: Light };
  createdAt: string;
  updatedAt: string;
  patient: {
    id: string;
    name: string;
    chartNo: string | null;
    phoneMasked: string | null;
    nationalIdMasked: string | null;
    birthDate: string | null;
    gender: string | null;
    line: Light;
    boundLineUsers: number;
  };
  doctor: { id: string; name: string; department: string | null };
  history: {
    version: number | null;
    source: string;
    actor: string;
    oldStatus: string | null;
    newStatus: string;
    oldStatusLabel: string | null;
    newStatusLabel: string;
    changedFields: string[];
    at: string;
  }[];
  notes: Note[];
  tasks: {
    id: string;
    kind: string;
    status: string;
    source: string;
    payload: Record<string, unknown>;
    createdAt: string;
    handledAt: string | null;
    handledBy: string | null;
  }[];
  reminders: {
    id: string;
    ruleName: string;
    dueAt: string | null;
    explanation: string;
    state: string;
    channel: string | null;
    sentAt: string | null;
    attempts: number;
    lastError: string | null;
    cancelReason: string | null;
    sms: SmsInfo | null;
  }[];
};
export type Thread = {
  bound: boolean;
  items: {
    id: number;
    direction: string;
    kind: string;
    text: string;
    source: string;
    at: string;
    relatedToThis: boolean;
  }[];
};
export type Doctor = { id: string; name: string; department: string | null; title: string | null; active: boolean };
export type Doctors = { items: Doctor[]; myDoctorId: string | null; matchedBy: 'link' | 'name' | null };
export type TodayItem = {
  id: string;
  startsAt: string;
  patientName: string;
  chartNo: string | null;
  phoneMasked: string | null;
  doctorId: string;
  doctorName: string;
  visitType: string | null;
  status: string;
  statusLabel: string;
  reply: string;
  replyLabel: string;
  line: string;
};
export type Today = {
  date: string;
  timeZone: string;
  generatedAt: string;
  counts: {
    total: number;
    cancelled: number;
    confirmed: number;
    awaitingReply: number;
    notSent: number;
    checkedIn: number;
    noShow: number;
    openRequests: number;
    blockedToday: number;
    failedMessages: number;
  };
  hours: number[];
  doctors: { doctorId: string; name: string; total: number }[];
  cells: {
    doctorId: string;
    hour: number;
    total: number;
    confirmed: number;
    awaiting: number;
    notSent: number;
    requests: number;
  }[];
  awaiting: TodayItem[];
  requests: (TodayItem & { taskId: string; kind: string; requestedAt: string; reason: string | null })[];
  blocked: TodayItem[];
  failed: (TodayItem & { deliveryId: string; ruleName: string; error: string | null; failedAt: string })[];
};
export type Kpi = { label: string; value: number | null; numerator: number; denominator: number; definition: string };
export type Kpis = {
  period: string;
  from: string;
  to: string;
  kpis: Record<'bindingRate' | 'deliveryRate' | 'confirmationRate' | 'cancelRate' | 'noShowRate', Kpi>;
};
export type Filters = {
  preset?: 'today' | 'tomorrow' | 'week' | 'custom';
  fromDate?: string;
  toDate?: string;
  doctorId?: string;
  visitType?: string;
  status?: string;
  reply?: string;
  line?: string;
  q?: string;
  sort?: string;
  order?: 'asc' | 'desc';
  openTasks?: string;
  failed?: string;
};
export type SavedFilter = { id: string; name: string; filters: Filters; createdAt: string };
export type Settings = { rocDates: boolean; initialsOnly: boolean };
export type ScheduleItem = {
  id: string;
  startsAt: string;
  durationMinutes: number | null;
  visitType: string | null;
  status: string;
  reply: string;
  line: string;
  patientName: string;
  doctorId: string;
  doctorName: string;
};

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
    queryFn: () => api.get<{ items: { visitType: string; count: number }[] }>('/api/appointments/visit-types'),
    staleTime: 5 * 60_000,
  });
export const useDoctors = () =>
  useQuery({ queryKey: fdKeys.doctors, queryFn: () => api.get<Doctors>('/api/doctors'), staleTime: 5 * 60_000 });
export const useFdSettings = () =>
  useQuery({
    queryKey: fdKeys.settings,
    queryFn: () => api.get<Settings>('/api/frontdesk/settings'),
    staleTime: 5 * 60_000,
  });
export const useKpis = (period: 'today' | 'month') =>
  useQuery({
    queryKey: fdKeys.kpis(period),
    queryFn: () => api.get<Kpis>('/api/kpis', { period }),
    refetchInterval: 60_000,
  });

/**
 * Today's summary, live: a server-sent event stream pushes a fresh summary when something
 * changes (and every 15 s); if the stream cannot be opened the query polls every 30 s.
 */
export function useToday() {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: fdKeys.today,
    queryFn: () => api.get<Today>('/api/home/today'),
    refetchInterval: 30_000,
  });
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const es = new EventSource('/api/home/stream');
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
