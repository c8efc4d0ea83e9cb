// What the waitlist says to patients in LINE: the offer (a Flex bubble with 「我要這個時段」),
// the replies to a tap and the 「已被預約」 notice.
import type { messagingApi } from '@line/bot-sdk';
import { localParts, WEEKDAY_ZH } from '../../platform/time.ts';

/** Offers stop this long before the slot starts. */
export const OFFER_CLOSE_MINUTES = 60;
/** A freed visit without a duration is offered as a slot of this length. */
export const DEFAULT_SLOT_MINUTES = 30;
export const OFFER_BUTTONS = { take: '我要這個時段', decline: '這次不用了' } as const;
export const OFFER_REPLIES = {
  won: (what: string) => `已為您保留 ${what} 的時段，預約申請已送給診所，確認後會再通知您。`,
  taken: '很抱歉，這個時段已由其他候補的病患預約。您仍在候補名單中，有新的空檔會再通知您。',
  closed: '很抱歉，這個時段已截止受理。您仍在候補名單中，有新的空檔會再通知您。',
  failed: (why: string) => `很抱歉，這個時段無法預約（${why}）。您仍在候補名單中，有新的空檔會再通知您。`,
  declined: '好的，這次不為您保留。您仍在候補名單中，有新的空檔會再通知您。',
  unknown: '找不到這則候補通知，請直接留言告訴我們，謝謝。',
};
export const TAKEN_NOTICE = (what: string) =>
  `${what} 的候補時段已由其他病患預約，謝謝您。您仍在候補名單中，有新的空檔會再通知您。`;

/** 「12月15日（週二）10:30 林醫師」: the slot as a patient reads it. */
export function slotText(startsAt: string, timeZone: string, doctorName: string): string {
  const l = localParts(new Date(startsAt), timeZone);
  const [, m, d] = l.date.split('-').map(Number);
  return `${m}月${d}日（${WEEKDAY_ZH[l.weekday]}）${l.time} ${doctorName}`;
}

/** The offer as the patient sees it: a Flex bubble with 「我要這個時段」 and 「這次不用了」. */
export function offerMessage(
  offerId: string,
  v: { patientName: string; date: string; time: string; doctorName: string; visitType: string | null },
): messagingApi.Message {
  const row = (label: string, value: string): messagingApi.FlexBox => ({
    type: 'box',
    layout: 'baseline',
    spacing: 'sm',
    contents: [
      { type: 'text', text: label, size: 'sm', color: '#888888', flex: 2 },
      { type: 'text', text: value, size: 'sm', color: '#222222', flex: 5, wrap: true, weight: 'bold' },
    ],
  });
  const bubble: messagingApi.FlexBubble = {
    type: 'bubble',
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'md',
      contents: [
        { type: 'text', text: '候補時段通知', size: 'sm', weight: 'bold', color: '#1a7f5a' },
        { type: 'text', text: `${v.patientName} 您好，您候補的門診有空位了：`, wrap: true, size: 'md' },
        {
          type: 'box',
          layout: 'vertical',
          spacing: 'sm',
          contents: [
            row('日期', v.date),
            row('時間', v.time),
            row('醫師', v.doctorName),
            ...(v.visitType ? [row('項目', v.visitType)] : []),
          ],
        },
        {
          type: 'text',
          text: '名額只有一位，先按先得。已被預約時會再告訴您。',
          wrap: true,
          size: 'xs',
          color: '#888888',
        },
      ],
    },
    footer: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        {
          type: 'button',
          style: 'primary',
          color: '#1a7f5a',
          height: 'sm',
          action: {
            type: 'postback',
            label: OFFER_BUTTONS.take,
            data: `wl=${offerId}:take`,
            displayText: OFFER_BUTTONS.take,
          },
        },
        {
          type: 'button',
          style: 'link',
          height: 'sm',
          action: {
            type: 'postback',
            label: OFFER_BUTTONS.decline,
            data: `wl=${offerId}:decline`,
            displayText: OFFER_BUTTONS.decline,
          },
        },
      ],
    },
  };
  return {
    type: 'flex',
    altText: `候補時段通知：${v.date} ${v.time} ${v.doctorName}，名額一位，先按先得`,
    contents: bubble,
  };
}
