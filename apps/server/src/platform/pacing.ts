// Pacing of requests to a rate-limited API (LINE allows 2,000 pushes per second per channel):
// a token bucket that hands out send slots, a sliding window that caps any second after a
// stall, and a back-off when the API answers 429 anyway. One pacer per key (a LINE channel)
// and rate, shared by every sender of the process.
//
// With several processes sending on one channel, give each `rate = limit × 0.98 / processes`:
// pacing is per process, and an overshoot costs a 429 and a retry, never a duplicate (the
// senders retry with the same retry key).

/**
 * GCRA token bucket. Each take() is given the next slot (theoretical arrival time, `tat`,
 * advanced by 1/rate); a slot within the burst tolerance goes at once, later ones wait in a FIFO
 * queue (slots only grow, so it is sorted) released by one timer armed for the queue's head: one
 * timer per tick of the event loop instead of one per request, every slot whose time has come
 * going out together. Nothing is released before its slot.
 *
 * Slots are given when asked for, so requests whose slots passed while the event loop was
 * blocked (a garbage collection, a database commit) go out right after it: that makes up the
 * lost time, but in a burst that could push a second over the API's limit. A sliding window
 * caps it: no more than `windowLimit` requests leave in any 1,000 ms (the send times of the last
 * `windowLimit` requests are kept in a ring).
 */
export class TokenBucket {
  private tat = 0;
  private readonly interval: number;
  private readonly tolerance: number;
  private readonly queue: { at: number; resolve: () => void }[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  private readonly sent: Float64Array;
  private si = 0;
  private strikes = 0;
  private pausedUntil = 0;
  constructor(ratePerSecond: number, burst: number, windowLimit = Number.POSITIVE_INFINITY) {
    this.interval = 1000 / ratePerSecond;
    this.tolerance = Math.max(0, burst - 1) * this.interval;
    this.sent = new Float64Array(Number.isFinite(windowLimit) ? Math.max(1, Math.floor(windowLimit)) : 0).fill(
      Number.NEGATIVE_INFINITY,
    );
  }
  /** Waits until one more request may go out (undefined: it may go now, no promise to await). */
  take(): Promise<void> | undefined {
    const now = performance.now();
    const start = Math.max(this.tat, now);
    this.tat = start + this.interval;
    const at = start - this.tolerance;
    if (at <= now && this.head === this.queue.length && this.windowFree(now)) {
      this.mark(now);
      return undefined;
    }
    return new Promise<void>((resolve) => {
      this.queue.push({ at, resolve });
      this.arm(now);
    });
  }
  /** Holds back every request that has not got its slot yet for `ms`. */
  pause(ms: number): void {
    this.tat = Math.max(this.tat, performance.now() + ms);
  }
  /**
   * The API answered 429 (rate): hold back 100 ms, doubling up to 1 s while 429s keep coming
   * after each pause. A lone 429 after a burst costs a tenth of a second, not a whole one;
   * 429s from requests already in flight during a pause do not lengthen it.
   */
  rateLimited(): void {
    const now = performance.now();
    if (now < this.pausedUntil) return;
    const ms = Math.min(1000, 100 * 2 ** this.strikes);
    this.strikes = Math.min(this.strikes + 1, 4);
    this.pausedUntil = now + ms;
    this.pause(ms);
  }
  /** A request went through: the next 429 starts again at the shortest pause. */
  accepted(): void {
    this.strikes = 0;
  }
  /** When the window allows the next request: the send `windowLimit` requests ago plus a second. */
  private windowOpensAt(): number {
    return this.sent.length ? this.sent[this.si] + 1000 : Number.NEGATIVE_INFINITY;
  }
  private windowFree(now: number): boolean {
    return this.windowOpensAt() <= now;
  }
  private mark(now: number): void {
    if (!this.sent.length) return;
    this.sent[this.si] = now;
    this.si = (this.si + 1) % this.sent.length;
  }
  private arm(now: number): void {
    if (this.head >= this.queue.length) return;
    const at = Math.max(this.queue[this.head].at, this.windowOpensAt());
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.release(), Math.max(0, at - now));
  }
  private release(): void {
    this.timer = null;
    const now = performance.now();
    const q = this.queue;
    while (this.head < q.length && q[this.head].at <= now && this.windowFree(now)) {
      this.mark(now);
      q[this.head++].resolve();
    }
    if (this.head === q.length) {
      q.length = 0;
      this.head = 0;
    } else if (this.head > 1024) {
      q.splice(0, this.head);
      this.head = 0;
    }
    this.arm(now);
  }
}

/** What a sender needs of the pacing of one key. */
export type Pacer = Pick<TokenBucket, 'take' | 'rateLimited' | 'accepted'>;

const pacers = new Map<string, TokenBucket>();

/**
 * The pacer of `key` (a LINE channel id) at `ratePerSecond`, shared by every sender of this
 * process. A burst of 0.5 % of the rate: at 1,960/s the slots of any second number at most
 * 1,970. The window caps any second's sends at the rate + 0.25 % (1,964 of LINE's 2,000) after
 * a stall; the rest absorbs jitter between our clock and the API's (requests held up on either
 * side arrive bunched: measured up to ~40 over a second at the LINE emulator).
 */
export function pacerFor(key: string, ratePerSecond: number): Pacer {
  const k = `${key}:${ratePerSecond}`;
  let p = pacers.get(k);
  if (!p) {
    p = new TokenBucket(
      ratePerSecond,
      Math.max(1, Math.floor(ratePerSecond * 0.005)),
      ratePerSecond + Math.max(1, Math.floor(ratePerSecond * 0.0025)),
    );
    pacers.set(k, p);
  }
  return p;
}
