import { describe, expect, it } from 'vitest';
import { shouldNotify, type NotifyContext } from './policy.js';

const ctx: NotifyContext = { selfId: 1, level: 'all', isDirect: false, doNotDisturb: false, activeRoomId: null, windowFocused: true };
const msg = { roomId: 10, senderId: 2, kind: 'text', mentions: [] as number[] };

describe('shouldNotify', () => {
  it('notifies a message from someone else in another room', () => {
    expect(shouldNotify(msg, ctx)).toBe(true);
  });
  it('never for your own message', () => {
    expect(shouldNotify({ ...msg, senderId: 1 }, ctx)).toBe(false);
  });
  it('never in a room set to none (muted), not even for a mention', () => {
    expect(shouldNotify(msg, { ...ctx, level: 'none' })).toBe(false);
    expect(shouldNotify({ ...msg, mentions: [1] }, { ...ctx, level: 'none' })).toBe(false);
  });
  it('in a room set to mentions: only a message that mentions you', () => {
    expect(shouldNotify(msg, { ...ctx, level: 'mentions' })).toBe(false);
    expect(shouldNotify({ ...msg, mentions: [3] }, { ...ctx, level: 'mentions' })).toBe(false);
    expect(shouldNotify({ ...msg, mentions: [3, 1] }, { ...ctx, level: 'mentions' })).toBe(true);
  });
  it('in a direct room set to mentions: every message (it is addressed to you)', () => {
    expect(shouldNotify(msg, { ...ctx, level: 'mentions', isDirect: true })).toBe(true);
  });
  it('never with Do Not Disturb on, mentions included', () => {
    expect(shouldNotify(msg, { ...ctx, doNotDisturb: true })).toBe(false);
    expect(shouldNotify({ ...msg, mentions: [1] }, { ...ctx, doNotDisturb: true })).toBe(false);
  });
  it('not for the open room in a focused window', () => {
    expect(shouldNotify(msg, { ...ctx, activeRoomId: 10, windowFocused: true })).toBe(false);
  });
  it('yes for the open room when the window is not focused', () => {
    expect(shouldNotify(msg, { ...ctx, activeRoomId: 10, windowFocused: false })).toBe(true);
  });
  it('yes for another room while a room is open and focused', () => {
    expect(shouldNotify(msg, { ...ctx, activeRoomId: 11, windowFocused: true })).toBe(true);
  });
  it('not for system messages', () => {
    expect(shouldNotify({ ...msg, kind: 'system' }, ctx)).toBe(false);
  });
});
