// The reminder rule set of a clinic: one JSON document per clinic, edited as a whole by
// admins (GET/PUT /api/reminders/rules). The defaults: on the booking day
// (can be switched off), 48 hours before (shifted to the previous working day at 09:00 when
// it falls on a day the clinic is closed), on the visit day at 08:00 (can be switched off).

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
  return `${r.enabled ? '' : '（已停用）'}${what}${types}${shift}${ess}。`;
}
