// When the front desk is next at work (for the after-hours line of an answer), in the clinic's
// zone whatever the server's; and an answer with buttons as a Flex bubble.
import { describe, expect, it } from 'vitest';
import { answerMessages, nextOpening } from './hook.ts';

const HOURS = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, open: '09:00', close: '12:00' },
  { weekday, open: '14:00', close: '18:00' },
]);

describe('nextOpening', () => {
  it('names today, tomorrow or the weekday of the next opening in Taipei', () => {
    expect(nextOpening(HOURS, 'Asia/Taipei', new Date('2026-12-07T04:30:00Z'))).toBe('今天 14:00'); // Mon 12:30
    expect(nextOpening(HOURS, 'Asia/Taipei', new Date('2026-12-07T12:00:00Z'))).toBe('明天（週二）9:00'); // Mon 20:00
    expect(nextOpening(HOURS, 'Asia/Taipei', new Date('2026-12-04T16:30:00Z'))).toBe('週一 9:00'); // Sat 00:30
    expect(nextOpening(HOURS, 'Asia/Taipei', new Date('2026-12-06T15:59:00Z'))).toBe('明天（週一）9:00'); // Sun 23:59
    expect(nextOpening(HOURS, 'Asia/Taipei', new Date('2026-12-06T16:00:00Z'))).toBe('今天 9:00'); // Mon 00:00
    expect(nextOpening([], 'Asia/Taipei', new Date('2026-12-06T15:59:00Z'))).toBeNull();
  });
});

describe('answerMessages', () => {
  it('sends text alone as text, and with buttons as a Flex bubble', () => {
    expect(answerMessages({ text: '你好', buttons: [] })).toEqual([{ type: 'text', text: '你好' }]);
    const [m] = answerMessages({
      text: '請看地圖',
      buttons: [
        { label: '地圖', action: 'uri', value: 'https://maps.example.tw' },
        { label: '停車', action: 'message', value: '哪裡可以停車' },
        { label: '門診時間', action: 'faq', value: 'F1' },
      ],
    }) as unknown as { type: string; altText: string; contents: { footer: { contents: { action: unknown }[] } } }[];
    expect(m.type).toBe('flex');
    expect(m.altText).toBe('請看地圖');
    expect(m.contents.footer.contents.map((c) => c.action)).toEqual([
      { type: 'uri', label: '地圖', uri: 'https://maps.example.tw' },
      { type: 'message', label: '停車', text: '哪裡可以停車' },
      { type: 'postback', label: '門診時間', data: 'faq=show&id=F1', displayText: '門診時間' },
    ]);
  });
});
