import { describe, expect, it } from 'vitest';
import {
  countSmsSegments,
  createSmsProvider,
  maskPhone,
  parseEvery8dAnswer,
  parseMitakeAnswer,
  SmsError,
} from './sms.ts';

describe('SMS segments', () => {
  it('counts GSM-7 160/153 and UCS-2 70/67', () => {
    expect(countSmsSegments('a'.repeat(160))).toMatchObject({ encoding: 'GSM', segments: 1 });
    expect(countSmsSegments('a'.repeat(161))).toMatchObject({ encoding: 'GSM', segments: 2 });
    expect(countSmsSegments('a'.repeat(306))).toMatchObject({ segments: 2 });
    expect(countSmsSegments('a'.repeat(307))).toMatchObject({ segments: 3 });
    expect(countSmsSegments('{'.repeat(80))).toMatchObject({ encoding: 'GSM', units: 160, segments: 1 });
    expect(countSmsSegments('中'.repeat(70))).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(countSmsSegments('中'.repeat(71))).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(countSmsSegments('中'.repeat(134))).toMatchObject({ segments: 2 });
    expect(countSmsSegments('中'.repeat(135))).toMatchObject({ segments: 3 });
    expect(
      countSmsSegments('【晴光牙醫診所】您的綁定驗證碼為 123456，5 分鐘內有效。請勿將驗證碼告訴他人。'),
    ).toMatchObject({ encoding: 'UCS-2', segments: 1 });
  });

  it('masks phones', () => {
    expect(maskPhone('+886912345678')).toBe('0912-***-678');
  });
});

describe('Mitake', () => {
  it('parses the answer and sends the Mitake form with clientid', async () => {
    expect(parseMitakeAnswer('[1]\r\nmsgid=1234567890\r\nstatuscode=1\r\nAccountPoint=98\r\n')).toMatchObject({
      msgid: '1234567890',
      statuscode: '1',
      AccountPoint: '98',
    });
    let seen: URLSearchParams | null = null;
    let url = '';
    const fake = (async (u: string, init: RequestInit) => {
      url = u;
      seen = init.body as URLSearchParams;
      return new Response('[1]\r\nmsgid=77\r\nstatuscode=1\r\nAccountPoint=9\r\n');
    }) as unknown as typeof fetch;
    const p = createSmsProvider(
      { provider: 'mitake', baseUrl: 'https://sms.example', username: 'u', password: 'p' },
      fake,
    );
    const r = await p.send({ to: '+886912345678', text: '中'.repeat(71), idempotencyKey: 'key-1' });
    expect(r).toEqual({ providerMessageId: '77', segments: 2, cost: 2, duplicate: false });
    expect(url).toBe('https://sms.example/api/mtk/SmSend?CharsetURL=UTF8');
    expect(Object.fromEntries(seen!)).toMatchObject({
      username: 'u',
      password: 'p',
      dstaddr: '0912345678',
      clientid: 'key-1',
    });
  });

  it('maps letters to permanent or transient errors', async () => {
    const answer = (body: string) =>
      createSmsProvider(
        { provider: 'mitake', baseUrl: 'x', username: 'u', password: 'p' },
        (async () => new Response(body)) as unknown as typeof fetch,
      );
    const e = await answer('[1]\r\nstatuscode=e\r\nError=帳號、密碼錯誤\r\n')
      .send({ to: '+886912345678', text: 'x', idempotencyKey: 'k' })
      .catch((x) => x);
    expect(e).toBeInstanceOf(SmsError);
    expect([e.permanent, e.message]).toEqual([true, '帳號、密碼錯誤']);
    const t = await answer('[1]\r\nstatuscode=*\r\n')
      .send({ to: '+886912345678', text: 'x', idempotencyKey: 'k' })
      .catch((x) => x);
    expect(t.permanent).toBe(false);
  });
});

describe('Every8d (from the public document; untested against a real server)', () => {
  it('parses CREDIT,SENDED,COST,UNSEND,BATCH_ID and -code,message', () => {
    expect(parseEvery8dAnswer('79.00,1,1.00,0,8a2b1c3d-1111', 1)).toEqual({
      providerMessageId: '8a2b1c3d-1111',
      segments: 1,
      cost: 1,
      duplicate: false,
    });
    expect(() => parseEvery8dAnswer('-27,帳號或密碼錯誤', 1)).toThrow(/帳號或密碼錯誤/);
  });
});
