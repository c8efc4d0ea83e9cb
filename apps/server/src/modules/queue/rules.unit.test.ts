import { describe, expect, it } from 'vitest';
import { aheadOf, noticeDue, noticeHeadline, type NoticeKind } from './rules.ts';

const none = new Set<NoticeKind>();
describe('noticeDue', () => {
  it('near within the threshold, next at one ahead, nothing once called or before the first call', () => {
    expect(noticeDue(4, 3, none)).toBeNull();
    expect(noticeDue(3, 3, none)).toBe('near');
    expect(noticeDue(2, 3, none)).toBe('near');
    expect(noticeDue(1, 3, none)).toBe('next');
    expect(noticeDue(0, 3, none)).toBeNull();
    expect(noticeDue(null, 3, none)).toBeNull();
  });
  it('at most one of each, and no near after next', () => {
    expect(noticeDue(2, 3, new Set<NoticeKind>(['near']))).toBeNull();
    expect(noticeDue(1, 3, new Set<NoticeKind>(['near']))).toBe('next');
    expect(noticeDue(1, 3, new Set<NoticeKind>(['next']))).toBeNull();
    expect(noticeDue(3, 3, new Set<NoticeKind>(['next']))).toBeNull();
  });
  it('counts by number: 15 with 12 called is 3 ahead; a passed number is 0', () => {
    expect(aheadOf(15, 12)).toBe(3);
    expect(aheadOf(10, 12)).toBe(0);
    expect(aheadOf(10, null)).toBeNull();
    expect(noticeHeadline({ kind: 'near', ahead: 3, patientName: '王小明', queueNumber: 15 })).toBe(
      '王小明（15 號）前面還有 3 位',
    );
  });
});
