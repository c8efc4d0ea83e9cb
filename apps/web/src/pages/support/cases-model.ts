// What the 客訴與意見 pages share: the choices with their zh-TW labels and how a clock reads.
import type { Schema } from '../../api.ts';
import { dayjs } from '../../format.ts';

export type CaseSummary = Schema<'CaseSummary'>;
export type CaseDetail = Schema<'CaseDetail'>;
export type Clock = CaseSummary['firstAction'];

export const KIND_OPTIONS = [
  { value: 'complaint', label: '客訴' },
  { value: 'suggestion', label: '意見' },
  { value: 'praise', label: '讚美' },
] as const;
export const CATEGORY_OPTIONS = [
  { value: 'wait_time', label: '候診時間' },
  { value: 'attitude', label: '服務態度' },
  { value: 'explanation', label: '醫療說明' },
  { value: 'fees', label: '費用' },
  { value: 'environment', label: '環境' },
  { value: 'booking', label: '預約' },
  { value: 'other', label: '其他' },
] as const;
export const SEVERITY_OPTIONS = [
  { value: 'normal', label: '一般' },
  { value: 'important', label: '重要' },
  { value: 'urgent', label: '緊急' },
] as const;

export const KIND_COLOR: Record<string, string> = { complaint: 'volcano', suggestion: 'blue', praise: 'green' };
export const SEVERITY_COLOR: Record<string, string> = { normal: 'default', important: 'orange', urgent: 'red' };
export const STATUS_COLOR: Record<string, string> = {
  new: 'red',
  acknowledged: 'gold',
  replied: 'blue',
  closed: 'default',
};

/** 「2 小時 10 分」 from minutes (no seconds, no days: staff read working hours). */
export function minutesText(min: number): string {
  const m = Math.max(0, Math.round(min));
  const h = Math.floor(m / 60);
  const r = m % 60;
  if (!h) return `${r} 分`;
  return r ? `${h} 小時 ${r} 分` : `${h} 小時`;
}

/** How a clock reads for staff now: its colour and words. */
export function clockText(c: Clock, now: Date = new Date()): { color: string; text: string; detail: string } {
  const due = c.dueText ? `期限 ${c.dueText.slice(5).replace('-', '/')}` : '一年內沒有門診時間';
  switch (c.state) {
    case 'met':
      return { color: 'success', text: '如期完成', detail: due };
    case 'late':
      return { color: 'warning', text: '逾時完成', detail: due };
    case 'stopped':
      return { color: 'default', text: '—', detail: '' };
    case 'overdue': {
      const over = c.dueAt ? minutesText((now.getTime() - new Date(c.dueAt).getTime()) / 60_000) : '';
      return {
        color: 'error',
        text: `已逾時 ${over}`,
        detail: c.escalatedAt ? `${due}・已通知管理員` : due,
      };
    }
    default: {
      if (!c.dueAt) return { color: 'default', text: '計時中', detail: due };
      const left = (new Date(c.dueAt).getTime() - now.getTime()) / 60_000;
      return { color: left < 60 ? 'warning' : 'processing', text: `剩 ${minutesText(left)}`, detail: due };
    }
  }
}

export const monthStart = (monthsBack: number) =>
  dayjs().subtract(monthsBack, 'month').startOf('month').format('YYYY-MM-DD');

/** A key per reply written (crypto.randomUUID only exists on https and localhost pages). */
export const newClientKey = () =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
