import { describe, expect, it } from 'vitest';
import { receiptLines } from './receipts.js';

const ME = 1;
const msg = (seq: number, sender: number, extra: { kind?: string; deletedAt?: string | null } = {}) => ({
  seq,
  kind: extra.kind ?? 'text',
  sender: { id: sender },
  deletedAt: extra.deletedAt ?? null,
});
const lines = (...args: Parameters<typeof receiptLines>) => Object.fromEntries(receiptLines(...args));

describe('receipt lines', () => {
  // 1 system, 2 mine, 3 Bob's, 4 mine, 5 mine, 6 Carol's
  const items = [msg(1, ME, { kind: 'system' }), msg(2, ME), msg(3, 2), msg(4, ME), msg(5, ME), msg(6, 3)];

  it('puts a line under my newest message each reader has read, naming everyone who read that far', () => {
    // Bob read up to 4 (stops at my 4), Carol up to 6 (stops at my 5), Dan up to 3 (stops at my 2).
    expect(lines(items, { 2: 4, 3: 6, 4: 3 }, ME)).toEqual({ 5: [3], 4: [3, 2], 2: [3, 2, 4] });
  });

  it('counts nobody twice and leaves me out; no line where the readers do not change', () => {
    expect(lines(items, { 1: 6, 2: 6, 3: 6 }, ME)).toEqual({ 5: [2, 3] });
    expect(lines(items, { 2: 1 }, ME)).toEqual({});
    expect(lines(items, {}, ME)).toEqual({});
  });

  it('moves with the markers: a later read carries the reader down to the newer message', () => {
    expect(lines(items, { 2: 2 }, ME)).toEqual({ 2: [2] });
    expect(lines(items, { 2: 2, 3: 2 }, ME)).toEqual({ 2: [2, 3] });
    expect(lines(items, { 2: 5, 3: 2 }, ME)).toEqual({ 5: [2], 2: [2, 3] });
  });

  it('skips recalled and system messages and messages of others', () => {
    const withRecall = [msg(2, ME), msg(3, ME, { deletedAt: '2026-01-01T00:00:00Z' }), msg(4, 2)];
    expect(lines(withRecall, { 2: 4 }, ME)).toEqual({ 2: [2] });
    expect(lines([msg(1, 2), msg(2, 3)], { 2: 2, 3: 2 }, ME)).toEqual({});
  });
});
