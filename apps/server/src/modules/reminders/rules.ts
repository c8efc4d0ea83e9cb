// The reminder rule set of a clinic: one JSON document per clinic, edited as a whole by
// admins (GET/PUT /api/reminders/rules). The defaults: on the booking day
// (can be switched off), 48 hours before (shifted to the previous working day at 09:00 when
// it falls on a day the clinic is closed), on the visit day at 08:00 (can be switched off).

import type { ErrorDetail } from '../../platform/errors.ts';
import { isHhmm, WEEKDAY_ZH } from '../../platform/time.ts';

export type RuleKind = 'booking' | 'hours_before' | 'days_before' | 'visit_day';

export type ReminderRule = {
  id: string;
  kind: RuleKind;
  name: string;
  enabled: boolean;
  /** booking: 'immediate' sends right after the HIS enters the appointment, 'at' at `at` on the booking day. */
  mode?: 'immediate' | 'at';
  /** 'HH:MM' for booking (mode 'at'), days_before and visit_day. */
  at?: string;
  hours?: number;
  days?: number;
  /** Only for these visit types (empty or missing = every visit type). */
  visitTypes?: string[];
  /** Essential reminders keep going when the monthly LINE quota cap is reached. */
  essential: boolean;
  /** Move to the previous working day when the clinic is closed that day. */
  shift: boolean;
  /**
   * Weekdays (0 = Sunday … 6 = Saturday, the clinic's local date) on which this rule never
   * sends: a due time on one moves to the previous working day that is not skipped, at shiftAt,
   * whether or not `shift` is on. Missing or empty = none; never all seven.
   */
  skipWeekdays?: number[];
  templateId: string;
};

export type RuleOverride = {
  /** HIS doctor id, or visit type; one of them. */
  doctorId?: string;
  visitType?: string;
  ruleId: string;
  enabled?: boolean;
  templateId?: string;
};

export type ReminderSettings = {
  rules: ReminderRule[];
  overrides: RuleOverride[];
  quietHours: { enabled: boolean; start: string; end: string };
  shiftAt: string;
  /** Two reminders closer than this (minutes) are merged: the one nearer the visit is kept. */
  mergeWindowMinutes: number;
  /** Send SMS to patients without LINE (or who blocked the clinic) when the clinic allows SMS. */
  smsFallback: boolean;
  /** Monthly cap of LINE pushes for reminders (null = the plan's limit only); non-essential stop first. */
  monthlyCap: number | null;
  /** Preparation notes by visit type ({preparation} in templates); key '' = every other visit type. */
  preparations: Record<string, string>;
};

export const DEFAULT_TEMPLATE_ID = 'default';

export function defaultSettings(): ReminderSettings {
  return {
    rules: [
      {
        id: 'booking',
        kind: 'booking',
        name: '預約當日提醒',
        enabled: true,
        mode: 'immediate',
        at: '18:00',
        essential: false,
        shift: false,
        templateId: 'booking',
      },
      {
        id: 'before-48h',
        kind: 'hours_before',
        name: '看診前 48 小時提醒',
        enabled: true,
        hours: 48,
        essential: true,
        shift: true,
        templateId: DEFAULT_TEMPLATE_ID,
      },
      {
        id: 'visit-day',
        kind: 'visit_day',
        name: '看診當天提醒',
        enabled: true,
        at: '08:00',
        essential: false,
        shift: false,
        templateId: DEFAULT_TEMPLATE_ID,
      },
    ],
    overrides: [],
    quietHours: { enabled: true, start: '21:00', end: '08:00' },
    shiftAt: '09:00',
    mergeWindowMinutes: 60,
    smsFallback: true,
    monthlyCap: null,
    preparations: { '': '請攜帶健保卡，並提早 10 分鐘報到。' },
  };
}

/** Plain-language explanation of a rule (shown beside it in the editor). */
export function explainRule(r: ReminderRule, s: ReminderSettings): string {
  const types = r.visitTypes?.length ? `，只限看診類別：${r.visitTypes.join('、')}` : '';
  const shift = r.shift ? `；遇診所休診日，改在前一個上班日 ${s.shiftAt} 發送` : '';
  const days = [...new Set(r.skipWeekdays ?? [])].sort((x, y) => ((x + 6) % 7) - ((y + 6) % 7));
  const skip = days.length
    ? `；${days.map((d) => WEEKDAY_ZH[d]).join('、')}不發送，改在前一個可發送的上班日 ${s.shiftAt} 發送`
    : '';
  const ess = r.essential
    ? '；本月訊息額度接近上限時仍會發送（必要提醒）'
    : '；本月訊息額度達上限時會先暫停（非必要提醒）';
  let what: string;
  switch (r.kind) {
    case 'booking':
      what =
        r.mode === 'at' ? `HIS 建立預約的當天 ${r.at} 發送（若建立時已過此時間，立即發送）` : 'HIS 建立預約後立即發送';
      break;
    case 'hours_before':
      what = `看診前 ${r.hours} 小時發送`;
      break;
    case 'days_before':
      what = `看診前 ${r.days} 天的 ${r.at} 發送`;
      break;
    case 'visit_day':
      what = `看診當天 ${r.at} 發送（若看診時間早於此時，則不發送）`;
      break;
  }
  return `${r.enabled ? '' : '（已停用）'}${what}${types}${shift}${skip}${ess}。`;
}

/** The longest a rule may reach back before the visit: 30 days, the furthest a visit is booked ahead. */
export const MAX_LEAD_DAYS = 30;
export const MAX_MERGE_MINUTES = 1440;

/** A sent settings document as stored: defaults for missing keys, read-only explanations dropped. */
export function normalizeSettings(input: ReminderSettings): ReminderSettings {
  return {
    ...defaultSettings(),
    ...input,
    rules: input.rules.map(({ explanation: _e, ...r }: ReminderRule & { explanation?: string }) => r),
  };
}

/**
 * Checks a whole settings document beyond its schema; `prefix` names where the document sits in
 * the request body ('' for PUT /rules, 'settings.' for the simulator). Empty = valid.
 */
export function checkSettings(s: ReminderSettings, templateIds: string[], prefix = ''): ErrorDetail[] {
  const d: ErrorDetail[] = [];
  const add = (field: string, code: string, message: string) => d.push({ field: prefix + field, code, message });
  const ids = new Set<string>();
  s.rules.forEach((r, i) => {
    const f = (k: string) => `rules.${i}.${k}`;
    if (ids.has(r.id)) add(f('id'), 'duplicate', `規則代碼「${r.id}」重複，每條規則的代碼須不同`);
    ids.add(r.id);
    if (!templateIds.includes(r.templateId))
      add(f('templateId'), 'unknown_template', `找不到訊息範本「${r.templateId}」`);
    if (
      (r.kind === 'days_before' || r.kind === 'visit_day' || (r.kind === 'booking' && r.mode === 'at')) &&
      !isHhmm(r.at ?? '')
    )
      add(f('at'), 'time', '請填寫發送時間（HH:MM，例如 18:00）');
    if (r.kind === 'hours_before' && !(Number.isInteger(r.hours) && r.hours! >= 1 && r.hours! <= MAX_LEAD_DAYS * 24))
      add(
        f('hours'),
        'range',
        `看診前小時數須為 1 到 ${MAX_LEAD_DAYS * 24} 的整數（預約最遠只能提前 ${MAX_LEAD_DAYS} 天，更早的提醒永遠不會發送）`,
      );
    if (r.kind === 'days_before' && !(Number.isInteger(r.days) && r.days! >= 1 && r.days! <= MAX_LEAD_DAYS))
      add(
        f('days'),
        'range',
        `看診前天數須為 1 到 ${MAX_LEAD_DAYS} 的整數（預約最遠只能提前 ${MAX_LEAD_DAYS} 天，更早的提醒永遠不會發送）`,
      );
    if (new Set(r.skipWeekdays ?? []).size >= 7)
      add(f('skipWeekdays'), 'all_days', '不可七天都不發送；若不需要這條提醒，請改為停用');
  });
  s.overrides.forEach((o, i) => {
    if (!ids.has(o.ruleId)) add(`overrides.${i}.ruleId`, 'unknown_rule', `例外設定指定的規則「${o.ruleId}」不存在`);
    if (!o.doctorId === !o.visitType)
      add(
        `overrides.${i}`,
        'target',
        '每個例外設定須指定醫師（doctorId）或看診類別（visitType）其中之一，不可同時或都不指定',
      );
    if (o.templateId && !templateIds.includes(o.templateId))
      add(`overrides.${i}.templateId`, 'unknown_template', `找不到訊息範本「${o.templateId}」`);
  });
  for (const k of ['start', 'end'] as const)
    if (!isHhmm(s.quietHours[k])) add(`quietHours.${k}`, 'time', '時間格式應為 HH:MM（例如 21:00）');
  if (s.quietHours.start === s.quietHours.end) add('quietHours.end', 'empty_range', '安靜時段的開始與結束時間不可相同');
  if (!isHhmm(s.shiftAt)) add('shiftAt', 'time', '時間格式應為 HH:MM（例如 09:00）');
  if (!(
    Number.isInteger(s.mergeWindowMinutes) &&
    s.mergeWindowMinutes >= 0 &&
    s.mergeWindowMinutes <= MAX_MERGE_MINUTES
  ))
    add('mergeWindowMinutes', 'range', `合併間隔須為 0 到 ${MAX_MERGE_MINUTES} 分鐘的整數（0＝不合併）`);
  if (s.monthlyCap !== null && !(Number.isInteger(s.monthlyCap) && s.monthlyCap >= 0))
    add('monthlyCap', 'range', '每月上限須為 0 以上的整數；不設上限請留空');
  return d;
}
