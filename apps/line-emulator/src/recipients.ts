// Who received what: a summary of a channel's log per recipient, so that a test or a benchmark
// can count how many copies of a send reached each user (GET /_emulator/channels/{id}/recipients).
// One accepted request that reaches a user is one copy, however many message objects it holds.
import type { SentRecord } from './store.ts';

export type RecipientsFilter = {
  /** push | multicast | narrowcast | broadcast | reply | pnp; all bot messages when absent */
  via?: string;
  /** only records after this log sequence number */
  after?: number;
  /** only messages whose text or altText contains this */
  text?: string;
};

export type RecipientsSummary = {
  /** accepted requests with at least one matching message */
  requests: number;
  /** distinct retry keys among them (requests without one are not counted) */
  retryKeys: number;
  /** distinct users reached */
  users: number;
  /** copies delivered: (request, user) pairs */
  copies: number;
  /** message objects delivered (copies × messages per request) */
  messages: number;
  /** how many users got n copies: {"1": 49990, "2": 10} */
  copiesPerUser: Record<string, number>;
  /** users with more than one copy (the first 100), with the requests that reached them */
  duplicated: { userId: string; copies: number; requestIds: string[] }[];
  firstAt: string | null;
  lastAt: string | null;
  /** copies per second of the log's clock, from the second of firstAt to the second of lastAt */
  perSecond: number[];
  /** the sequence number of the newest record looked at (pass it as `after` to see only what follows) */
  lastSeq: number;
  /** per user, the number of copies (only when asked for) */
  perUser?: Record<string, number>;
};

const textOf = (m: Record<string, unknown>): string =>
  (typeof m.text === 'string' ? m.text : '') + '\u0000' + (typeof m.altText === 'string' ? m.altText : '');

export function summarizeRecipients(
  log: readonly SentRecord[],
  filter: RecipientsFilter,
  withUsers = false,
): RecipientsSummary {
  const perUser = new Map<string, Set<string>>();
  const requests = new Set<string>();
  const retryKeys = new Set<string>();
  let messages = 0;
  let first: string | null = null;
  let last: string | null = null;
  let lastSeq = filter.after ?? 0;
  const seconds = new Map<number, number>();
  // The log is in sequence order: skip what precedes `after` by binary search.
  let lo = 0;
  if (filter.after !== undefined) {
    let hi = log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (log[mid].seq <= filter.after) lo = mid + 1;
      else hi = mid;
    }
  }
  for (let i = lo; i < log.length; i++) {
    const r = log[i];
    lastSeq = r.seq;
    if (r.direction !== 'bot') continue;
    if (filter.via !== undefined && r.via !== filter.via) continue;
    if (filter.text !== undefined && !textOf(r.message).includes(filter.text)) continue;
    messages++;
    const req = r.requestId ?? `seq:${r.seq}`;
    requests.add(req);
    if (r.retryKey) retryKeys.add(r.retryKey);
    let reqs = perUser.get(r.userId);
    if (!reqs) {
      reqs = new Set();
      perUser.set(r.userId, reqs);
    }
    if (!reqs.has(req)) {
      reqs.add(req);
      const sec = Math.floor(Date.parse(r.at) / 1000);
      seconds.set(sec, (seconds.get(sec) ?? 0) + 1);
    }
    first ??= r.at;
    last = r.at;
  }
  const copiesPerUser: Record<string, number> = {};
  const duplicated: RecipientsSummary['duplicated'] = [];
  let copies = 0;
  for (const [userId, reqs] of perUser) {
    copies += reqs.size;
    copiesPerUser[reqs.size] = (copiesPerUser[reqs.size] ?? 0) + 1;
    if (reqs.size > 1 && duplicated.length < 100) duplicated.push({ userId, copies: reqs.size, requestIds: [...reqs] });
  }
  const perSecond: number[] = [];
  if (first !== null && last !== null) {
    const s0 = Math.floor(Date.parse(first) / 1000);
    const s1 = Math.floor(Date.parse(last) / 1000);
    for (let s = s0; s <= s1; s++) perSecond.push(seconds.get(s) ?? 0);
  }
  const out: RecipientsSummary = {
    requests: requests.size,
    retryKeys: retryKeys.size,
    users: perUser.size,
    copies,
    messages,
    copiesPerUser,
    duplicated,
    firstAt: first,
    lastAt: last,
    perSecond,
    lastSeq,
  };
  if (withUsers) out.perUser = Object.fromEntries([...perUser].map(([u, reqs]) => [u, reqs.size]));
  return out;
}
