// When a message may go: quiet hours in the clinic's zone (whatever the process's TZ), and with
// workingDay the clinic's calendar too.
import { describe, expect, it } from 'vitest';
import { buildClinicCalendar, governmentCalendar } from '../calendar/calendar.ts';
import { sendableAt, type SendWindow } from './send-window.ts';

const TZ = 'Asia/Taipei';
const w: SendWindow = {
  timeZone: TZ,
  quietHours: { enabled: true, start: '21:00', end: '08:00' },
  shiftAt: '09:00',
  calendar: buildClinicCalendar({ openWeekdays: [1, 2, 3, 4, 5, 6], government: governmentCalendar({}) }),
};
const at = (s: string) => new Date(s);

describe('sendableAt', () => {
  it('outside quiet hours: the time itself', () => {
    expect(sendableAt(w, at('2026-03-09T12:00:00+08:00')).toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(sendableAt(w, at('2026-03-09T08:00:00+08:00')).toISOString()).toBe('2026-03-09T00:00:00.000Z');
    expect(sendableAt(w, at('2026-03-09T20:59:00+08:00')).toISOString()).toBe('2026-03-09T12:59:00.000Z');
  });
  it('in the evening part: 08:00 the next morning; in the morning part: 08:00 that morning', () => {
    expect(sendableAt(w, at('2026-03-09T21:00:00+08:00')).toISOString()).toBe('2026-03-10T00:00:00.000Z');
    expect(sendableAt(w, at('2026-03-09T23:10:00+08:00')).toISOString()).toBe('2026-03-10T00:00:00.000Z');
    expect(sendableAt(w, at('2026-03-10T06:00:00+08:00')).toISOString()).toBe('2026-03-10T00:00:00.000Z');
    // 23:30 UTC is 07:30 the next day in Taipei: the quiet period of that Taipei morning.
    expect(sendableAt(w, at('2026-03-09T23:30:00Z')).toISOString()).toBe('2026-03-10T00:00:00.000Z');
  });
  it('a quiet period within one day, and quiet hours switched off', () => {
    const noon = { ...w, quietHours: { enabled: true, start: '12:00', end: '13:30' } };
    expect(sendableAt(noon, at('2026-03-09T12:15:00+08:00')).toISOString()).toBe('2026-03-09T05:30:00.000Z');
    expect(sendableAt(noon, at('2026-03-09T23:15:00+08:00')).toISOString()).toBe('2026-03-09T15:15:00.000Z');
    const off = { ...w, quietHours: { ...w.quietHours, enabled: false } };
    expect(sendableAt(off, at('2026-03-09T23:10:00+08:00')).toISOString()).toBe('2026-03-09T15:10:00.000Z');
  });
  it('another zone: quiet hours are the clinic’s wall clock', () => {
    const tokyo = { ...w, timeZone: 'Asia/Tokyo' };
    // 21:30 in Taipei is 22:30 in Tokyo: quiet there until 08:00 Tokyo = 07:00 Taipei.
    expect(sendableAt(tokyo, at('2026-03-09T21:30:00+08:00')).toISOString()).toBe('2026-03-09T23:00:00.000Z');
  });
  it('the calendar applies only when asked: Sunday → Monday 09:00; a holiday is skipped', () => {
    const sunday = at('2026-03-08T10:00:00+08:00');
    expect(sendableAt(w, sunday).toISOString()).toBe('2026-03-08T02:00:00.000Z');
    expect(sendableAt(w, sunday, { workingDay: true }).toISOString()).toBe('2026-03-09T01:00:00.000Z');
    // Saturday 22:00 → quiet until Sunday 08:00, a closed day → Monday 09:00.
    expect(sendableAt(w, at('2026-03-07T22:00:00+08:00'), { workingDay: true }).toISOString()).toBe(
      '2026-03-09T01:00:00.000Z',
    );
    // 2026-02-16…20: Lunar New Year holidays in the shipped calendar; Feb 21 is a Saturday (open here).
    const newYear = sendableAt(w, at('2026-02-16T10:00:00+08:00'), { workingDay: true });
    expect(w.calendar!.isWorkingDay('2026-02-16')).toBe(false);
    expect(w.calendar!.isWorkingDay(newYear.toISOString().slice(0, 10))).toBe(true);
  });
});
