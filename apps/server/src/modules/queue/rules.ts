// The rules of 看診進度 that need no database: sessions, which notice a visit is due, and the
// messages. "Ahead" is the visit's number minus the number now being called: with 12 called and
// number 15 the patient hears 「前面還有 3 位」; at 1 ahead (the next number) 「請準備進診間」. The
// numbers of walk-ins the HIS numbers but Careline never sees count too, which is why the count
// is by number, not by the check-ins Careline knows (docs/taiwan.md, clinic sessions and queue numbers).
import type { messagingApi } from '@line/bot-sdk';

export const SESSIONS = ['morning', 'afternoon', 'evening'] as const;
export type Session = (typeof SESSIONS)[number];
export const SESSION_LABELS: Record<Session, string> = { morning: '上午診', afternoon: '下午診', evening: '晚上診' };

export const MAX_NUMBER = 9999;
export const NEAR_MIN = 2;
export const NEAR_MAX = 20;
export const DEFAULT_NEAR_THRESHOLD = 3;
/** A notice is only sent for an event that happened this recently (a late replay informs the page only). */
export const FRESH_MINUTES = 30;
/** An event more than this far in the HIS's future is refused (a wrong clock or time zone). */
export const FUTURE_SKEW_MINUTES = 5;
export const REFRESH_SECONDS = 15;

export type NoticeKind = 'near' | 'next';
export const NOTICE_LABELS: Record<NoticeKind, string> = { near: '前面還有 N 位', next: '請準備進診間' };

/**
 * The notice a waiting visit is due, given what it was sent already: `next` at 1 ahead, `near`
 * at 2..threshold ahead unless it heard one of either; nothing once called or farther away.
 */
export function noticeDue(ahead: number | null, threshold: number, sent: ReadonlySet<NoticeKind>): NoticeKind | null {
  if (ahead === null || ahead < 1) return null;
  if (ahead === 1) return sent.has('next') ? null : 'next';
  if (ahead <= threshold && !sent.has('near') && !sent.has('next')) return 'near';
  return null;
}

export const aheadOf = (queueNumber: number, calledNumber: number | null) =>
  calledNumber === null ? null : Math.max(0, queueNumber - calledNumber);

export type NoticeFacts = {
  kind: NoticeKind;
  ahead: number;
  patientName: string;
  clinicName: string;
  doctorName: string;
  sessionLabel: string;
  room: string | null;
  queueNumber: number;
  calledNumber: number;
  pageUri: string;
};

/** The headline of a notice, also its notification text (altText). */
export function noticeHeadline(f: Pick<NoticeFacts, 'kind' | 'ahead' | 'patientName' | 'queueNumber'>): string {
  return f.kind === 'next'
    ? `${f.patientName}（${f.queueNumber} 號）請準備進診間，下一位就是您`
    : `${f.patientName}（${f.queueNumber} 號）前面還有 ${f.ahead} 位`;
}

const row = (label: string, value: string, strong = false) => ({
  type: 'box',
  layout: 'horizontal',
  contents: [
    { type: 'text', text: label, size: 'sm', color: '#888888', flex: 2 },
    {
      type: 'text',
      text: value,
      size: 'sm',
      color: '#1f1f1f',
      flex: 3,
      align: 'end',
      weight: strong ? 'bold' : 'regular',
    },
  ],
});

/** The notice as a Flex bubble: what to do, the numbers, and the live queue page. */
export function noticeMessage(f: NoticeFacts): messagingApi.Message {
  const next = f.kind === 'next';
  const big = next ? '請準備進診間' : `前面還有 ${f.ahead} 位`;
  const hint = next
    ? `下一位就是您，請回到${f.room ? ` ${f.room} ` : '診間'}門口候診。`
    : '快輪到您了，請留意叫號，勿離開診所太遠。';
  return {
    type: 'flex',
    altText: noticeHeadline(f),
    contents: {
      type: 'bubble',
      body: {
        type: 'box',
        layout: 'vertical',
        spacing: 'md',
        contents: [
          { type: 'text', text: `看診進度・${f.clinicName}`.slice(0, 60), size: 'xs', color: '#888888' },
          { type: 'text', text: big, weight: 'bold', size: 'xl', color: next ? '#d4380d' : '#0958d9' },
          { type: 'text', text: `${f.patientName} ${hint}`, wrap: true, size: 'sm', color: '#555555' },
          { type: 'separator' },
          {
            type: 'box',
            layout: 'vertical',
            spacing: 'xs',
            contents: [
              row('您的號碼', `${f.queueNumber} 號`, true),
              row('目前看診', `${f.calledNumber} 號`),
              row('醫師', `${f.doctorName}・${f.sessionLabel}`),
              ...(f.room ? [row('診間', f.room)] : []),
            ],
          },
        ],
      },
      footer: {
        type: 'box',
        layout: 'vertical',
        contents: [
          {
            type: 'button',
            style: 'link',
            height: 'sm',
            action: { type: 'uri', label: '查看即時看診進度', uri: f.pageUri },
          },
        ],
      },
    },
  } as unknown as messagingApi.Message;
}
