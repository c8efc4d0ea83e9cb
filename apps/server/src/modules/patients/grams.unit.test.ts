import { describe, expect, it } from 'vitest';
import { displayPhone, maskPhone, nameGrams, nationalDigits, phoneRev, prefixEnd, queryGrams } from './grams.ts';

describe('search index helpers', () => {
  it('builds bigrams and the first-character gram', () => {
    expect(nameGrams('王小明')).toEqual(['^王', '王小', '小明']);
    expect(nameGrams('歐陽 娜娜')).toEqual(['^歐', '歐陽', '陽娜', '娜娜']);
    expect(nameGrams('Amy Lin')).toContain('yl');
    expect(queryGrams('小明')).toEqual(['小明']);
    expect(queryGrams('王小明')).toEqual(['小明', '王小']);
    expect(queryGrams('王')).toEqual(['^王']);
  });
  it('reverses national-format phone digits', () => {
    expect(nationalDigits('+886912345678')).toBe('0912345678');
    expect(nationalDigits('0912-345-678')).toBe('0912345678');
    expect(nationalDigits('886912345678')).toBe('0912345678');
    expect(phoneRev('+886912345678')).toBe('8765432190');
    expect(prefixEnd('8765')).toBe('8766');
    expect(prefixEnd('王')).toBe('玌');
  });
  it('writes a phone as people in Taiwan do, in full or masked', () => {
    expect(displayPhone('+886912345678')).toBe('0912-345-678');
    expect(displayPhone('+886227001234')).toBe('02-2700-1234');
    expect(displayPhone('+88631234567')).toBe('03-123-4567');
    expect(displayPhone('+88637123456')).toBe('037-123456');
    expect(displayPhone('+88683622345')).toBe('0836-22345');
    expect(maskPhone('+886912345678')).toBe('0912-***-678');
    expect(maskPhone(null)).toBeNull();
  });
});
