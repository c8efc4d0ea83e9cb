// Each failed LINE push gets one verdict: what the dispatcher then does with the reminder.
import { describe, expect, it } from 'vitest';
import { HTTPFetchError } from '../../platform/line.ts';
import { pushVerdict } from './line-errors.ts';

const fail = (status: number, body = '', headers: Record<string, string> = {}) =>
  new HTTPFetchError(`${status}`, { status, statusText: '', headers: new Headers(headers), body });

describe('pushVerdict', () => {
  it('409: accepted before under this retry key, with LINE’s request id', () => {
    expect(pushVerdict(fail(409, '{}', { 'x-line-accepted-request-id': 'req-1' }))).toEqual({
      kind: 'accepted',
      requestId: 'req-1',
    });
  });
  it('429: the monthly quota is undeliverable, the rate limit is retried', () => {
    expect(pushVerdict(fail(429, '{"message":"You have reached your monthly limit."}'))).toMatchObject({
      kind: 'undeliverable',
    });
    expect(pushVerdict(fail(429, '{"message":"The API rate limit has been exceeded."}'))).toEqual({
      kind: 'rate_limited',
    });
  });
  it('400 "Failed to send messages" (not a friend, blocked) is undeliverable; another 4xx is rejected', () => {
    expect(pushVerdict(fail(400, '{"message":"Failed to send messages"}'))).toMatchObject({ kind: 'undeliverable' });
    expect(pushVerdict(fail(401, '{"message":"Authentication failed"}'))).toEqual({
      kind: 'rejected',
      error: 'LINE 401：{"message":"Authentication failed"}',
    });
  });
  it('5xx and network failures are transient', () => {
    expect(pushVerdict(fail(503))).toEqual({ kind: 'transient', error: 'LINE 503' });
    expect(pushVerdict(new Error('socket hang up'))).toEqual({
      kind: 'transient',
      error: '無法連線到 LINE：socket hang up',
    });
  });
});
