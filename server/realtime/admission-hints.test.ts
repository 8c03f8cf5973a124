// The retry hints of admission control (admission.ts), on the real class with a fake clock: refused clients are given
// turns one after another at the rate set-ups finish, instead of one hint for all (which sent everyone back at once).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Admission, type Admitted } from './admission.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

const hintOf = async (a: Admission) => {
  const r = await a.enter();
  if (r.ok) throw new Error('admitted');
  return r.retryAfterMs;
};
const admitted = async (a: Admission) => {
  const r: Admitted = await a.enter();
  if (!r.ok) throw new Error('refused');
  return r.release;
};

describe('retry hints of refused set-ups', () => {
  it('before any set-up has finished: turns one second per limit apart, after what runs now', async () => {
    const a = new Admission({ limit: 4, queue: 0, waitMs: 1000 });
    for (let i = 0; i < 4; i++) await admitted(a);
    // 4 running at an assumed 4/s: the first refused comes back in 1 s, each next one a quarter second later.
    const hints = [];
    for (let i = 0; i < 6; i++) hints.push(await hintOf(a));
    expect(hints).toEqual([1000, 1250, 1500, 1750, 2000, 2250]);
  });

  it('turns follow the rate set-ups finish at, and turns that came due are no longer counted', async () => {
    const a = new Admission({ limit: 10, queue: 0, waitMs: 1000 });
    const running = [await admitted(a)];
    // The node is 1 s old when 40 set-ups finish over its next second: 40 in the 2 s window, 20/s, a turn of 50 ms.
    vi.advanceTimersByTime(1000);
    for (let i = 0; i < 40; i++) {
      const release = await admitted(a);
      vi.advanceTimersByTime(25);
      release();
    }
    for (let i = 0; i < 9; i++) running.push(await admitted(a));
    // 10 running at 20/s: 500 ms; then 50 ms a turn.
    expect([await hintOf(a), await hintOf(a), await hintOf(a)]).toEqual([500, 550, 600]);
    // 150 ms on, the three turns have come due: the next refused is back to just what runs now.
    vi.advanceTimersByTime(150);
    expect(await hintOf(a)).toBe(500);
    for (const release of running) release();
  });

  it('a burst of refusals is spread over time, not told to come back together; never past 30 s', async () => {
    const a = new Admission({ limit: 2, queue: 0, waitMs: 1000 });
    await admitted(a);
    await admitted(a);
    const hints = [];
    for (let i = 0; i < 200; i++) hints.push(await hintOf(a));
    expect(new Set(hints).size).toBeGreaterThan(50);
    expect(Math.max(...hints)).toBe(30_000);
    expect(hints.every((h, i) => i === 0 || h >= hints[i - 1]!)).toBe(true);
  });
});
