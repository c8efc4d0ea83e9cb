// What a failed LINE push means for a reminder, decided in one place (the dispatcher acts on
// the verdict; broadcasts can share it):
//   409            LINE already accepted this retry key (an earlier attempt whose answer was
//                  lost): the message went out, so it counts as sent, with LINE's request id;
//   429 "monthly"  the channel's monthly message quota is used up: LINE will not deliver it
//                  this month, so it is undeliverable (SMS fallback where allowed);
//   429            the rate limit: pause the channel's pacer and retry soon;
//   400 "Failed to send messages"  the user is not a friend or blocked the account:
//                  undeliverable on LINE;
//   5xx, no answer LINE's side or the network: retry later with back-off;
//   other 4xx      the request itself is wrong (a bad token, a bad message): retrying cannot
//                  help, it fails with LINE's words.
import { HTTPFetchError } from '../../platform/line.ts';

export type PushVerdict =
  | { kind: 'accepted'; requestId: string | null }
  | { kind: 'rate_limited' }
  | { kind: 'undeliverable'; error: string }
  | { kind: 'transient'; error: string }
  | { kind: 'rejected'; error: string };

export function pushVerdict(err: unknown): PushVerdict {
  if (!(err instanceof HTTPFetchError))
    return { kind: 'transient', error: `無法連線到 LINE：${err instanceof Error ? err.message : String(err)}` };
  if (err.status === 409) return { kind: 'accepted', requestId: err.headers.get('x-line-accepted-request-id') };
  if (err.status === 429) {
    if (/monthly limit/i.test(err.body)) return { kind: 'undeliverable', error: '已達 LINE 本月訊息額度上限' };
    return { kind: 'rate_limited' };
  }
  if (err.status >= 500) return { kind: 'transient', error: `LINE ${err.status}` };
  if (err.status === 400 && /Failed to send messages/i.test(err.body))
    return { kind: 'undeliverable', error: '病患不是好友或已封鎖（LINE 拒絕傳送）' };
  return { kind: 'rejected', error: `LINE ${err.status}：${err.body.slice(0, 300)}` };
}
