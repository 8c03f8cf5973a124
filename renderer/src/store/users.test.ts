// The live-profiles overlay: 'user:updated' wins over the user objects messages and rooms were fetched with, my
// own change reaches the signed-in user, fresh server data corrects the overlay, and selectors stay stable.
import { describe, expect, it } from 'vitest';
import type { MyRoom, UserPublic } from '../../../protocol/types.js';
import { createAppStore } from './index.js';
import { roomName, selectRoomName, selectUser, shownName } from './selectors.js';

const me = {
  id: 1,
  username: 'me',
  displayName: 'Me',
  avatarUrl: null,
  online: true,
  lastSeenAt: null,
  email: 'me@x.test',
  createdAt: '2026-01-01T00:00:00.000Z',
  role: 'user' as const,
};
const bob: UserPublic = { id: 2, username: 'bob', displayName: 'Bob', avatarUrl: null, online: true, lastSeenAt: null };
const ann: UserPublic = { id: 3, username: 'ann', displayName: 'Ann', avatarUrl: null, online: true, lastSeenAt: null };

function direct(peer: UserPublic): MyRoom {
  return {
    id: 9,
    kind: 'direct',
    name: peer.displayName,
    description: '',
    visibility: 'private',
    createdBy: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    memberCount: 2,
    lastSeq: 0,
    archived: false,
    role: 'member',
    muted: false,
    notify: 'all',
    lastReadSeq: 0,
    unreadCount: 0,
    mentionCount: 0,
    lastMessage: null,
    peer,
  };
}

function signedInStore() {
  const store = createAppStore();
  store
    .getState()
    .signedIn({ user: me, accessToken: 't', expiresAt: '2030-01-01T00:00:00.000Z', serverUrl: 'http://x', persistence: 'secure' });
  return store;
}

describe('users overlay', () => {
  it('a deleted account (user:updated with deleted: true) shows as the label the UI gives, in messages and direct rooms', () => {
    const store = signedInStore();
    const room = direct(bob);
    const gone: UserPublic = { id: bob.id, username: '', displayName: '', avatarUrl: null, online: false, lastSeenAt: null, deleted: true };
    store.getState().userUpdated(gone);
    const shown = selectUser(bob.id, bob)(store.getState());
    expect(shown.deleted).toBe(true);
    expect(shownName(shown, 'Deleted user')).toBe('Deleted user');
    expect(shownName(ann, 'Deleted user')).toBe('Ann');
    expect(selectRoomName(room, '已删除的用户')(store.getState())).toBe('已删除的用户');
    expect(roomName(direct(ann), store.getState().users.byId, 'Deleted user')).toBe('Ann');
  });

  it('selectUser prefers the live profile, else the object it was given', () => {
    const store = signedInStore();
    expect(selectUser(bob.id, bob)(store.getState())).toBe(bob);
    store.getState().userUpdated({ ...bob, displayName: 'Robert', avatarUrl: 'https://x.test/b.png' });
    const shown = selectUser(bob.id, bob)(store.getState());
    expect(shown.displayName).toBe('Robert');
    expect(shown.avatarUrl).toBe('https://x.test/b.png');
    expect(selectUser(ann.id, ann)(store.getState())).toBe(ann);
    expect(selectUser(undefined, null)(store.getState())).toBeNull();
  });

  it('keeps references stable: an unrelated change or a repeat does not make a new object', () => {
    const store = signedInStore();
    store.getState().userUpdated({ ...bob, displayName: 'Robert' });
    const before = store.getState();
    const robert = selectUser(bob.id, bob)(before);
    store.getState().userUpdated({ ...bob, displayName: 'Robert', online: false }); // same profile
    expect(store.getState().users).toBe(before.users);
    store.getState().userUpdated({ ...ann, displayName: 'Annie' });
    expect(selectUser(bob.id, bob)(store.getState())).toBe(robert);
  });

  it('my own change, from another device, updates the signed-in user too', () => {
    const store = signedInStore();
    store.getState().userUpdated({ id: me.id, username: 'me', displayName: 'Me Renamed', avatarUrl: null, online: true, lastSeenAt: null });
    const self = store.getState().session.user!;
    expect(self.displayName).toBe('Me Renamed');
    expect(self.email).toBe('me@x.test'); // the private fields stay
    expect(store.getState().users.byId[me.id]).not.toHaveProperty('email');
  });

  it('a direct room is named after its peer as the peer is now', () => {
    const store = signedInStore();
    const room = direct(bob);
    expect(selectRoomName(room)(store.getState())).toBe('Bob');
    store.getState().userUpdated({ ...bob, displayName: 'Robert' });
    expect(selectRoomName(room)(store.getState())).toBe('Robert');
    expect(roomName({ ...room, kind: 'group', name: 'Team' }, store.getState().users.byId)).toBe('Team');
    expect(selectRoomName(undefined)(store.getState())).toBe('');
  });

  it('fresh server data adds users and corrects the entries that differ; a repeat changes nothing', () => {
    const store = signedInStore();
    store.getState().userUpdated({ ...bob, displayName: 'Robert' });
    store.getState().usersSeen([{ ...bob, displayName: 'Robert' }, ann]);
    expect(store.getState().users.byId[ann.id]).toEqual(ann); // seen: now kept current too
    const held = store.getState().users;
    store.getState().usersSeen([
      { ...bob, displayName: 'Robert' },
      { ...ann, online: false },
    ]);
    expect(store.getState().users).toBe(held); // same profiles: same state
    store.getState().usersSeen([{ ...bob, displayName: 'Rob' }]); // renamed again while we were offline
    expect(store.getState().users.byId[bob.id]!.displayName).toBe('Rob');
    // An old message still carries the name it was fetched with; the overlay says what it is now.
    expect(selectUser(bob.id, bob)(store.getState()).displayName).toBe('Rob');
    store.getState().resetUsers();
    expect(store.getState().users.byId).toEqual({});
  });
});
