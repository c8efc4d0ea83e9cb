// The reminder planner: a pure function from (appointment, rules, clinic calendar, time zone,
// now) to the due time of every rule and a zh-TW "why this time" explanation. No I/O, no
// process time zone: every wall-clock computation is in the clinic's `timeZone`.
//
// Per rule, in order:
//  1. base time: booking → the booking moment (or `at` on the booking day), hours_before →
//     visit − N h, days_before → `at` N days before, visit_day → `at` on the visit day;
//  2. skip weekdays and shift: a base time on one of the rule's skipWeekdays, or (rules with
//     shift on) on a day the clinic is closed, moves to the previous day that is a working day
//     and not a skipped weekday, at settings.shiftAt (a Monday visit's 48 h reminder falls on
//     Saturday and goes on Friday at 09:00, whether the clinic is closed on Saturdays or the
//     rule skips them). Both run before quiet hours, so shiftAt itself still obeys them;
//  3. quiet hours: inside the quiet period → the end of it, unless that is at or after the
//     visit start, then just before the quiet period starts (30 minutes before);
//  4. never at or after the visit start;
//  5. a time already past when the rule is first planned is skipped (a booking made 1 hour
//     before the visit gets only what still makes sense: the booking-day message, sent now;
//     the 48 h and 08:00 reminders are skipped with their reason). The booking-day rule is
//     the exception: on the booking day itself a passed `at` sends right away.
//  6. two reminders within mergeWindowMinutes: only the one nearer the visit is kept.
import type { ClinicCalendar } from '../calendar/calendar.ts';
import { addDays, localParts, shortDate, WEEKDAY_ZH, weekdayOf, zonedTime } from '../../platform/time.ts';
import type { ReminderRule, ReminderSettings } from './rules.ts';

export type PlanAppointment = {
  startsAt: string;
  bookedAt: string;
  /**
   * False when the appointment must not get the booking-day message: the HIS copied it over
   * during the clinic's initial sync, or its bookedAt says it was booked before today (decided
   * by the appointments module when the appointment was first seen). Missing means true.
   */
  bookingMessage?: boolean;
  status: string;
  visitType: string | null;
  /** HIS doctor id (overrides are written with HIS ids). */
  doctorId: string | null;
  /** The doctor's name, for explanations people read (the HIS id when missing). */
  doctorName?: string | null;
};

export type PlannedReminder = {
  ruleId: string;
  ruleName: string;
  dueAt: string | null;
  skipped: boolean;
  explanation: string;
  templateId: string;
  essential: boolean;
  /**
   * Why a rule is skipped: its time passed before it was first planned, it would be after the
   * visit, an override, already sent, merged, not a new booking.
   */
  reason: 'past' | 'after_visit' | 'disabled' | 'sent' | 'merged' | 'not_new' | null;
};

export type PlanInput = {
  appointment: PlanAppointment;
  rules: ReminderSettings;
  clinicCalendar: ClinicCalendar;
  timeZone: string;
  now: Date;
  /** Rules already sent for this appointment and the visit time they announced. */
  sent?: { ruleId: string; startsAt: string }[];
};

const MIN = 60_000;

function ruleLabel(r: ReminderRule): string {
  switch (r.kind) {
    case 'booking':
      return r.mode === 'at' ? `預約當日 ${r.at}` : '預約當下';
    case 'hours_before':
      return `${r.hours} 小時前`;
    case 'days_before':
      return `${r.days} 天前 ${r.at}`;
    case 'visit_day':
      return `看診當天 ${r.at}`;
  }
}

function inQuiet(time: string, start: string, end: string): boolean {
  return start > end ? time >= start || time < end : time >= start && time < end;
}

/** Applies per-doctor, then per-visit-type overrides (the more specific one wins). */
function effectiveRule(
  r: ReminderRule,
  s: ReminderSettings,
  a: PlanAppointment,
): { rule: ReminderRule; disabledBy: string | null } {
  let rule = r;
  let disabledBy: string | null = null;
  const matching = [
    ...s.overrides.filter((o) => o.ruleId === r.id && o.doctorId && o.doctorId === a.doctorId),
    ...s.overrides.filter((o) => o.ruleId === r.id && o.visitType && o.visitType === a.visitType),
  ];
  for (const o of matching) {
    if (o.templateId) rule = { ...rule, templateId: o.templateId };
    if (o.enabled === false)
      disabledBy = o.visitType
        ? `看診類別「${o.visitType}」設定不發送此提醒`
        : `${a.doctorName ? `${a.doctorName}醫師` : `醫師（${o.doctorId}）`}設定不發送此提醒`;
    if (o.enabled === true) disabledBy = null;
  }
  return { rule, disabledBy };
}

export function planReminders(input: PlanInput): PlannedReminder[] {
  const { appointment: a, rules: s, clinicCalendar: cal, timeZone: tz, now } = input;
  if (a.status !== 'booked') return [];
  const start = new Date(a.startsAt);
  const visit = localParts(start, tz);
  const booked = new Date(a.bookedAt);
  const bookedLocal = localParts(booked, tz);
  const nowLocal = localParts(now, tz);
  const fmt = (d: Date) => {
    const l = localParts(d, tz);
    return `${shortDate(l.date)} ${l.time}`;
  };
  const out: (PlannedReminder & { due: Date | null })[] = [];

  for (const base of s.rules) {
    if (!base.enabled) continue;
    if (base.visitTypes?.length && !(a.visitType && base.visitTypes.includes(a.visitType))) continue;
    const { rule: r, disabledBy } = effectiveRule(base, s, a);
    const mk = (due: Date | null, explanation: string, skipped: boolean, reason: PlannedReminder['reason'] = null) =>
      out.push({
        ruleId: r.id,
        ruleName: r.name,
        dueAt: due && !skipped ? due.toISOString() : null,
        due: skipped ? null : due,
        skipped,
        explanation,
        templateId: r.templateId,
        essential: r.essential,
        reason,
      });
    const label = ruleLabel(r);
    if (disabledBy) {
      mk(null, `${label} → ${disabledBy}`, true, 'disabled');
      continue;
    }
    if (r.kind === 'booking' && a.bookingMessage === false) {
      mk(
        null,
        `${label} → 不是新預約（HIS 初次同步時的既有預約、預約建立於今天以前，或線上預約成立時已通知），不發送`,
        true,
        'not_new',
      );
      continue;
    }
    const sent = input.sent?.find(
      (x) => x.ruleId === r.id && (r.kind === 'booking' || x.startsAt === start.toISOString()),
    );
    if (sent) {
      mk(
        null,
        `${label} → 已發送過${r.kind === 'booking' ? '（預約通知只發一次）' : '（看診時間未變）'}`,
        true,
        'sent',
      );
      continue;
    }

    let due: Date;
    const steps: string[] = [];
    switch (r.kind) {
      case 'booking':
        due = r.mode === 'at' ? zonedTime(bookedLocal.date, r.at ?? '18:00', tz) : booked;
        if (due < now && nowLocal.date === bookedLocal.date) {
          if (r.mode === 'at') steps.push(`已過 ${r.at}，立即發送`);
          due = now;
        }
        break;
      case 'hours_before':
        due = new Date(start.getTime() - (r.hours ?? 48) * 60 * MIN);
        break;
      case 'days_before':
        due = zonedTime(addDays(visit.date, -(r.days ?? 1)), r.at ?? '10:00', tz);
        break;
      case 'visit_day':
        due = zonedTime(visit.date, r.at ?? '08:00', tz);
        break;
    }
    steps.unshift(fmt(due));

    const skip = new Set(r.skipWeekdays ?? []);
    if (r.shift || skip.size) {
      const day = localParts(due, tz).date;
      const skipped = skip.has(weekdayOf(day));
      const info = cal.describe(day);
      if (skipped || (r.shift && !info.working)) {
        const allowed = (d: string) => cal.isWorkingDay(d) && !skip.has(weekdayOf(d));
        let d = addDays(day, -1);
        for (let i = 0; i < 60 && !allowed(d); i++) d = addDays(d, -1);
        due = zonedTime(d, s.shiftAt, tz);
        steps.push(
          skipped
            ? `此提醒設定${WEEKDAY_ZH[weekdayOf(day)]}不發送，提前至前一個可發送的上班日${shortDate(d)} ${s.shiftAt}`
            : `${info.reason}，順延至${shortDate(d)} ${s.shiftAt}`,
        );
      }
    }

    if (s.quietHours.enabled) {
      const l = localParts(due, tz);
      const { start: qs, end: qe } = s.quietHours;
      if (inQuiet(l.time, qs, qe)) {
        const endDate = qs > qe && l.time >= qs ? addDays(l.date, 1) : l.date;
        const end = zonedTime(endDate, qe, tz);
        if (end < start) {
          due = end;
          steps.push(`安靜時段（${qs}–${qe}），延後至${shortDate(endDate)} ${qe}`);
        } else {
          const startDate = qs > qe && l.time < qe ? addDays(l.date, -1) : l.date;
          due = new Date(zonedTime(startDate, qs, tz).getTime() - 30 * MIN);
          steps.push(`安靜時段（${qs}–${qe}），延後會晚於看診，提前至 ${fmt(due)}`);
        }
      }
    }

    const text = `${label} → ${steps.join(' → ')}`;
    if (due >= start) {
      mk(null, `${text} → 晚於看診開始時間（${fmt(start)}），不發送`, true, 'after_visit');
      continue;
    }
    if (due.getTime() < now.getTime() - MIN) {
      mk(null, `${text} → 排程時（${fmt(now)}）已過，不補發`, true, 'past');
      continue;
    }
    mk(due, text, false);
  }

  // Merge reminders too close together: keep the one nearest the visit.
  const rank = (p: PlannedReminder) =>
    ({ visit_day: 3, hours_before: 2, days_before: 2, booking: 1 })[
      s.rules.find((r) => r.id === p.ruleId)?.kind ?? 'booking'
    ];
  const live = out.filter((p) => !p.skipped).sort((x, y) => y.due!.getTime() - x.due!.getTime() || rank(y) - rank(x));
  const kept: typeof live = [];
  for (const p of live) {
    const near = kept.find((k) => Math.abs(k.due!.getTime() - p.due!.getTime()) < s.mergeWindowMinutes * MIN);
    if (near) {
      p.skipped = true;
      p.dueAt = null;
      p.reason = 'merged';
      p.explanation += ` → 與「${near.ruleName}」相隔不到 ${s.mergeWindowMinutes} 分鐘，合併為一則，不另發送`;
    } else kept.push(p);
  }
  return out.map(({ due: _d, ...p }) => p);
}
