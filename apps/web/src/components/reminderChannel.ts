// How a reminder went, as people read it (the delivery row's `channel`: line, pnp, sms). Shared
// by the appointment's 提醒 tab and the delivery log so both say the same.
export const REMINDER_CHANNEL_LABEL: Record<string, string> = {
  line: 'LINE',
  pnp: 'LINE 通知訊息',
  sms: '簡訊',
};
