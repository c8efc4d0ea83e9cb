// The rating trend groups reviews by month in the clinic's time zone.
import { describe, expect, it } from 'vitest';
import { ratingTrend } from './service.ts';

describe('ratingTrend', () => {
  it('a review at 23:30 UTC on the last day of a month counts in the next month in Taipei', () => {
    const t = ratingTrend(
      [
        { star_rating: 5, create_time: '2026-01-15T02:00:00Z' },
        { star_rating: 2, create_time: '2026-01-31T23:30:00Z' },
        { star_rating: 4, create_time: '2026-02-10T02:00:00Z' },
      ],
      'Asia/Taipei',
    );
    expect(t).toEqual([
      { month: '2026-01', count: 1, average: 5, cumulativeAverage: 5 },
      { month: '2026-02', count: 2, average: 3, cumulativeAverage: 3.67 },
    ]);
  });
});
