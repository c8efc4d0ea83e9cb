import { describe, expect, it } from 'vitest';
import { formatInZone, offsetLabel } from './time.ts';

describe('formatInZone', () => {
  it('shows an instant as the clinic reads it, whatever the process time zone', () => {
    const visit = '2026-05-04T10:00:00+08:00';
    expect(formatInZone(visit, 'Asia/Taipei')).toBe('2026-05-04 10:00');
    expect(formatInZone(visit, 'Asia/Taipei', 'date')).toBe('2026-05-04');
    expect(formatInZone(visit, 'Asia/Taipei', 'time')).toBe('10:00');
    expect(formatInZone(visit, 'UTC')).toBe('2026-05-04 02:00');
    expect(formatInZone(new Date('2026-05-03T16:30:00Z'), 'Asia/Taipei')).toBe('2026-05-04 00:30');
  });

  it('states the zone offset', () => {
    expect(offsetLabel(new Date('2026-05-04T02:00:00Z'), 'Asia/Taipei')).toBe('+08:00');
    expect(offsetLabel(new Date('2026-01-04T02:00:00Z'), 'America/New_York')).toBe('-05:00');
  });
});
