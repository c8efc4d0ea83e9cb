// Days of a clinic's month as instants (for counting per local day in SQL), purposes of message
// sources, and the day-by-day forecast. Run under TZ=UTC too: nothing may depend on the zone of
// the machine.
import { describe, expect, it } from 'vitest';
import { dailySeries, monthDays, purposeOf } from './usage.ts';

describe('monthDays', () => {
  it('gives each local day of the month and the instant it starts in the clinic zone', () => {
    const { dates, bounds } = monthDays('2026-03', 'Asia/Taipei');
    expect(dates).toHaveLength(31);
    expect(dates[0]).toBe('2026-03-01');
    expect(dates[30]).toBe('2026-03-31');
    expect(bounds).toHaveLength(32);
    expect(bounds[0]).toBe('2026-02-28T16:00:00.000Z');
    expect(bounds[1]).toBe('2026-03-01T16:00:00.000Z');
    expect(bounds[31]).toBe('2026-03-31T16:00:00.000Z');
    expect(monthDays('2028-02', 'Asia/Taipei').dates).toHaveLength(29);
    expect(monthDays('2026-12', 'Asia/Taipei').bounds.at(-1)).toBe('2026-12-31T16:00:00.000Z');
  });

  it('follows daylight saving time where a clinic zone has it (a 23-hour day)', () => {
    const { bounds } = monthDays('2026-03', 'America/New_York');
    expect(bounds[7]).toBe('2026-03-08T05:00:00.000Z');
    expect(bounds[8]).toBe('2026-03-09T04:00:00.000Z');
  });
});

describe('purposeOf', () => {
  it('maps the message log sources to purposes', () => {
    expect(purposeOf('reminder')).toBe('reminder');
    expect(purposeOf('reminder.family')).toBe('reminder');
    expect(purposeOf('reminder.answer')).toBe('reply');
    expect(purposeOf('answer.liff')).toBe('reply');
    expect(purposeOf('auto_reply:12')).toBe('reply');
    expect(purposeOf('acknowledgement')).toBe('reply');
    expect(purposeOf('greeting')).toBe('reply');
    expect(purposeOf('binding')).toBe('reply');
    expect(purposeOf('binding.family')).toBe('reply');
    expect(purposeOf('reminder.test')).toBe('test');
    expect(purposeOf('recall')).toBe('recall');
    expect(purposeOf('staff')).toBe('staff');
    expect(purposeOf('broadcast')).toBe('broadcast');
    expect(purposeOf('care_plan.step')).toBe('care_plan');
    expect(purposeOf('binding.family_offer')).toBe('other');
  });
});

describe('dailySeries', () => {
  it('counts past days, then adds what is planned and the pace of the other pushes', () => {
    const dates = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'];
    const s = dailySeries({
      dates,
      today: '2026-03-03',
      elapsedDays: 2.5,
      restOfToday: 0.5,
      used: [
        { bucket: 0, method: 'push', purpose: 'reminder', n: 4 },
        { bucket: 0, method: 'push', purpose: 'staff', n: 1 },
        { bucket: 1, method: 'reply', purpose: 'reply', n: 7 },
        { bucket: 2, method: 'push', purpose: 'recall', n: 4 },
        { bucket: 2, method: 'pnp', purpose: 'reminder', n: 3 },
      ],
      planned: [
        { date: '2026-03-03', n: 2 },
        { date: '2026-03-04', n: 10 },
      ],
    });
    expect(s.pace).toBe(2); // 5 other pushes in 2.5 days
    expect(s.days.map((d) => d.pushes)).toEqual([5, 0, 4, 0]);
    expect(s.days.map((d) => d.replies)).toEqual([0, 7, 0, 0]);
    expect(s.days[2].pnp).toBe(3);
    expect(s.days.map((d) => d.forecast)).toEqual([null, null, 3, 12]); // today: 2 planned + 2 × ½ day
    expect(s.days.map((d) => d.cumulative)).toEqual([5, 5, 12, 24]);
    expect(s.forecast).toBe(24);
  });
});
