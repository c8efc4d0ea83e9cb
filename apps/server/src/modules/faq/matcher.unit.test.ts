// The FAQ matcher on the starter set: other wordings, word order, synonyms, the threshold and
// margin, input that is not a question (emoji, 5,000 characters), and grouping similarity.
import { describe, expect, it } from 'vitest';
import { buildIndex, match, normalise, similarity, synonymMap, terms, wordingKey } from './matcher.ts';
import { STARTER_FAQS, STARTER_SYNONYMS } from './starter.ts';

const faqs = STARTER_FAQS.map((f) => ({ id: f.title, wordings: [f.title, ...f.wordings] }));
const index = buildIndex(faqs, STARTER_SYNONYMS);
const best = (q: string) => match(index, q).best?.faqId ?? null;

describe('FAQ matcher', () => {
  it('answers other wordings of a question', () => {
    expect(best('拔牙後可以喝熱的嗎')).toBe('拔牙後注意事項'); // asked as 「拔完牙能不能喝熱飲」
    expect(best('哪裡可以停車')).toBe('停車'); // asked as 「有沒有泊車位」
    expect(best('有沒有泊車位')).toBe('停車');
    expect(best('你們幾點開門')).toBe('門診時間');
    expect(best('健保卡沒帶')).toBe('健保卡');
    expect(best('請問植牙多少錢')).toBe('費用');
    expect(best('牙齒很痛')).toBe('牙齒痛怎麼辦');
    expect(best('有兒童牙醫嗎')).toBe('兒童看牙');
  });

  it('does not depend on word order', () => {
    expect(best('熱飲拔牙後能喝嗎')).toBe('拔牙後注意事項');
    expect(best('停車的地方哪裡有')).toBe('停車');
  });

  it('maps synonyms to one term, longest first, and needs them to reach some questions', () => {
    const syn = synonymMap([['停車', '泊車', '泊車位', '停車場']]);
    expect([...terms('泊車位在哪', syn).keys()]).toContain('w:停車');
    expect([...terms('停車場在哪', syn).keys()]).toContain('w:停車');
    const bare = buildIndex(faqs, []);
    const withSyn = match(index, '熱的可以喝嗎').candidates[0];
    const without = match(bare, '熱的可以喝嗎').candidates[0];
    expect(withSyn.faqId).toBe('拔牙後注意事項');
    expect(withSyn.confidence).toBeGreaterThan(without.confidence);
    // a group of one changes nothing
    expect(synonymMap([['停車']]).re).toBeNull();
  });

  it('answers nothing below the threshold or when two FAQs are too close', () => {
    expect(best('我要買雞排')).toBeNull();
    expect(best('今天天氣很好')).toBeNull();
    expect(best('謝謝')).toBeNull();
    const r = match(index, '停車多少錢'); // parking or fees: ambiguous
    expect(r.best).toBeNull();
    expect(
      r.candidates
        .slice(0, 2)
        .map((c) => c.faqId)
        .sort(),
    ).toEqual(['停車', '費用']);
    expect(match(index, '哪裡可以停車', { threshold: 0.99 }).best).toBeNull();
    for (const c of match(index, '拔牙後可以喝熱的嗎').candidates) {
      expect(c.confidence).toBeGreaterThanOrEqual(0);
      expect(c.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('survives emoji, symbols, full-width text and 5,000 characters', () => {
    expect(best('😀😀😀')).toBeNull();
    expect(match(index, '🙏🙏').candidates).toEqual([]);
    expect(best('請問🅿️哪裡可以停車？？😅')).toBe('停車');
    expect(normalise('ＡＢＣ　停車！')).toBe('abc 停車');
    const long = '拔牙後可以喝熱的嗎'.padEnd(5000, '啊哈');
    const t = performance.now();
    // matched on its start, quickly; so much noise is not a confident answer
    expect(match(index, long).candidates[0].faqId).toBe('拔牙後注意事項');
    expect(performance.now() - t).toBeLessThan(200);
    expect(match(buildIndex([], []), '停車').best).toBeNull();
  });

  it('keys wordings for duplicates and measures similarity for grouping', () => {
    expect(wordingKey('可以刷卡嗎？')).toBe(wordingKey(' 可以刷卡嗎'));
    const syn = synonymMap([]);
    const a = terms('可以用悠遊卡付款嗎', syn);
    expect(similarity(a, terms('悠遊卡付款可以嗎？', syn))).toBeGreaterThanOrEqual(0.5);
    expect(similarity(a, terms('你們有賣牙刷嗎', syn))).toBeLessThan(0.2);
  });
});
