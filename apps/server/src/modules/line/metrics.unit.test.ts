import { describe, expect, it } from 'vitest';
import { bucketOf, figuresOf, median, readLog, responderOf } from './metrics.ts';

const row = (u: string, direction: 'in' | 'out', source: string, at: string, kind = 'text') => ({
  line_user_id: u,
  direction,
  kind,
  source,
  created_at: at,
});

describe('客服成效 from the message log', () => {
  it('knows who an outgoing message speaks for', () => {
    expect(responderOf('faq:abc')).toBe('bot');
    expect(responderOf('auto_reply:1')).toBe('bot');
    expect(responderOf('reminder_text')).toBe('bot');
    expect(responderOf('staff')).toBe('person');
    for (const s of ['acknowledgement', 'handoff', 'reminder_text.handoff', 'case', 'reminder', 'greeting'])
      expect(responderOf(s), s).toBeNull();
  });

  it('treats consecutive questions before an answer as one wait, measured from the first', () => {
    const { questions, waits } = readLog([
      row('A', 'in', 'user', '2026-03-01T00:00:00.000Z'),
      row('A', 'out', 'acknowledgement', '2026-03-01T00:00:01.000Z'),
      row('A', 'in', 'user', '2026-03-01T00:10:00.000Z'),
      row('A', 'out', 'staff', '2026-03-01T00:45:00.000Z'),
      row('A', 'in', 'user', '2026-03-01T01:00:00.000Z', 'sticker'),
      row('B', 'in', 'user', '2026-03-01T00:00:00.000Z'),
      row('B', 'out', 'faq:f', '2026-03-01T00:00:01.000Z'),
      row('B', 'out', 'staff', '2026-03-01T00:05:00.000Z'), // after the bot answered: no wait
    ]);
    expect(questions.map((q) => q.by)).toEqual(['person', 'person', 'bot']);
    expect(waits).toEqual([{ start: '2026-03-01T00:00:00.000Z', minutes: 45 }]);
    expect(figuresOf(questions, waits)).toMatchObject({ answerRate: 1, botShare: 0.333, handedShare: 0.667 });
  });

  it('medians and empty periods', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(figuresOf([], [])).toMatchObject({ questions: 0, answerRate: null, medianFirstResponseMinutes: null });
  });

  it('weeks start on Monday, whatever the process time zone', () => {
    expect(bucketOf('2026-03-16', 'week')).toBe('2026-03-16'); // Monday
    expect(bucketOf('2026-03-22', 'week')).toBe('2026-03-16'); // Sunday
    expect(bucketOf('2026-03-23', 'week')).toBe('2026-03-23');
    expect(bucketOf('2026-01-01', 'week')).toBe('2025-12-29'); // across the year
    expect(bucketOf('2026-03-22', 'day')).toBe('2026-03-22');
  });
});
