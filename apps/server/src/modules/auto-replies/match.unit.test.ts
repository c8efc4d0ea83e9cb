import { describe, expect, it } from 'vitest';
import { bestMatch, normaliseText, parseCsv, type ReplyRule } from './match.ts';

const rules: (ReplyRule & { name: string })[] = [
  { id: '1', name: 'hours', matchType: 'keyword', triggers: ['門診時間', '看診時間'], priority: 0, enabled: true },
  { id: '2', name: 'parking', matchType: 'keyword', triggers: ['停車'], priority: 5, enabled: true },
  { id: '3', name: 'hours-exact', matchType: 'exact', triggers: ['時間'], priority: 0, enabled: true },
  { id: '4', name: 'off', matchType: 'keyword', triggers: ['費用'], priority: 9, enabled: false },
];

describe('canned reply matching', () => {
  it('normalises width, case, spaces and punctuation', () => {
    expect(normaliseText(' 門診 時間？ ')).toBe('門診時間');
    expect(normaliseText('ＡＢＣ！')).toBe('abc');
  });
  it('finds keywords inside sentences and prefers priority', () => {
    expect(bestMatch(rules, '請問門診時間是幾點？')?.rule.name).toBe('hours');
    expect(bestMatch(rules, '看診時間附近可以停車嗎')?.rule.name).toBe('parking');
  });
  it('exact beats keyword; disabled rules never match; no match → null', () => {
    expect(bestMatch(rules, '時間')?.rule.name).toBe('hours-exact');
    expect(bestMatch(rules, '自費費用多少')).toBeNull();
    expect(bestMatch(rules, '你好')).toBeNull();
    expect(bestMatch(rules, '   ')).toBeNull();
  });
  it('parses CSV with quotes, commas, newlines and a BOM', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi""\nthere"\n\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"\nthere'],
    ]);
    expect(parseCsv('a,b\n , \nc\n')).toEqual([['a', 'b'], ['c']]);
    expect(() => parseCsv('a,"b\nc,d')).toThrow(
      expect.objectContaining({ status: 400, details: [expect.objectContaining({ field: 'csv', code: 'format' })] }),
    );
  });
});
