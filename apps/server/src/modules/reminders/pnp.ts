// Reminders as LINE notification messages (docs/taiwan.md) for patients who have not bound a
// LINE account, when the clinic turned them on (line/pnp.ts): the dispatcher (delivery.ts)
// calls sendReminderByPnp before the SMS fallback, and the `delivery` webhook event calls
// onPnpDelivered.
//
// - The message is the clinic's reminder template (title, colour, alt text) with a fixed body,
//   without the answer buttons and without the logo: a LINE notification message may not carry
//   images, LINE reviews a flexible message's design before it may be sent (a body each clinic
//   rewrites, possibly pointing at buttons that are not there, would not fit), and a postback
//   from someone who is not bound to the patient could not answer the appointment anyway. It
//   keeps the map link and adds a button to call the clinic.
// - `to` is the SHA-256 of the patient's mobile number in E.164 (platform/line.ts pnpRecipient).
// - The delivery tag is derived from the delivery row, so the completion event finds its row
//   and a retry of the row sends the same tag. LINE takes no X-Line-Retry-Key on this API: a
//   retry after an answer that was lost can send the message twice, unless the completion
//   event already arrived, in which case the retry sends nothing.
// - LINE's 422 (no LINE account has the number) → the caller falls back to SMS where allowed.
import type { messagingApi } from '@line/bot-sdk';
import type { Deps } from '../../platform/deps.ts';
import { HTTPFetchError, type LineChannelClient } from '../../platform/line.ts';
import { reminderPnpRepository } from './pnp.repository.ts';
import { renderReminder, type TemplateBody, type Vars } from './templates.ts';

const TAG_PREFIX = 'careline-reminder-';

/** The X-Line-Delivery-Tag of a delivery row (16–100 characters: the prefix and a UUID). */
export const deliveryTagOf = (deliveryId: string): string => `${TAG_PREFIX}${deliveryId}`;

/** The delivery row id of a tag we sent, or null for any other text. */
export function deliveryIdOfTag(tag: string): string | null {
  if (!tag.startsWith(TAG_PREFIX)) return null;
  const id = tag.slice(TAG_PREFIX.length);
  return /^[0-9a-f-]{36}$/.test(id) ? id : null;
}

/** The body of every reminder sent as a LINE notification message. */
export const PNP_BODY =
  '{patientName} 您好，提醒您的看診時間：\n{date}（{weekday}） {time}\n醫師：{doctorName}\n{preparation}\n' +
  '如需取消或改期，請致電診所。';

/** The reminder as a LINE notification message: the clinic's template, no postbacks, no images. */
export function pnpReminderMessage(t: TemplateBody, vars: Vars): messagingApi.FlexMessage {
  const msg = renderReminder({ ...t, logoUrl: null, body: PNP_BODY }, vars, null);
  const bubble = msg.contents as messagingApi.FlexBubble;
  const phone = vars.clinicPhone.replace(/[^\d+#]/g, '');
  if (phone) {
    const call: messagingApi.FlexButton = {
      type: 'button',
      style: 'primary',
      color: t.brandColor,
      height: 'sm',
      action: { type: 'uri', label: '致電診所', uri: `tel:${phone}` },
    };
    bubble.footer = {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [call, ...(bubble.footer?.contents ?? [])],
    };
  }
  return msg;
}

export type PnpResult =
  | { kind: 'sent'; requestId: string | null; message: messagingApi.FlexMessage }
  /** LINE has no account with this number (422). */
  | { kind: 'no_line_account' }
  | { kind: 'rate_limited' }
  | { kind: 'transient'; error: string }
  | { kind: 'rejected'; error: string };

/** Why a reminder went as a LINE notification message, as the delivery log shows it. */
export const PNP_REASON = '病患尚未綁定 LINE，以 LINE 通知訊息傳到手機號碼';
/** Why it went by SMS after LINE found no account for the number. */
export const PNP_NO_ACCOUNT = 'LINE 通知訊息無法送達：此手機號碼沒有 LINE 帳號';

/**
 * Sends a reminder row as a LINE notification message to `phone` (E.164). A row whose message
 * LINE already reported delivered (its completion event overtook a lost answer) is not sent again.
 */
export async function sendReminderByPnp(
  channel: LineChannelClient,
  row: { id: string; delivered_at?: string | null },
  phone: string,
  message: messagingApi.FlexMessage,
): Promise<PnpResult> {
  if (row.delivered_at) return { kind: 'sent', requestId: null, message };
  try {
    const res = await channel.pnpPush(phone, [message], deliveryTagOf(row.id));
    return { kind: 'sent', requestId: res.requestId, message };
  } catch (err) {
    if (!(err instanceof HTTPFetchError))
      return { kind: 'transient', error: `無法連線到 LINE：${err instanceof Error ? err.message : String(err)}` };
    if (err.status === 422) return { kind: 'no_line_account' };
    if (err.status === 429) return { kind: 'rate_limited' };
    if (err.status >= 500) return { kind: 'transient', error: `LINE ${err.status}` };
    if (err.status === 403)
      return { kind: 'rejected', error: 'LINE 403：此官方帳號尚未獲准使用 LINE 通知訊息，請關閉此設定或洽 LINE' };
    return { kind: 'rejected', error: `LINE 通知訊息 ${err.status}：${err.body.slice(0, 300)}` };
  }
}

/**
 * The `delivery` webhook event (LINE delivered a LINE notification message): marks the reminder
 * of its tag delivered, once. A tag that is not one of this clinic's reminders is ignored.
 */
export async function onPnpDelivered(deps: Deps, clinicId: string, tag: string, at: string): Promise<string> {
  const id = deliveryIdOfTag(tag);
  if (!id) return 'ignored:unknown_tag';
  return (await reminderPnpRepository(deps.db).markDelivered(clinicId, id, at))
    ? 'ok:delivered'
    : 'ignored:unknown_or_already_delivered';
}
