// When a message to a patient may go (care plans, the no-show follow-up, broadcasts …): the
// clinic's quiet hours from its reminder rules (設定 → 提醒規則 → 安靜時段), in the clinic's time
// zone. A time inside the quiet period moves to its end (21:00–08:00: 23:10 → 08:00 the next
// morning, 06:00 → 08:00 the same morning); quiet hours switched off → the time itself.
//
// The work calendar: by default it does not apply. A care message on day 1 after an extraction
// belongs to day 1 whether or not the clinic is open (the patient's mouth heals on Sundays too),
// and every care text tells the patient to come back or call when something is wrong. A message
// that asks the patient to act with the clinic's staff (「要幫您重新安排嗎？」, a reply staff must
// answer) may pass `{ workingDay: true }`: a time on a day the clinic is closed (weekly closing
// day, national holiday, the clinic's own closures) then moves to the next working day at the
// rules' shiftAt (09:00 by default), and quiet hours apply after that.
import type { Deps } from '../../platform/deps.ts';
import { addDays, localParts, zonedTime } from '../../platform/time.ts';
import type { ClinicCalendar } from '../calendar/calendar.ts';
import { loadClinicCalendar } from '../calendar/service.ts';
import { clinicService } from '../clinics/service.ts';
import { loadSettings } from './service.ts';
import type { ReminderSettings } from './rules.ts';

export type SendWindowOptions = { workingDay?: boolean };

export type SendWindow = {
  timeZone: string;
  quietHours: ReminderSettings['quietHours'];
  shiftAt: string;
  /** Needed only with workingDay. */
  calendar?: ClinicCalendar;
};

const inQuiet = (time: string, start: string, end: string): boolean =>
  start > end ? time >= start || time < end : time >= start && time < end;

/** The pure rule: `at`, or the first moment after it the window allows (see the header). */
export function sendableAt(w: SendWindow, at: Date, opts: SendWindowOptions = {}): Date {
  let due = at;
  if (opts.workingDay && w.calendar) {
    const day = localParts(due, w.timeZone).date;
    if (!w.calendar.isWorkingDay(day)) {
      let d = addDays(day, 1);
      for (let i = 0; i < 60 && !w.calendar.isWorkingDay(d); i++) d = addDays(d, 1);
      due = zonedTime(d, w.shiftAt, w.timeZone);
    }
  }
  const q = w.quietHours;
  if (q.enabled && q.start !== q.end) {
    const l = localParts(due, w.timeZone);
    if (inQuiet(l.time, q.start, q.end)) {
      // 21:00–08:00 at 23:10 ends tomorrow; at 06:00 it ends today. 13:00–14:00 ends today.
      const endDate = q.start > q.end && l.time >= q.start ? addDays(l.date, 1) : l.date;
      due = zonedTime(endDate, q.end, w.timeZone);
      // The quiet period ended on a closed day: move on to the next working day.
      if (opts.workingDay && w.calendar && !w.calendar.isWorkingDay(localParts(due, w.timeZone).date))
        return sendableAt(w, due, opts);
    }
  }
  return due;
}

/** The clinic's send window (reads its reminder settings, time zone and, when asked, calendar). */
export async function sendWindowOf(deps: Deps, clinicId: string, opts: SendWindowOptions = {}): Promise<SendWindow> {
  const [settings, clinic, cal] = await Promise.all([
    loadSettings(deps.db, clinicId),
    clinicService(deps).get(clinicId),
    opts.workingDay ? loadClinicCalendar(deps, clinicId) : Promise.resolve(null),
  ]);
  return {
    timeZone: clinic.timeZone,
    quietHours: settings.quietHours,
    shiftAt: settings.shiftAt,
    ...(cal ? { calendar: cal.calendar } : {}),
  };
}

/**
 * `at`, or the end of the clinic's quiet hours when `at` falls inside them (with workingDay: not
 * on a day the clinic is closed either). For many messages at once, read the window once with
 * sendWindowOf and call sendableAt.
 */
export async function nextSendableAt(
  deps: Deps,
  clinicId: string,
  at: Date,
  opts: SendWindowOptions = {},
): Promise<Date> {
  return sendableAt(await sendWindowOf(deps, clinicId, opts), at, opts);
}
