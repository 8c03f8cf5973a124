import { describe, expect, it } from 'vitest';
import type { MyRoom, Room, UserPublic } from '../../../protocol/types.js';
import { switcherItems } from './switcher.js';

const user = (id: number, name: string, extra: Partial<UserPublic> = {}): UserPublic => ({
  id,
  username: name.toLowerCase(),
  displayName: name,
  avatarUrl: null,
  online: false,
  lastSeenAt: null,
  ...extra,
});
const room = (id: number, name: string, extra: Partial<Room> = {}): Room => ({
  id,
  kind: 'group',
  name,
  description: '',
  visibility: 'public',
  createdBy: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  memberCount: 1,
  lastSeq: 0,
  archived: false,
  ...extra,
});
const mine = (r: Room, extra: Partial<MyRoom> = {}): MyRoom => ({
  ...r,
  role: 'member',
  muted: false,
  notify: 'all',
  lastReadSeq: 0,
  unreadCount: 0,
  mentionCount: 0,
  lastMessage: null,
  peer: null,
  ...extra,
});

const nameOf = (r: MyRoom) => (r.kind === 'direct' ? (r.peer?.displayName ?? '') : r.name);

describe('switcherItems', () => {
  const bob = user(2, 'Bob');
  const bea = user(3, 'Bea', { online: true });
  const ben = user(4, 'Ben', { lastSeenAt: '2026-02-01T00:00:00.000Z' });
  const myRooms = [mine(room(10, 'Backend')), mine(room(11, '', { kind: 'direct' }), { peer: bob }), mine(room(12, 'Design'))];

  it('ranks my rooms (in recency order), then new people (online, then recently seen), then public rooms', () => {
    const items = switcherItems({
      query: 'b',
      myRooms,
      nameOf,
      people: [user(1, 'Me B'), bob, ben, bea],
      publicRooms: [
        room(10, 'Backend'),
        room(20, 'Bakery', { updatedAt: '2026-01-02T00:00:00.000Z' }),
        room(21, 'Bikes', { updatedAt: '2026-03-01T00:00:00.000Z' }),
      ],
      selfId: 1,
    });
    expect(items.map((i) => i.key)).toEqual(['r10', 'r11', 'u3', 'u4', 'p21', 'p20']);
  });

  it('with no query, offers my recent rooms only', () => {
    const items = switcherItems({ query: '  ', myRooms, nameOf, people: [bea], publicRooms: [room(20, 'Bakery')], selfId: 1 });
    expect(items.map((i) => i.key)).toEqual(['r10', 'r11', 'r12']);
  });

  it('matches case- and width-insensitively, by username too', () => {
    const items = switcherItems({
      query: 'ＢＯＢ',
      myRooms: [],
      nameOf,
      people: [user(2, 'Robert', { username: 'bob' })],
      publicRooms: [],
      selfId: 1,
    });
    expect(items.map((i) => i.key)).toEqual(['u2']);
  });
});
