import { describe, expect, it } from 'vitest';
import { continuesRun, startsDay } from './grouping.js';

const at = (h: number, m: number, day = 10) => new Date(2026, 2, day, h, m).toISOString();
const row = (senderId: number, createdAt: string, kind = 'text') => ({ sender: { id: senderId }, createdAt, kind });

describe('grouping', () => {
  it('starts a day on the first row and when the local day changes', () => {
    expect(startsDay(undefined, row(1, at(9, 0)))).toBe(true);
    expect(startsDay(row(1, at(9, 0)), row(1, at(23, 59)))).toBe(false);
    expect(startsDay(row(1, at(23, 59)), row(1, at(0, 1, 11)))).toBe(true);
  });

  it('groups the same sender within five minutes, not after a system row or another sender', () => {
    expect(continuesRun(row(1, at(9, 0)), 1, row(1, at(9, 4)))).toBe(true);
    expect(continuesRun(row(1, at(9, 0)), 1, row(1, at(9, 5)))).toBe(false);
    expect(continuesRun(row(2, at(9, 0)), 1, row(1, at(9, 1)))).toBe(false);
    expect(continuesRun(row(1, at(9, 0), 'system'), 1, row(1, at(9, 1)))).toBe(false);
    expect(continuesRun(undefined, 1, row(1, at(9, 1)))).toBe(false);
  });
});
