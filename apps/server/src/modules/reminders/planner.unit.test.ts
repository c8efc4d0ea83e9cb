// Rule engine: pure planner with an injected "now" and the clinic's time zone. `npm test`
// runs this file under TZ=UTC and TZ=Asia/Taipei; nothing here may depend on the process TZ.
import { describe, expect, it } from 'vitest';
import { buildClinicCalendar, governmentCalendar } from '../calendar/calendar.ts';
import { planReminders, type PlanAppointment } from './planner.ts';
import { defaultSettings, type ReminderSettings } from './rules.ts';

const TZ = 'Asia/Taipei';
const weekdaysOnly = buildClinicCalendar({ openWeekdays: [1, 2, 3, 4, 5], government: governmentCalendar() });
const appt = (startsAt: string, bookedAt: string, extra: Partial<PlanAppointment> = {}): PlanAppointment => ({
  startsAt: new Date(startsAt).toISOString(),
  bookedAt: new Date(bookedAt).toISOString(),
  status: 'booked',
  visitType: null,
  doctorId: 'D1',
  ...extra,
});
const plan = (
  a: PlanAppointment,
  now: string,
  rules: ReminderSettings = defaultSettings(),
  sent?: { ruleId: string; startsAt: string }[],
) => planReminders({ appointment: a, rules, clinicCalendar: weekdaysOnly, timeZone: TZ, now: new Date(now), sent });
const byRule = (ps: ReturnType<typeof plan>, id: string) => ps.find((p) => p.ruleId === id)!;

describe('planReminders', () => {
  it('shifts a Monday visit’s 48 h reminder from Saturday to Friday 09:00', () => {
    const ps = plan(appt('2026-03-16T10:00:00+08:00', '2026-03-01T10:00:00+08:00'), '2026-03-01T02:00:00Z');
    const r = byRule(ps, 'before-48h');
    expect(r.dueAt).toBe('2026-03-13T01:00:00.000Z'); // Friday 09:00 in Taipei
    expect(r.explanation).toBe('48 小時前 → 3/14（六） 10:00 → 週六休診，順延至3/13（五） 09:00');
    expect(byRule(ps, 'visit-day').dueAt).toBe('2026-03-16T00:00:00.000Z');
    expect(byRule(ps, 'booking').dueAt).toBe('2026-03-01T02:00:00.000Z');
  });

  it('skips the whole Lunar New Year 2026 (2/14–2/22) back to Friday 2/13', () => {
    const r = byRule(
      plan(appt('2026-02-23T10:00:00+08:00', '2026-02-01T10:00:00+08:00'), '2026-02-01T02:00:00Z'),
      'before-48h',
    );
    expect(r.dueAt).toBe('2026-02-13T01:00:00.000Z');
    expect(r.explanation).toContain('春節，順延至2/13（五） 09:00');
  });

  it('an observed day off (2026-02-27 和平紀念日補假) also shifts', () => {
    const r = byRule(
      plan(appt('2026-03-01T15:00:00+08:00', '2026-02-10T10:00:00+08:00', {}), '2026-02-10T02:00:00Z'),
      'before-48h',
    );
    // 48 h before Sunday 3/1 15:00 is Friday 2/27 15:00, a day off → Thursday 2/26 09:00.
    expect(r.dueAt).toBe('2026-02-26T01:00:00.000Z');
    expect(r.explanation).toContain('和平紀念日補假');
  });

  it('keeps a reminder on the 2025-02-08 make-up workday (補班 Saturday) and shifts the next Saturday', () => {
    const r = byRule(
      plan(appt('2025-02-10T10:00:00+08:00', '2025-02-03T10:00:00+08:00'), '2025-02-03T02:00:00Z'),
      'before-48h',
    );
    expect(r.dueAt).toBe('2025-02-08T02:00:00.000Z');
    expect(r.explanation).toBe('48 小時前 → 2/8（六） 10:00');
    const next = byRule(
      plan(appt('2025-02-17T10:00:00+08:00', '2025-02-03T10:00:00+08:00'), '2025-02-03T02:00:00Z'),
      'before-48h',
    );
    expect(next.dueAt).toBe('2025-02-14T01:00:00.000Z');
  });

  it('moves a reminder out of quiet hours to 08:00, or earlier when 08:00 is after the visit', () => {
    const s = defaultSettings();
    s.rules = [
      {
        id: 'h2',
        kind: 'hours_before',
        name: '2 小時前',
        enabled: true,
        hours: 2,
        essential: true,
        shift: false,
        templateId: 'default',
      },
    ];
    const late = byRule(
      plan(appt('2026-03-18T09:30:00+08:00', '2026-03-01T10:00:00+08:00'), '2026-03-01T02:00:00Z', s),
      'h2',
    );
    expect(late.dueAt).toBe('2026-03-18T00:00:00.000Z'); // 07:30 → 08:00
    expect(late.explanation).toContain('安靜時段（21:00–08:00），延後至3/18（三） 08:00');
    const early = byRule(
      plan(appt('2026-03-18T07:45:00+08:00', '2026-03-01T10:00:00+08:00'), '2026-03-01T02:00:00Z', s),
      'h2',
    );
    expect(early.dueAt).toBe('2026-03-17T12:30:00.000Z'); // 05:45 → previous evening 20:30
    expect(early.explanation).toContain('提前至');
    const evening = byRule(
      plan(appt('2026-03-19T23:30:00+08:00', '2026-03-01T10:00:00+08:00'), '2026-03-01T02:00:00Z', s),
      'h2',
    );
    expect(evening.dueAt).toBe('2026-03-19T12:30:00.000Z'); // 21:30 → 08:00 next day is after the visit → 20:30
  });

  it('a booking 1 hour before the visit gets the booking message now and skips the rest with reasons', () => {
    const ps = plan(appt('2026-03-16T14:00:00+08:00', '2026-03-16T13:00:00+08:00'), '2026-03-16T05:00:00Z');
    expect(byRule(ps, 'booking')).toMatchObject({ skipped: false, dueAt: '2026-03-16T05:00:00.000Z' });
    expect(byRule(ps, 'before-48h')).toMatchObject({ skipped: true, dueAt: null });
    expect(byRule(ps, 'before-48h').explanation).toContain('已過，不補發');
    expect(byRule(ps, 'visit-day')).toMatchObject({ skipped: true });
  });

  it('not a new booking: no booking-day message; the 48 h and visit-day ones plan as usual', () => {
    const a = appt('2026-03-20T10:00:00+08:00', '2026-03-16T13:00:00+08:00', { bookingMessage: false });
    const ps = plan(a, '2026-03-16T05:00:00Z');
    expect(byRule(ps, 'booking')).toMatchObject({ skipped: true, dueAt: null, reason: 'not_new' });
    expect(byRule(ps, 'booking').explanation).toContain('不是新預約');
    expect(byRule(ps, 'before-48h')).toMatchObject({ skipped: false, dueAt: '2026-03-18T02:00:00.000Z' });
    expect(byRule(ps, 'visit-day')).toMatchObject({ skipped: false, dueAt: '2026-03-20T00:00:00.000Z' });
    expect(byRule(plan({ ...a, bookingMessage: true }, '2026-03-16T05:00:00Z'), 'booking')).toMatchObject({
      skipped: false,
    });
  });

  it('merges the booking message into the visit-day one when both land at 08:00', () => {
    const ps = plan(appt('2026-03-16T09:00:00+08:00', '2026-03-16T06:30:00+08:00'), '2026-03-15T22:30:00Z');
    expect(byRule(ps, 'visit-day').dueAt).toBe('2026-03-16T00:00:00.000Z');
    expect(byRule(ps, 'booking')).toMatchObject({ skipped: true });
    expect(byRule(ps, 'booking').explanation).toContain('合併');
  });

  it('reschedule after the 48 h reminder was sent: a new visit time gets a new one; the same time does not', () => {
    const old = '2026-03-18T10:00:00+08:00';
    const sent = [
      { ruleId: 'before-48h', startsAt: new Date(old).toISOString() },
      { ruleId: 'booking', startsAt: new Date(old).toISOString() },
    ];
    const now = '2026-03-16T03:00:00Z'; // after the 48 h reminder went out
    const moved = plan(appt('2026-03-25T10:00:00+08:00', '2026-03-01T10:00:00+08:00'), now, defaultSettings(), sent);
    expect(byRule(moved, 'before-48h').dueAt).toBe('2026-03-23T02:00:00.000Z');
    expect(byRule(moved, 'booking')).toMatchObject({ skipped: true });
    const same = plan(appt(old, '2026-03-01T10:00:00+08:00'), now, defaultSettings(), sent);
    expect(byRule(same, 'before-48h')).toMatchObject({ skipped: true });
    expect(byRule(same, 'before-48h').explanation).toContain('已發送過');
  });

  it('cancelled, checked-in and completed appointments plan nothing', () => {
    for (const status of ['cancelled', 'checked_in', 'completed', 'no_show']) {
      expect(
        plan(appt('2026-03-18T10:00:00+08:00', '2026-03-01T10:00:00+08:00', { status }), '2026-03-01T02:00:00Z'),
      ).toEqual([]);
    }
  });

  it('applies visit-type rules and per-doctor / per-visit-type overrides', () => {
    const s = defaultSettings();
    s.rules.push({
      id: 'implant-7d',
      kind: 'days_before',
      name: '植牙 7 天前',
      enabled: true,
      days: 7,
      at: '10:00',
      visitTypes: ['植牙'],
      essential: true,
      shift: true,
      templateId: 'implant',
    });
    s.overrides = [
      { visitType: '初診', ruleId: 'before-48h', enabled: false },
      { doctorId: 'D9', ruleId: 'visit-day', templateId: 'dr9' },
    ];
    const implant = plan(
      appt('2026-03-20T10:00:00+08:00', '2026-03-01T10:00:00+08:00', { visitType: '植牙' }),
      '2026-03-01T02:00:00Z',
      s,
    );
    expect(byRule(implant, 'implant-7d').dueAt).toBe('2026-03-13T02:00:00.000Z');
    expect(byRule(implant, 'implant-7d').templateId).toBe('implant');
    const walkIn = plan(
      appt('2026-03-20T10:00:00+08:00', '2026-03-01T10:00:00+08:00', { visitType: '初診', doctorId: 'D9' }),
      '2026-03-01T02:00:00Z',
      s,
    );
    expect(walkIn.find((p) => p.ruleId === 'implant-7d')).toBeUndefined();
    expect(byRule(walkIn, 'before-48h')).toMatchObject({ skipped: true });
    expect(byRule(walkIn, 'before-48h').explanation).toContain('初診');
    expect(byRule(walkIn, 'visit-day').templateId).toBe('dr9');
  });

  it('names the doctor of a per-doctor override by name, falling back to the HIS id', () => {
    const s = defaultSettings();
    s.overrides = [{ doctorId: 'D9', ruleId: 'visit-day', enabled: false }];
    const visit = (doctorName?: string | null) =>
      byRule(
        plan(
          appt('2026-03-20T10:00:00+08:00', '2026-03-01T10:00:00+08:00', { doctorId: 'D9', doctorName }),
          '2026-03-01T02:00:00Z',
          s,
        ),
        'visit-day',
      );
    expect(visit('陳建志').explanation).toBe('看診當天 08:00 → 陳建志醫師設定不發送此提醒');
    expect(visit(null).explanation).toBe('看診當天 08:00 → 醫師（D9）設定不發送此提醒');
  });

  it('works in any clinic time zone, independent of the process TZ', () => {
    const la = buildClinicCalendar({ openWeekdays: [1, 2, 3, 4, 5], government: () => [] });
    const ps = planReminders({
      appointment: appt('2026-03-16T10:00:00-07:00', '2026-03-01T10:00:00-08:00'),
      rules: defaultSettings(),
      clinicCalendar: la,
      timeZone: 'America/Los_Angeles',
      now: new Date('2026-03-01T18:00:00Z'),
    });
    // Saturday 3/14 10:00 PDT → Friday 3/13 09:00 PDT (after the 3/8 DST change).
    expect(byRule(ps, 'before-48h').dueAt).toBe('2026-03-13T16:00:00.000Z');
    expect(byRule(ps, 'visit-day').dueAt).toBe('2026-03-16T15:00:00.000Z');
  });
});
