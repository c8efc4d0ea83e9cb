// Status lights and appointment statuses: machine codes with their zh-TW labels, as the HIS
// Open API v1 promises them (docs/contracts.md "HIS Open API v1"). Pure data, shared by every
// module.

export const LINE_STATUSES = ['bound', 'unbound', 'blocked'] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];
export const LINE_LABELS: Record<LineStatus, string> = { bound: 'LINE綁定', unbound: 'LINE未綁定', blocked: '被封鎖' };

export const REPLY_STATUSES = [
  'not_sent',
  'awaiting_reply',
  'confirmed',
  'cancel_requested',
  'reschedule_requested',
] as const;
export type ReplyStatus = (typeof REPLY_STATUSES)[number];
export const REPLY_LABELS: Record<ReplyStatus, string> = {
  not_sent: '尚未提醒',
  awaiting_reply: '尚未回覆',
  confirmed: '確認赴約',
  cancel_requested: '取消',
  reschedule_requested: '改期',
};

export const APPOINTMENT_STATUSES = ['booked', 'checked_in', 'completed', 'cancelled', 'no_show'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];
export const STATUS_LABELS: Record<AppointmentStatus, string> = {
  booked: '已預約',
  checked_in: '已報到',
  completed: '已看診',
  cancelled: '已取消',
  no_show: '未到診',
};

/** The lights that can change: a patient's `line`, an appointment's `reply` and its `status`. */
export type Light = 'line' | 'reply' | 'status';
export type Subject = 'patient' | 'appointment';
export type ChangeSource = 'his' | 'patient' | 'staff' | 'system';

export function labelOf(light: Light, code: string | null): string | null {
  if (code === null) return null;
  const table: Record<string, string> =
    light === 'line' ? LINE_LABELS : light === 'reply' ? REPLY_LABELS : STATUS_LABELS;
  return table[code] ?? code;
}

export const light = (l: Light, code: string) => ({ code, label: labelOf(l, code) ?? code });

/**
 * What an appointment shows the front desk, from one function everywhere (the appointment's
 * header, the list, the calendar, the home page): once it has happened, what happened
 * (已看診, 未到診 …; a booking whose time has passed without the HIS checking the patient in
 * is 未報到); before that, the patient's reply light (尚未提醒, 尚未回覆, 確認赴約 …).
 */
export const VISIT_LIGHT_LABELS: Record<string, string> = {
  ...REPLY_LABELS,
  checked_in: STATUS_LABELS.checked_in,
  completed: STATUS_LABELS.completed,
  no_show: STATUS_LABELS.no_show,
  cancelled: STATUS_LABELS.cancelled,
  not_arrived: '未報到',
};
export type VisitLight = keyof typeof VISIT_LIGHT_LABELS;

export function visitLight(a: { status: string; reply_status: string; starts_at: string }, nowIso: string) {
  const code = a.status !== 'booked' ? a.status : a.starts_at <= nowIso ? 'not_arrived' : a.reply_status;
  return { code, label: VISIT_LIGHT_LABELS[code] ?? code };
}
