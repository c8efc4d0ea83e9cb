import { describe, expect, it } from 'vitest';
import { countSmsSegments } from './sms.ts';
import { validateMessages } from './validate.ts';

describe('countSmsSegments', () => {
  it('counts GSM 160/153 and UCS-2 70/67', () => {
    expect(countSmsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM', units: 160, segments: 1 });
    expect(countSmsSegments('a'.repeat(161)).segments).toBe(2);
    expect(countSmsSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSmsSegments('a'.repeat(307)).segments).toBe(3);
    expect(countSmsSegments('診'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(countSmsSegments('診'.repeat(71)).segments).toBe(2);
    expect(countSmsSegments('診'.repeat(134)).segments).toBe(2);
    expect(countSmsSegments('診'.repeat(135)).segments).toBe(3);
    expect(countSmsSegments('{}').units).toBe(4); // GSM extension characters count twice
  });
});

describe('validateMessages', () => {
  it('applies LINE limits with LINE property paths', () => {
    expect(validateMessages([{ type: 'text', text: 'ok' }])).toEqual([]);
    expect(validateMessages([])).toEqual([{ message: 'Size must be between 1 and 5', property: 'messages' }]);
    expect(validateMessages(Array(6).fill({ type: 'text', text: 'a' }))[0].property).toBe('messages');
    expect(validateMessages([{ type: 'text', text: 'x'.repeat(5001) }])[0]).toEqual({
      message: 'Length must be between 0 and 5000',
      property: 'messages[0].text',
    });
    expect(
      validateMessages([{ type: 'flex', altText: 'x'.repeat(1501), contents: { type: 'bubble' } }])[0].property,
    ).toBe('messages[0].altText');
    const qr = { items: Array(14).fill({ type: 'action', action: { type: 'message', label: 'a', text: 'a' } }) };
    expect(validateMessages([{ type: 'text', text: 'a', quickReply: qr }])[0].property).toBe(
      'messages[0].quickReply.items',
    );
    expect(
      validateMessages([
        {
          type: 'template',
          altText: 'a',
          template: {
            type: 'confirm',
            text: 't',
            actions: [
              { type: 'postback', label: 'y', data: 'x'.repeat(301) },
              { type: 'message', label: 'n', text: 'n' },
            ],
          },
        },
      ])[0].property,
    ).toBe('messages[0].template.actions[0].data');
    expect(
      validateMessages([
        {
          type: 'template',
          altText: 'a',
          template: { type: 'buttons', text: 't', actions: [{ type: 'message', label: 'x'.repeat(21), text: 'n' }] },
        },
      ])[0].property,
    ).toBe('messages[0].template.actions[0].label');
  });
});
