// Which texts ask for a person (the hand-off hook): short requests, not questions that mention 客服.
import { describe, expect, it } from 'vitest';
import { asksForPerson } from './conversations.ts';

describe('asksForPerson', () => {
  it('takes the ways patients ask for a person', () => {
    for (const t of [
      '找真人',
      '真人',
      '客服',
      '人工',
      '我要找真人',
      '請幫我轉客服',
      '真人客服！',
      '可以找櫃台嗎？',
      '轉接專人',
    ])
      expect(asksForPerson(t), t).toBe(true);
  });
  it('leaves questions, complaints and long texts to the other hooks', () => {
    for (const t of [
      '我要客訴',
      '客服電話幾號',
      '客服時間是幾點',
      '拔牙後可以喝熱的嗎',
      '好',
      '真人真事改編的電影好看嗎',
    ])
      expect(asksForPerson(t), t).toBe(false);
  });
});
