import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher.js';

describe('Batcher', () => {
  it('runs at once when quiet, and folds a burst into few fetches', async () => {
    const calls: number[][] = [];
    const batcher = new Batcher<number, string>(async (keys) => {
      calls.push(keys);
      await new Promise((r) => setTimeout(r, 5));
      return new Map(keys.filter((k) => k % 7 !== 0).map((k) => [k, `v${k}`]));
    }, 2);
    expect(await batcher.load(1)).toBe('v1');
    expect(calls).toEqual([[1]]);
    calls.length = 0;
    const values = await Promise.all(Array.from({ length: 100 }, (_, i) => batcher.load(i + 1)));
    expect(values[0]).toBe('v1');
    expect(values[6]).toBeUndefined();
    expect(calls.length).toBeLessThanOrEqual(4);
    expect(calls.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('rejects every lookup of a failed batch, and recovers', async () => {
    let fail = true;
    const batcher = new Batcher<number, number>(async (keys) => {
      if (fail) throw new Error('db down');
      return new Map(keys.map((k) => [k, k * 2]));
    }, 1);
    await expect(Promise.all([batcher.load(1), batcher.load(2)])).rejects.toThrow('db down');
    fail = false;
    expect(await batcher.load(3)).toBe(6);
  });
});
