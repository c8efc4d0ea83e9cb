// How a case's clock reads for staff: time left, overdue (and whether admins were told), done.
import { describe, expect, it } from 'vitest';
import { clockText, minutesText, type Clock } from './cases-model.ts';

const now = new Date('2026-12-07T03:00:00Z');
const clock = (c: Partial<Clock>): Clock => ({
  dueAt: '2026-12-07T05:30:00Z',
  doneAt: null,
  escalatedAt: null,
  state: 'running',
  dueText: '2026-12-07 13:30',
  ...c,
});

describe('case clocks in words', () => {
  it('minutes as hours and minutes', () => {
    expect(minutesText(0)).toBe('0 分');
    expect(minutesText(59.6)).toBe('1 小時');
    expect(minutesText(150)).toBe('2 小時 30 分');
  });
  it('running: the time left and the due time; under an hour it warns', () => {
    expect(clockText(clock({}), now)).toEqual({
      color: 'processing',
      text: '剩 2 小時 30 分',
      detail: '期限 12/07 13:30',
    });
    expect(clockText(clock({ dueAt: '2026-12-07T03:40:00Z' }), now).color).toBe('warning');
  });
  it('overdue: how long, and that admins were notified', () => {
    const c = clock({ state: 'overdue', dueAt: '2026-12-07T02:00:00Z', escalatedAt: '2026-12-07T02:00:05Z' });
    expect(clockText(c, now)).toEqual({
      color: 'error',
      text: '已逾時 1 小時',
      detail: '期限 12/07 13:30・已通知管理員',
    });
  });
  it('done in time or late', () => {
    expect(clockText(clock({ state: 'met' }), now).text).toBe('如期完成');
    expect(clockText(clock({ state: 'late' }), now).text).toBe('逾時完成');
  });
});
