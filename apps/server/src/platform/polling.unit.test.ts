// The polling loop shared by the job workers and the reminder dispatcher: again at once while a
// poll finds work, `pollMs` apart when idle, at once when woken (also right after a poll that
// was under way), failures logged with a growing wait, stop() waits for the poll under way.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pollingLoop } from './jobs.ts';

const silent = { info() {}, warn() {}, error: vi.fn() };
afterEach(() => {
  vi.useRealTimers();
  silent.error.mockReset();
});

describe('pollingLoop', () => {
  it('polls again at once while it finds work, then waits pollMs while idle', async () => {
    vi.useFakeTimers();
    const found = [3, 2, 0, 0];
    const polls: number[] = [];
    const loop = pollingLoop({
      name: 'test',
      pollMs: 1000,
      log: silent,
      poll: async () => (polls.push(Date.now()), found.shift() ?? 0),
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(polls).toHaveLength(3); // 3, 2, then an idle poll
    await vi.advanceTimersByTimeAsync(980);
    expect(polls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(20);
    expect(polls).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1000);
    expect(polls).toHaveLength(5);
    await loop.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(polls).toHaveLength(5);
  });

  it('wake() polls now; a wake during a poll polls again right after it', async () => {
    vi.useFakeTimers();
    let release: () => void = () => {};
    let polls = 0;
    const loop = pollingLoop({
      name: 'test',
      pollMs: 60_000,
      log: silent,
      poll: () =>
        new Promise<number>((resolve) => {
          polls++;
          release = () => resolve(0);
        }),
    });
    await vi.advanceTimersByTimeAsync(1);
    expect(polls).toBe(1);
    loop.wake(); // during the first poll
    release();
    await vi.advanceTimersByTimeAsync(1);
    expect(polls).toBe(2);
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(polls).toBe(2); // idle: waits a minute
    loop.wake();
    await vi.advanceTimersByTimeAsync(1);
    expect(polls).toBe(3);
    release();
    await loop.stop();
  });

  it('logs a failing poll and waits longer after each failure in a row, back to pollMs after a success', async () => {
    vi.useFakeTimers();
    const outcomes: (number | Error)[] = [new Error('db down'), new Error('db down'), new Error('db down'), 0];
    const at: number[] = [];
    const t0 = Date.now();
    const loop = pollingLoop({
      name: 'test',
      pollMs: 100,
      log: silent,
      poll: async () => {
        at.push(Date.now() - t0);
        const o = outcomes.shift() ?? 0;
        if (o instanceof Error) throw o;
        return o;
      },
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(at.slice(0, 5)).toEqual([0, 100, 300, 700, 800]);
    expect(silent.error).toHaveBeenCalledTimes(3);
    expect(silent.error.mock.calls[2][1]).toBe('test poll failed');
    await loop.stop();
  });

  it('stop() waits for the poll under way; autoStart false polls only through runOnce', async () => {
    let finished = false;
    const loop = pollingLoop({
      name: 'test',
      pollMs: 10,
      log: silent,
      poll: async () => {
        await new Promise((r) => setTimeout(r, 30));
        finished = true;
        return 0;
      },
    });
    await new Promise((r) => setTimeout(r, 5));
    await loop.stop();
    expect(finished).toBe(true);

    let polls = 0;
    const manual = pollingLoop({ name: 'test', pollMs: 1, log: silent, autoStart: false, poll: async () => ++polls });
    await new Promise((r) => setTimeout(r, 20));
    expect(polls).toBe(0);
    expect(await manual.runOnce()).toBe(1);
    await manual.stop();
  });
});
