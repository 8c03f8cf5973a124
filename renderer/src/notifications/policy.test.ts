import { describe, expect, it } from 'vitest';
import { shouldNotify, type NotifyContext } from './policy.js';

const ctx: NotifyContext = { selfId: 1, roomMuted: false, doNotDisturb: false, activeRoomId: null, windowFocused: true };
const msg = { roomId: 10, senderId: 2, kind: 'text' };

describe('shouldNotify', () => {
  it('notifies a message from someone else in another room', () => {
    expect(shouldNotify(msg, ctx)).toBe(true);
  });
  it('never for your own message', () => {
    expect(shouldNotify({ ...msg, senderId: 1 }, ctx)).toBe(false);
  });
  it('never in a muted room', () => {
    expect(shouldNotify(msg, { ...ctx, roomMuted: true })).toBe(false);
  });
  it('never with Do Not Disturb on', () => {
    expect(shouldNotify(msg, { ...ctx, doNotDisturb: true })).toBe(false);
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
