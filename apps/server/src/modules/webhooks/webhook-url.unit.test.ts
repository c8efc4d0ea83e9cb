import { describe, expect, it } from 'vitest';
import { checkWebhookUrl } from './service.ts';

describe('HIS webhook URL', () => {
  it('in production: refuses private hosts with a stable code and a zh-TW message, and plain http', () => {
    let caught: unknown;
    try {
      checkWebhookUrl('https://192.168.1.10/hook', true);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({
      status: 422,
      details: [{ field: 'url', code: 'private_address', message: expect.stringContaining('內部或私有網路') }],
    });
    expect(() => checkWebhookUrl('http://his.example.tw/hook', true)).toThrow();
    expect(checkWebhookUrl('https://his.example.tw/hook', true)).toBe('https://his.example.tw/hook');
  });

  it('in development and tests: the emulator and the fake HIS on 127.0.0.1 are fine', () => {
    expect(checkWebhookUrl('http://127.0.0.1:4100/his/webhook', false)).toBe('http://127.0.0.1:4100/his/webhook');
  });
});
