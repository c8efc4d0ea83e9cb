// Per-rule skip weekdays in the planner and the settings document's checks. Pure, with an
// injected "now" and the clinic's time zone; run under TZ=UTC and TZ=Asia/Taipei.
import { describe, expect, it } from 'vitest';
import { buildClinicCalendar, governmentCalendar } from '../calendar/calendar.ts';
import { planReminders, type PlanAppointment } from './planner.ts';
import { checkSettings, defaultSettings, explainRule, normalizeSettings, type ReminderSettings } from './rules.ts';

const TZ = 'Asia/Taipei';
const openSaturdays = buildClinicCalendar({ openWeekdays: [1, 2, 3, 4, 5, 6], government: governmentCalendar() });
const weekdaysOnly = buildClinicCalendar({ openWeekdays: [1, 2, 3, 4, 5], government: governmentCalendar() });
const appt = (startsAt: string, bookedAt: string, extra: Partial<PlanAppointment> = {}): PlanAppointment => ({
  startsAt: new Date(startsAt).toISOString(),
  bookedAt: new Date(bookedAt).toISOString(),
  status: 'booked',
  visitType: null,
  doctorId: 'D1',
  ...extra,
});
const withRule = (id: string, patch: Partial<ReminderSettings['rules'][number]>): ReminderSettings => {
  const s = defaultSettings();
  s.rules = s.rules.map((r) => (r.id === id ? { ...r, ...patch } : r));
  return s;
};
const plan = (a: PlanAppointment, s: ReminderSettings, cal = openSaturdays, now = '2026-03-01T02:00:00Z') =>
  planReminders({ appointment: a, rules: s, clinicCalendar: cal, timeZone: TZ, now: new Date(now) });
const byRule = (ps: ReturnType<typeof plan>, id: string) => ps.find((p) => p.ruleId === id)!;

// Monday 2026-03-16 10:00 in Taipei; 48 hours before is Saturday 3/14 10:00.
const monday = appt('2026-03-16T10:00:00+08:00', '2026-03-01T10:00:00+08:00');

describe('skip weekdays', () => {
  it('a clinic open on Saturdays sends the 48 h reminder on Saturday when nothing is skipped', () => {
    const r = byRule(plan(monday, defaultSettings()), 'before-48h');
    expect(r.dueAt).toBe('2026-03-14T02:00:00.000Z');
    expect(r.explanation).toBe('48 小時前 → 3/14（六） 10:00');
  });

  it('skipping Saturday moves a Monday visit’s 48 h reminder to Friday at the shift time', () => {
    const r = byRule(plan(monday, withRule('before-48h', { skipWeekdays: [6] })), 'before-48h');
    expect(r.dueAt).toBe('2026-03-13T01:00:00.000Z'); // Friday 09:00 in Taipei
    expect(r.explanation).toBe(
      '48 小時前 → 3/14（六） 10:00 → 此提醒設定週六不發送，提前至前一個可發送的上班日3/13（五） 09:00',
    );
  });

  it('skips even with shift off, and uses the clinic’s shift time', () => {
    const s = withRule('before-48h', { skipWeekdays: [6], shift: false });
    s.shiftAt = '10:30';
    expect(byRule(plan(monday, s), 'before-48h').dueAt).toBe('2026-03-13T02:30:00.000Z');
  });

  it('passes over skipped weekdays and closed days alike (Friday skipped, Saturday closed → Thursday)', () => {
    const s = withRule('before-48h', { skipWeekdays: [5] });
    const r = byRule(plan(monday, s, weekdaysOnly), 'before-48h');
    expect(r.dueAt).toBe('2026-03-12T01:00:00.000Z');
    expect(r.explanation).toContain('週六休診，順延至3/12（四） 09:00');
    // The skipped day itself: Wednesday 10:00 visit, 48 h before = Monday, Monday skipped →
    // Sunday closed, Saturday closed → Friday.
    const wed = appt('2026-03-18T10:00:00+08:00', '2026-03-01T10:00:00+08:00');
    const r2 = byRule(plan(wed, withRule('before-48h', { skipWeekdays: [1] }), weekdaysOnly), 'before-48h');
    expect(r2.dueAt).toBe('2026-03-13T01:00:00.000Z');
    expect(r2.explanation).toContain('此提醒設定週一不發送');
  });

  it('passes over government days off while looking for an allowed day', () => {
    // Visit Tuesday 2026-02-24 10:00; days_before 1 at 10:00 = Monday 2/23, skipped →
    // 2/14–2/22 is the Lunar New Year break (closed) → Friday 2/13.
    const s = defaultSettings();
    s.rules = [
      {
        id: 'd1',
        kind: 'days_before',
        name: '前一天',
        enabled: true,
        days: 1,
        at: '10:00',
        essential: true,
        shift: false,
        skipWeekdays: [1],
        templateId: 'default',
      },
    ];
    const r = byRule(
      plan(appt('2026-02-24T10:00:00+08:00', '2026-02-01T10:00:00+08:00'), s, openSaturdays, '2026-02-01T02:00:00Z'),
      'd1',
    );
    expect(r.dueAt).toBe('2026-02-13T01:00:00.000Z');
  });

  it('quiet hours still apply after the move (shift time inside quiet hours → their end)', () => {
    const s = withRule('before-48h', { skipWeekdays: [6] });
    s.shiftAt = '07:00';
    const r = byRule(plan(monday, s), 'before-48h');
    expect(r.dueAt).toBe('2026-03-13T00:00:00.000Z'); // Friday 08:00
    expect(r.explanation).toContain('安靜時段（21:00–08:00），延後至3/13（五） 08:00');
  });

  it('a move before the booking moment is skipped as past', () => {
    // Booked on Friday 3/13 at 12:00 for Monday: Saturday is skipped, Friday 09:00 has passed.
    const r = byRule(
      plan(
        appt('2026-03-16T10:00:00+08:00', '2026-03-13T12:00:00+08:00'),
        withRule('before-48h', { skipWeekdays: [6] }),
        openSaturdays,
        '2026-03-13T04:00:00Z',
      ),
      'before-48h',
    );
    expect(r).toMatchObject({ skipped: true, reason: 'past' });
  });

  it('the rule’s explanation names the skipped weekdays Monday first', () => {
    const s = defaultSettings();
    const text = explainRule({ ...s.rules[1], skipWeekdays: [0, 6] }, s);
    expect(text).toContain('週六、週日不發送，改在前一個可發送的上班日 09:00 發送');
  });
});

describe('checkSettings', () => {
  const ids = ['default', 'booking'];
  const codes = (s: ReminderSettings) => checkSettings(s, ids).map((d) => `${d.field}:${d.code}`);

  it('accepts the defaults', () => {
    expect(checkSettings(defaultSettings(), ids)).toEqual([]);
  });

  it('names each bad field with a zh-TW message', () => {
    const s = defaultSettings();
    s.rules.push({ ...s.rules[0] });
    s.rules[1] = { ...s.rules[1], hours: 721, skipWeekdays: [0, 1, 2, 3, 4, 5, 6], templateId: 'nope' };
    s.rules[2] = { ...s.rules[2], kind: 'days_before', days: 31, at: '8:00' };
    s.overrides = [
      { ruleId: 'gone', doctorId: 'D1' },
      { ruleId: 'booking', doctorId: 'D1', visitType: '植牙' },
      { ruleId: 'booking' },
    ];
    s.quietHours = { enabled: true, start: '21:00', end: '21:00' };
    s.mergeWindowMinutes = 1441;
    s.monthlyCap = -1;
    expect(codes(s)).toEqual([
      'rules.1.templateId:unknown_template',
      'rules.1.hours:range',
      'rules.1.skipWeekdays:all_days',
      'rules.2.at:time',
      'rules.2.days:range',
      'rules.3.id:duplicate',
      'overrides.0.ruleId:unknown_rule',
      'overrides.1:target',
      'overrides.2:target',
      'quietHours.end:empty_range',
      'mergeWindowMinutes:range',
      'monthlyCap:range',
    ]);
    const msg = checkSettings(s, ids).find((d) => d.field === 'rules.1.hours')!.message;
    expect(msg).toContain('1 到 720');
    expect(msg).toContain('30 天');
  });

  it('accepts the limits themselves and null cap; prefixes fields for a nested document', () => {
    const s = defaultSettings();
    s.rules[1].hours = 720;
    s.mergeWindowMinutes = 1440;
    s.rules[1].skipWeekdays = [0, 1, 2, 3, 4, 5];
    expect(checkSettings(s, ids)).toEqual([]);
    s.rules[1].hours = 0;
    expect(checkSettings(s, ids, 'settings.')[0].field).toBe('settings.rules.1.hours');
  });

  it('normalizeSettings drops read-only explanations', () => {
    const s = defaultSettings();
    const n = normalizeSettings({ ...s, rules: s.rules.map((r) => ({ ...r, explanation: 'x' })) });
    expect(n.rules.every((r) => !('explanation' in r))).toBe(true);
  });
});
