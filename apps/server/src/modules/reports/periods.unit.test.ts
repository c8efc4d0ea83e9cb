// The report periods: days, Monday weeks and months of local dates, the default ranges and the
// monthly chunks of a rebuild — plain date arithmetic that must not depend on the process's
// time zone (run under TZ=UTC too), across month, year and leap-day edges.
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  daysIn,
  defaultRange,
  monthChunks,
  monthRange,
  mondayOf,
  periodOf,
  periodsBetween,
} from './periods.ts';

describe('report periods', () => {
  it('names a date by its day, its week (the Monday) and its month', () => {
    expect(periodOf('2026-05-17', 'day')).toBe('2026-05-17');
    expect(periodOf('2026-05-17', 'week')).toBe('2026-05-11'); // a Sunday belongs to the week of Monday the 11th
    expect(periodOf('2026-05-11', 'week')).toBe('2026-05-11');
    expect(periodOf('2027-01-01', 'week')).toBe('2026-12-28'); // across the year
    expect(periodOf('2026-05-17', 'month')).toBe('2026-05');
    expect(mondayOf('2026-03-01')).toBe('2026-02-23');
  });

  it('lists every period touching a range, partial ones at the ends', () => {
    expect(periodsBetween('2026-02-27', '2026-03-02', 'day')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
    expect(periodsBetween('2026-05-13', '2026-05-26', 'week')).toEqual(['2026-05-11', '2026-05-18', '2026-05-25']);
    expect(periodsBetween('2025-11-30', '2026-02-01', 'month')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(periodsBetween('2026-05-13', '2026-05-13', 'month')).toEqual(['2026-05']);
  });

  it('counts days and moves months, keeping the day where the month has it', () => {
    expect(daysIn('2024-02-28', '2024-03-01')).toBe(3); // leap year
    expect(daysIn('2026-05-13', '2026-05-13')).toBe(1);
    expect(addMonths('2026-05-31', -3)).toBe('2026-02-28');
    expect(addMonths('2024-05-31', -3)).toBe('2024-02-29');
    expect(addMonths('2026-01-15', -1)).toBe('2025-12-15');
    expect(addMonths('2026-11-30', 2)).toBe('2027-01-30');
    expect(monthRange('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthRange('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  });

  it('defaults to 30 days, 12 weeks from a Monday or 12 months from a first, ending today', () => {
    expect(defaultRange('2026-05-15', 'day')).toEqual({ from: '2026-04-16', to: '2026-05-15' });
    expect(defaultRange('2026-05-15', 'week')).toEqual({ from: '2026-02-23', to: '2026-05-15' });
    expect(periodsBetween('2026-02-23', '2026-05-15', 'week')).toHaveLength(12);
    expect(defaultRange('2026-05-15', 'month')).toEqual({ from: '2025-06-01', to: '2026-05-15' });
  });

  it('splits a rebuild into calendar months', () => {
    expect(monthChunks('2025-12-20', '2026-02-03')).toEqual([
      { from: '2025-12-20', to: '2025-12-31' },
      { from: '2026-01-01', to: '2026-01-31' },
      { from: '2026-02-01', to: '2026-02-03' },
    ]);
    expect(monthChunks('2026-05-15', '2026-05-15')).toEqual([{ from: '2026-05-15', to: '2026-05-15' }]);
  });
});
