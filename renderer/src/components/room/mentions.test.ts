import { describe, expect, it } from 'vitest';
import type { Member } from '../../../../protocol/types.js';
import { applyMention, mentionQuery, suggestMentions } from './mentions.js';

const member = (id: number, username: string, displayName: string, online: boolean): Member => ({
  user: { id, username, displayName, avatarUrl: null, online, lastSeenAt: null },
  role: 'member',
  joinedAt: '2026-01-01T00:00:00.000Z',
  lastReadSeq: 0,
});
const members = [
  member(1, 'me', 'Me', true),
  member(2, 'annie', 'Ann', false),
  member(3, 'anton', 'Anton', true),
  member(4, 'bob', 'Bob', true),
];
const opts = { selfId: 1, role: 'member' as const, group: true, online: (_id: number, fallback: boolean) => fallback };

describe('mentions', () => {
  it('finds the @word being typed at the caret, not an address', () => {
    expect(mentionQuery('hi @an', 6)).toEqual({ start: 3, query: 'an' });
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQuery('mail a@an', 9)).toBeNull();
    expect(mentionQuery('hi @an there', 12)).toBeNull();
  });

  it('suggests members only, online first, never me', () => {
    const names = suggestMentions('an', members, opts).map((s) => (s.kind === 'user' ? s.username : '@room'));
    expect(names).toEqual(['anton', 'annie']);
    expect(suggestMentions('', members, opts).map((s) => (s.kind === 'user' ? s.username : 'room'))).not.toContain('me');
  });

  it('offers @room to owners and admins of a group only', () => {
    expect(suggestMentions('ro', members, opts).some((s) => s.kind === 'room')).toBe(false);
    expect(suggestMentions('ro', members, { ...opts, role: 'admin' }).some((s) => s.kind === 'room')).toBe(true);
    expect(suggestMentions('ro', members, { ...opts, role: 'owner', group: false }).some((s) => s.kind === 'room')).toBe(false);
  });

  it('replaces the typed word with the username and a space', () => {
    const pick = suggestMentions('an', members, opts)[0]!;
    expect(applyMention('hi @an', 3, 6, pick)).toEqual({ text: 'hi @anton ', caret: 10 });
    expect(applyMention('hi @an and', 3, 6, pick)).toEqual({ text: 'hi @anton and', caret: 10 });
  });
});
