import { describe, expect, it } from 'vitest';
import { reminderFlex } from './demo-content.ts';
import { jsonByteBound, validateMessages } from './validate.ts';

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v));
const TOO_LARGE = { message: 'The size of the flex message is too large', property: 'messages[0].contents' };

describe('Flex size check', () => {
  it('jsonByteBound is never below the UTF-8 length of JSON.stringify', () => {
    const samples: unknown[] = [
      reminderFlex(),
      {
        a: 'plain',
        b: '中文 門診提醒',
        c: '😀 emoji',
        d: 'quote " backslash \\ slash /',
        e: '\n\t\r\b\f\u0000\u001f\u007f',
      },
      { lone: '\ud800x', low: '\udc00', end: 'a\ud83d', '鍵"\\': 'v' },
      [1, -0, 0.1, 1e21, 1e-7, -Math.PI * 1e-300, 2 ** 70, true, false, null, [], {}],
      { nested: [[[{ x: [null, 'y', { z: 1.5 }] }]]] },
    ];
    for (const s of samples) {
      const parsed = JSON.parse(JSON.stringify(s)) as unknown;
      expect(jsonByteBound(parsed)).toBeGreaterThanOrEqual(bytes(parsed));
    }
    for (let i = 0; i < 200; i++) {
      const chars = Array.from({ length: 20 }, () => String.fromCharCode(Math.floor(Math.random() * 0x10000)));
      const v = JSON.parse(
        JSON.stringify({
          [chars.slice(0, 5).join('')]: chars.join(''),
          n: Math.random() * 10 ** (i % 30),
          a: [-Math.random() / 10 ** (i % 20)],
        }),
      ) as unknown;
      expect(jsonByteBound(v)).toBeGreaterThanOrEqual(bytes(v));
    }
  });

  it('refuses a bubble over 30,000 bytes and accepts one just under, whatever the bound says', () => {
    // texts of at most 2,000 characters; the last one's length decides the size
    const bubble = (last: number) => ({
      type: 'flex',
      altText: 'x',
      contents: {
        type: 'bubble',
        body: {
          type: 'box',
          layout: 'vertical',
          contents: [...Array.from({ length: 9 }, () => '門'.repeat(1000)), '門'.repeat(last)].map((text) => ({
            type: 'text',
            text,
          })),
        },
      },
    });
    let last = 0;
    while (bytes(bubble(last + 1).contents) <= 30_000) last++;
    // 3 bytes per 門: the bound (6 per unit) is above the limit, so the exact size decides
    expect(bytes(bubble(last).contents)).toBeGreaterThan(29_990);
    expect(validateMessages([bubble(last)])).toEqual([]);
    expect(validateMessages([bubble(last + 1)])).toEqual([TOO_LARGE]);
    expect(validateMessages([reminderFlex()])).toEqual([]);
  });
});
