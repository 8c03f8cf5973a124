import { describe, expect, it } from 'vitest';
import { RowOffsets } from './row-offsets.js';

/** The plain definition the tree must agree with: a prefix-sum array over the rows. */
function prefixOf(known: Map<number, number>, first: number, count: number, estimate: number): number[] {
  const p = [0];
  for (let i = 0; i < count; i += 1) p.push(p[i]! + (known.get(first + i) ?? estimate));
  return p;
}

function upperBound(prefix: number[], y: number): number {
  const i = prefix.findIndex((v) => v > y);
  return i === -1 ? prefix.length - 1 : i;
}

describe('RowOffsets', () => {
  it('agrees with a prefix-sum array through measurements, prepends and appends', () => {
    const known = new Map<number, number>();
    const offsets = new RowOffsets(known);
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let first = 5000;
    let count = 37;
    for (let step = 0; step < 400; step += 1) {
      const action = random(10);
      if (action === 0) {
        first -= 50; // an older page
        count += 50;
      } else if (action === 1)
        count += 1; // a new message
      else {
        const index = first + random(count);
        const h = random(3) === 0 ? 44 : 20 + random(200);
        const assumed = known.get(index) ?? 44;
        offsets.sync(first, count, 44);
        expect(offsets.measured(index, h)).toBe(assumed !== h);
      }
      offsets.sync(first, count, 44);
      const prefix = prefixOf(known, first, count, 44);
      expect(offsets.total).toBe(prefix[count]);
      for (let k = 0; k < 20; k += 1) {
        const p = random(count + 1);
        expect(offsets.before(p)).toBe(prefix[p]);
        const y = random(prefix[count]! + 100) - 50;
        expect(offsets.upperBound(y)).toBe(upperBound(prefix, y));
      }
      // Exactly on a row's top: that row starts there, so the first offset past y is the next one's.
      const p = random(count);
      expect(offsets.upperBound(prefix[p]!)).toBe(upperBound(prefix, prefix[p]!));
    }
  });

  it('counts a new row as changed only when its height is not the estimate', () => {
    const offsets = new RowOffsets(new Map());
    offsets.sync(1, 3, 44);
    expect(offsets.measured(1, 44)).toBe(false);
    expect(offsets.measured(2, 60)).toBe(true);
    expect(offsets.measured(2, 60)).toBe(false);
    expect(offsets.total).toBe(44 + 60 + 44);
    expect(offsets.before(2)).toBe(104);
  });

  it('handles an empty list and zero-height rows', () => {
    const offsets = new RowOffsets(new Map());
    offsets.sync(1, 0, 44);
    expect(offsets.total).toBe(0);
    expect(offsets.upperBound(10)).toBe(0);
    offsets.sync(1, 4, 0);
    expect(offsets.upperBound(0)).toBe(4);
    offsets.measured(3, 10);
    expect(offsets.upperBound(0)).toBe(3);
    expect(offsets.upperBound(9)).toBe(3);
    expect(offsets.upperBound(10)).toBe(4);
  });
});
