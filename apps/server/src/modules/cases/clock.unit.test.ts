import { describe, expect, it } from 'vitest';
import { addOpenMinutes, openMinutesBetween, type OpenHours } from './clock.ts';

// Monday to Friday 9–12 and 14–17:30, Saturday mornings; Tuesday 2026-12-08 closed (a typhoon).
const hours = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, open: '09:00', close: '12:00' },
  { weekday, open: '14:00', close: '17:30' },
]);
hours.push({ weekday: 6, open: '09:00', close: '12:00' });
const oh: OpenHours = {
  timeZone: 'Asia/Taipei',
  hours,
  isWorkingDay: (d) => d !== '2026-12-08' && new Date(`${d}T00:00:00Z`).getUTCDay() !== 0,
  businessHoursOnly: true,
};
const taipei = (local: string) => new Date(`${local}:00+08:00`);
const due = (start: string, h: number, o = oh) => addOpenMinutes(taipei(start), h * 60, o)?.toISOString();

describe('case clocks in open hours', () => {
  it('skips the lunch break', () => {
    expect(due('2026-12-07T10:00', 4)).toBe(taipei('2026-12-07T16:00').toISOString());
  });
  it('a complaint at night starts counting when the clinic opens, past a closed day', () => {
    expect(due('2026-12-07T20:00', 4)).toBe(taipei('2026-12-09T15:00').toISOString());
  });
  it('runs over the weekend: Friday evening, Saturday morning, then Monday', () => {
    expect(due('2026-12-11T17:00', 4)).toBe(taipei('2026-12-14T09:30').toISOString());
  });
  it('a 24-hour reply limit spans several working days', () => {
    expect(due('2026-12-07T10:00', 24)).toBe(taipei('2026-12-11T16:30').toISOString());
  });
  it('opened on a Sunday: Monday morning is the first open time', () => {
    expect(due('2026-12-13T11:00', 1)).toBe(taipei('2026-12-14T10:00').toISOString());
  });
  it('around the clock when the clinic counts calendar hours or has no hours', () => {
    expect(due('2026-12-07T20:00', 4, { ...oh, businessHoursOnly: false })).toBe(
      taipei('2026-12-08T00:00').toISOString(),
    );
    expect(due('2026-12-07T20:00', 4, { ...oh, hours: [] })).toBe(taipei('2026-12-08T00:00').toISOString());
  });
  it('no open time within a year: no due time', () => {
    expect(addOpenMinutes(taipei('2026-12-07T10:00'), 60, { ...oh, isWorkingDay: () => false })).toBeNull();
  });
  it('counts the open minutes between two instants', () => {
    expect(openMinutesBetween(taipei('2026-12-07T10:00'), taipei('2026-12-07T16:00'), oh)).toBe(240);
    expect(openMinutesBetween(taipei('2026-12-07T20:00'), taipei('2026-12-09T15:00'), oh)).toBe(240);
    expect(openMinutesBetween(taipei('2026-12-11T17:00'), taipei('2026-12-14T09:30'), oh)).toBe(240);
    expect(openMinutesBetween(taipei('2026-12-07T16:00'), taipei('2026-12-07T10:00'), oh)).toBe(0);
  });
});
