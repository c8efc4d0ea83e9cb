// An answer without buttons is a text message; with buttons, a Flex bubble whose buttons open a
// URL, send a sentence, or show another FAQ.
import { describe, expect, it } from 'vitest';
import { answerMessages } from './hook.ts';

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
