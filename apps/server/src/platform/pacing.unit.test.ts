// The token bucket (GCRA): the burst goes at once, then one request per 1/rate, nothing before
// its slot (so no window holds more than rate × window + burst slots), in FIFO order, with far
// fewer timers than requests (waiters whose slot has come go out together).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pacerFor, TokenBucket } from './pacing.ts';

/** Fake timers and a fake performance.now() that moves with them (restored after each test). */
function fakeClock() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.spyOn(performance, 'now').mockImplementation(() => Date.now());
}

/** On the fake clock: how long the bucket holds the next request back. */
async function heldFor(b: TokenBucket): Promise<number> {
  const t = performance.now();
  let end = Number.NaN;
  const taken = Promise.resolve(b.take()).then(() => {
    end = performance.now();
  });
  await vi.advanceTimersByTimeAsync(2000);
  await taken;
  return end - t;
}

afterEach(() => {
  vi.restoreAllMocks(); // first: a spy set on a fake timer function would otherwise put the fake back
  vi.useRealTimers();
});

async function run(bucket: TokenBucket, n: number, lanes: number): Promise<{ at: number[]; order: number[] }> {
  const at: number[] = [];
  const order: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < n) {
        const i = next++;
        await bucket.take();
        at.push(performance.now() - t0);
        order.push(i);
      }
    }),
  );
  return { at, order };
}

describe('TokenBucket', () => {
  it('releases the burst at once, then paces at the rate, nothing before its slot, with few timers', async () => {
    const rate = 4000;
    const burst = 40;
    fakeClock();
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const done = run(new TokenBucket(rate, burst), 1000, 64);
    await vi.advanceTimersByTimeAsync(1500);
    const { at, order } = await done;
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // 1,000 requests: 39 in the burst, 961 more at 0.25 ms each ≈ 240 ms.
    const total = at[at.length - 1];
    expect(total).toBeGreaterThanOrEqual(((1000 - burst) / rate) * 1000 - 1);
    expect(total).toBeLessThan(1500);
    // Nothing goes before its slot: the i-th request (0-based) not before (i − burst + 1) / rate
    // (all 64 lanes asked at t ≈ 0), so no window of w ms holds more than rate × w + burst.
    const interval = 1000 / rate;
    at.forEach((t, i) => expect(t).toBeGreaterThanOrEqual((i - burst + 1) * interval - 0.5));
    // One timer per release tick (a tick is at least 1 ms: 4 slots or more), not one per request.
    expect(timers.mock.calls.length).toBeLessThan(400);
  });

  it('the sliding window caps the requests of any second, also when slots pile up', async () => {
    // On a fake clock: what is measured is when the bucket lets each request go, not when a
    // busy machine got round to resuming the waiting caller.
    fakeClock();
    // Slots at 10,000/s would let all 70 go within 7 ms; the window lets 30 go per second.
    const done = run(new TokenBucket(10_000, 10, 30), 70, 64);
    await vi.advanceTimersByTimeAsync(3000);
    const { at } = await done;
    expect(at[29]).toBeLessThan(500);
    expect(at[30]).toBeGreaterThanOrEqual(999);
    expect(at[60]).toBeGreaterThanOrEqual(1999);
    for (let i = 30; i < at.length; i++) expect(at[i] - at[i - 30]).toBeGreaterThanOrEqual(999);
  });

  it('a 429 holds back 100 ms, doubling while 429s keep coming, back to 100 ms after a success', async () => {
    fakeClock();
    const b = new TokenBucket(1000, 1);
    const held = () => heldFor(b);
    await b.take();
    b.rateLimited();
    b.rateLimited(); // in flight during the pause: no longer
    expect(await held()).toBeGreaterThanOrEqual(95);
    expect(await held()).toBeLessThan(50);
    b.rateLimited();
    expect(await held()).toBeGreaterThanOrEqual(195);
    b.accepted();
    b.rateLimited();
    const t = await held();
    expect(t).toBeGreaterThanOrEqual(95);
    expect(t).toBeLessThan(190);
  });

  it('pause() holds back what has not got a slot yet', async () => {
    fakeClock();
    const b = new TokenBucket(1000, 1);
    await b.take();
    b.pause(100);
    expect(await heldFor(b)).toBe(100);
  });
});

describe('pacerFor', () => {
  it('one pacer per key and rate, shared by every caller of the process', () => {
    expect(pacerFor('channel-a', 1960)).toBe(pacerFor('channel-a', 1960));
    expect(pacerFor('channel-a', 1960)).not.toBe(pacerFor('channel-b', 1960));
    expect(pacerFor('channel-a', 1960)).not.toBe(pacerFor('channel-a', 980));
  });
});
