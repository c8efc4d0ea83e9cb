import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi, dayOf, formatPhone, LiffApiError, phoneProblem, timeOf, zonedIso, zonedNow } from './api.ts';

describe('phone input', () => {
  it('formats as the patient types', () => {
    expect(formatPhone('0')).toBe('0');
    expect(formatPhone('0912')).toBe('0912');
    expect(formatPhone('09123')).toBe('0912-3');
    expect(formatPhone('0912345')).toBe('0912-345');
    expect(formatPhone('09123456')).toBe('0912-345-6');
    expect(formatPhone('0912 345 678 9')).toBe('0912-345-678');
    expect(formatPhone('0912-345-678')).toBe('0912-345-678');
  });
  it('accepts Taiwan mobiles only, with zh-TW reasons', () => {
    expect(phoneProblem('0912-345-678')).toBeNull();
    expect(phoneProblem('')).toBe('請輸入手機號碼');
    expect(phoneProblem('02-2345-6789')).toContain('09');
    expect(phoneProblem('0912-345')).toContain('10 位');
  });
});

describe("the clinic's time zone", () => {
  it("shows and reads times in the zone the server gave, whatever the phone's zone", () => {
    expect(timeOf('2026-11-27T06:30:00.000Z', 'Asia/Tokyo')).toBe('15:30');
    expect(timeOf('2026-11-27T16:05:00.000Z', 'Asia/Taipei')).toBe('00:05');
    expect(zonedIso('2026-11-27T14:30', 'Asia/Taipei')).toBe('2026-11-27T06:30:00.000Z');
    expect(zonedIso('2026-11-27T14:30', 'Asia/Tokyo')).toBe('2026-11-27T05:30:00.000Z');
    // daylight saving: New York is UTC-4 in July, UTC-5 in November
    expect(zonedIso('2026-07-01T09:00', 'America/New_York')).toBe('2026-07-01T13:00:00.000Z');
    expect(zonedIso('2026-11-27T09:00', 'America/New_York')).toBe('2026-11-27T14:00:00.000Z');
    expect(zonedNow('Asia/Taipei', Date.parse('2026-11-27T16:30:00Z'))).toBe('2026-11-28T00:30');
    expect(zonedNow('Asia/Tokyo', Date.parse('2026-11-27T16:30:00Z'))).toBe('2026-11-28T01:30');
  });
  it('uses the zone the server injected with the page, Asia/Taipei when it did not', () => {
    vi.stubGlobal('window', { __CARELINE_LIFF__: { clinic: { timeZone: 'Asia/Tokyo' } } });
    expect(timeOf('2026-11-27T06:30:00.000Z')).toBe('15:30');
    vi.stubGlobal('window', {});
    expect(timeOf('2026-11-27T06:30:00.000Z')).toBe('14:30');
    vi.unstubAllGlobals();
  });
});

describe('dates', () => {
  it('shows clinic time (Asia/Taipei) and drops the time from the day label', () => {
    expect(timeOf('2026-11-27T06:30:00.000Z')).toBe('14:30');
    expect(dayOf('11月27日（五）14:30')).toBe('11月27日（五）');
    expect(dayOf('11月27日（五）')).toBe('11月27日（五）');
  });
});

describe('createApi', () => {
  afterEach(() => vi.unstubAllGlobals());
  const reply = (status: number, body: unknown) =>
    vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }));

  it('sends the ID token as a bearer token and JSON bodies', async () => {
    const f = reply(200, { sentTo: '0912-***-678', expiresInSeconds: 300, resendAfterSeconds: 60 });
    vi.stubGlobal('fetch', f);
    const api = createApi('1000000001', () => 'id-token', 'http://clinic.test');
    await expect(api.sendOtp('0912345678')).resolves.toMatchObject({ resendAfterSeconds: 60 });
    const [req] = f.mock.calls[0] as unknown as [Request];
    expect(req.method).toBe('POST');
    expect(req.url).toBe('http://clinic.test/liff/api/1000000001/otp');
    expect(req.headers.get('authorization')).toBe('Bearer id-token');
    expect(await req.json()).toEqual({ phone: '0912345678', consent: true });
  });

  it('turns error bodies into LiffApiError with the zh-TW message and numbers from details or extra', async () => {
    vi.stubGlobal(
      'fetch',
      reply(400, {
        error: {
          code: 'OTP_INVALID',
          message: '驗證碼不正確，還可以再試 3 次',
          details: [{ field: 'code', message: '驗證碼不正確', attemptsLeft: 3 }],
        },
      }),
    );
    const api = createApi('1000000001', () => 't', 'http://clinic.test');
    const err = (await api.verifyOtp('0912345678', '000000').catch((e: unknown) => e)) as LiffApiError;
    expect(err).toBeInstanceOf(LiffApiError);
    expect(err.code).toBe('OTP_INVALID');
    expect(err.message).toBe('驗證碼不正確，還可以再試 3 次');
    expect(err.num('attemptsLeft')).toBe(3);

    vi.stubGlobal(
      'fetch',
      reply(429, {
        error: { code: 'OTP_RESEND_TOO_SOON', message: '請稍候再重新傳送', details: [], retryAfterSeconds: 42 },
      }),
    );
    const e2 = (await api.sendOtp('0912345678').catch((e: unknown) => e)) as LiffApiError;
    expect(e2.num('retryAfterSeconds')).toBe(42);
  });

  it('explains a network failure in zh-TW', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    const err = (await createApi('1000000001', () => null, 'http://clinic.test')
      .me()
      .catch((e: unknown) => e)) as LiffApiError;
    expect(err.code).toBe('NETWORK_ERROR');
    expect(err.message).toContain('網路');
  });
});
