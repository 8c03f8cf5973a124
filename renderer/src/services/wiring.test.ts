// The client wiring with a fake realtime client and a fake desktop: store updates, unread, badge, notifications.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../../../client/api.js';
import type { RealtimeEvents } from '../../../client/realtime.js';
import type { DesktopApi } from '../../../protocol/desktop.js';
import type { Message, MyRoom, UserPublic } from '../../../protocol/types.js';
import { createAppStore } from '../store/index.js';
import { selectRoomList, selectRoomName, selectUnreadTotal, selectUser } from '../store/selectors.js';
import type { RealtimeLike } from './realtime-types.js';
import { wireRealtime } from './wiring.js';

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
const ann = { id: 2, username: 'ann', displayName: 'Ann', avatarUrl: null, online: true, lastSeenAt: null };

function room(id: number, extra: Partial<MyRoom> = {}): MyRoom {
  return {
    id,
    kind: 'group',
    name: `Room ${id}`,
    description: '',
    visibility: 'private',
    createdBy: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    memberCount: 2,
    lastSeq: 0,
    archived: false,
    role: 'owner',
    muted: false,
    notify: 'all',
    lastReadSeq: 0,
    unreadCount: 0,
    mentionCount: 0,
    lastMessage: null,
    peer: null,
    ...extra,
  };
}
function message(roomId: number, seq: number, sender = ann): Message {
  return {
    id: roomId * 1000 + seq,
    roomId,
    seq,
    clientId: null,
    sender,
    kind: 'text',
    body: `hello ${seq}`,
    attachment: null,
    replyToId: null,
    replyTo: null,
    mentions: [],
    reactions: [],
    system: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    editedAt: null,
    deletedAt: null,
  };
}

const profiles = new Map<number, UserPublic>();
/** What GET /rooms/:id answers, when a test sets it. */
const roomById = new Map<number, MyRoom>();
const usersByIds = vi.fn(async (ids: readonly number[]) => ids.flatMap((id) => (profiles.has(id) ? [profiles.get(id)!] : [])));
/** GET /rooms/:id answers once this settles, when a test holds it back. */
let roomAnswer: Promise<void> = Promise.resolve();
const fetchRoom = vi.fn(async (id: number) => {
  const answer = roomById.get(id) ?? room(id); // read when asked, answered later
  await roomAnswer;
  return answer;
});

function fakeRealtime(rooms: MyRoom[]) {
  const listeners = new Map<string, Set<(p: never) => void>>();
  const markRead = vi.fn(async (_roomId: number, seq: number) => ({ lastReadSeq: seq, unreadCount: 0 }));
  const rt = {
    api: { rooms: async () => rooms, room: fetchRoom, usersByIds } as unknown as ApiClient,
    state: 'online',
    markRead,
    on: (event: string, fn: (p: never) => void) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(fn);
      return () => listeners.get(event)!.delete(fn);
    },
  } as unknown as RealtimeLike;
  const emit = <E extends keyof RealtimeEvents>(event: E, ...args: RealtimeEvents[E]) => {
    for (const fn of listeners.get(event) ?? []) (fn as (...a: RealtimeEvents[E]) => void)(...args);
  };
  return { rt, emit, markRead };
}

function fakeDesktop() {
  return {
    notify: vi.fn(async () => ({ ok: true as const, value: 'shown' as const })),
    setUnreadCount: vi.fn(async () => ({ ok: true as const, value: null })),
  } as unknown as DesktopApi & { notify: ReturnType<typeof vi.fn>; setUnreadCount: ReturnType<typeof vi.fn> };
}

async function setup(rooms: MyRoom[]) {
  const store = createAppStore();
  store
    .getState()
    .signedIn({ user: me, accessToken: 't', expiresAt: '2030-01-01T00:00:00.000Z', serverUrl: 'http://x', persistence: 'secure' });
  const { rt, emit, markRead } = fakeRealtime(rooms);
  const desktop = fakeDesktop();
  const wiring = wireRealtime({ rt, store, desktop, readDelayMs: 0 });
  emit('ready', { user: me, rooms: rooms.map((r) => ({ id: r.id, lastSeq: r.lastSeq, lastReadSeq: r.lastReadSeq })), onlineCount: 1 });
  await vi.waitFor(() => expect(store.getState().rooms.loaded).toBe(true));
  return { store, emit, desktop, markRead, wiring };
}

let dispose: (() => void) | undefined;
afterEach(() => {
  dispose?.();
  profiles.clear();
  roomById.clear();
  usersByIds.mockClear();
  fetchRoom.mockClear();
  roomAnswer = Promise.resolve();
});

describe('wireRealtime', () => {
  it('counts unread for rooms not in view, notifies, and puts the unmuted total on the badge', async () => {
    const { store, emit, desktop, wiring } = await setup([room(1), room(2, { muted: true })]);
    dispose = wiring.dispose;
    emit('message', message(1, 1));
    emit('message', message(1, 2));
    emit('message', message(2, 1));
    const s = store.getState();
    expect(s.rooms.byId[1]!.unreadCount).toBe(2);
    expect(s.rooms.byId[2]!.unreadCount).toBe(1);
    expect(selectUnreadTotal(s)).toBe(2); // muted room left out
    expect(desktop.setUnreadCount).toHaveBeenLastCalledWith(2);
    expect(desktop.notify).toHaveBeenCalledTimes(2); // not for the muted room
    expect(s.messages.byRoom[1]!.items.map((m) => m.seq)).toEqual([1, 2]);
    expect(selectRoomList(s).map((r) => r.id)).toEqual([1, 2]); // most recent activity first (room 1 at :02)
  });

  it('the open room in a focused window does not notify, and is read as far as the list has shown it', async () => {
    const { store, emit, desktop, markRead, wiring } = await setup([room(1)]);
    dispose = wiring.dispose;
    store.getState().openRoom(1);
    emit('message', message(1, 1));
    emit('message', message(1, 2));
    expect(store.getState().rooms.byId[1]!.unreadCount).toBe(0);
    expect(desktop.notify).not.toHaveBeenCalled();
    expect(markRead).not.toHaveBeenCalled(); // opening is not reading: nothing was on screen yet
    wiring.markSeen(1, 1);
    await vi.waitFor(() => expect(markRead).toHaveBeenCalledWith(1, 1));
    wiring.markSeen(1, 2);
    await vi.waitFor(() => expect(markRead).toHaveBeenCalledWith(1, 2));
  });

  it('leaving a room with messages that were never scrolled to asks the server for its unread count', async () => {
    const { store, emit, wiring } = await setup([room(1, { lastSeq: 0 })]);
    dispose = wiring.dispose;
    store.getState().openRoom(1);
    emit('message', message(1, 1));
    emit('message', message(1, 2));
    expect(store.getState().rooms.byId[1]!.unreadCount).toBe(0); // in front of the user
    wiring.markSeen(1, 1);
    roomById.set(1, room(1, { lastSeq: 2, lastReadSeq: 1, unreadCount: 1 }));
    wiring.leftRoom(1);
    await vi.waitFor(() => expect(store.getState().rooms.byId[1]!.unreadCount).toBe(1));
  });

  it('opening a room with unread moves the marker only as messages are shown, and only while focused', async () => {
    const { store, markRead, wiring } = await setup([room(1, { lastSeq: 5, lastReadSeq: 0, unreadCount: 5 })]);
    dispose = wiring.dispose;
    markRead.mockImplementation(async (_roomId: number, seq: number) => ({ lastReadSeq: seq, unreadCount: 5 - seq }));
    store.getState().openRoom(1);
    store.getState().addMessages(
      1,
      [1, 2, 3, 4, 5].map((seq) => message(1, seq)),
    );
    wiring.markSeen(1, 3);
    await vi.waitFor(() => expect(markRead).toHaveBeenCalledWith(1, 3));
    expect(store.getState().rooms.byId[1]!.unreadCount).toBe(2);
    store.getState().setWindowFocused(false);
    // The read timer runs under fake timers, so it has certainly fired (unfocused) before the check: no sleep.
    vi.useFakeTimers();
    try {
      wiring.markSeen(1, 5);
      vi.runOnlyPendingTimers();
    } finally {
      vi.useRealTimers();
    }
    expect(markRead).not.toHaveBeenCalledWith(1, 5);
    store.getState().setWindowFocused(true);
    await vi.waitFor(() => expect(markRead).toHaveBeenCalledWith(1, 5));
  });

  it('a room answered after this device read further does not bring the count back; my own read is not fetched', async () => {
    const { store, emit, markRead, wiring } = await setup([room(1, { lastSeq: 4, unreadCount: 4 })]);
    dispose = wiring.dispose;
    store.getState().openRoom(1);
    store.getState().addMessages(
      1,
      [1, 2, 3, 4].map((seq) => message(1, seq)),
    );
    // Another device read up to 3 of 4: ask the server for the count, which answers late, as it was when asked.
    let answer!: () => void;
    roomAnswer = new Promise((resolve) => (answer = resolve));
    roomById.set(1, room(1, { lastSeq: 4, lastReadSeq: 3, unreadCount: 1 }));
    emit('room:read', { roomId: 1, userId: 1, lastReadSeq: 3 });
    expect(fetchRoom).toHaveBeenCalledTimes(1);
    // Meanwhile this device shows the last message: read, and its own read coming back asks nothing.
    wiring.markSeen(1, 4);
    await vi.waitFor(() => expect(markRead).toHaveBeenCalledWith(1, 4));
    emit('room:read', { roomId: 1, userId: 1, lastReadSeq: 4 });
    expect(fetchRoom).toHaveBeenCalledTimes(1);
    answer();
    await (fetchRoom.mock.results[0]!.value as Promise<MyRoom>);
    await Promise.resolve(); // the wiring's own continuation after the answer has run by now
    expect(store.getState().rooms.byId[1]).toMatchObject({ lastReadSeq: 4, unreadCount: 0 });
  });

  it('a room set to mentions notifies and counts only mentions of me; the badge follows the level', async () => {
    const { store, emit, desktop, wiring } = await setup([room(1, { notify: 'mentions' }), room(2, { notify: 'none', muted: true })]);
    dispose = wiring.dispose;
    emit('message', message(1, 1));
    emit('message', { ...message(1, 2), mentions: [3] }); // someone else
    expect(desktop.notify).not.toHaveBeenCalled();
    emit('message', { ...message(1, 3), body: '@me look', mentions: [me.id] });
    expect(desktop.notify).toHaveBeenCalledTimes(1);
    expect(desktop.notify).toHaveBeenLastCalledWith(expect.objectContaining({ roomId: 1, body: '@me look' }));
    emit('message', { ...message(2, 1), mentions: [me.id] }); // muted: silent even when named
    expect(desktop.notify).toHaveBeenCalledTimes(1);
    const r = store.getState().rooms.byId[1]!;
    expect([r.unreadCount, r.mentionCount]).toEqual([3, 1]);
    expect(desktop.setUnreadCount).toHaveBeenLastCalledWith(1); // a mentions room adds its mentions, a muted room nothing
  });

  it('system messages never count as unread and never notify', async () => {
    const { store, emit, desktop, wiring } = await setup([room(1)]);
    dispose = wiring.dispose;
    emit('message', { ...message(1, 1), kind: 'system', body: '', system: { event: 'member-joined', actorId: 2, userId: 2, name: null } });
    expect(store.getState().rooms.byId[1]!.unreadCount).toBe(0);
    expect(desktop.notify).not.toHaveBeenCalled();
  });

  it('follows room:settings from another device, reactions and other members’ read markers', async () => {
    const { store, emit, wiring } = await setup([room(1)]);
    dispose = wiring.dispose;
    emit('room:settings', { roomId: 1, notify: 'none', muted: true });
    expect(store.getState().rooms.byId[1]).toMatchObject({ notify: 'none', muted: true });
    emit('message', message(1, 1));
    emit('message:reactions', { roomId: 1, messageId: 1001, reactions: [{ emoji: '👍', userIds: [2] }] });
    expect(store.getState().messages.byRoom[1]!.items[0]!.reactions).toEqual([{ emoji: '👍', userIds: [2] }]);
    emit('room:member-read', { roomId: 1, userId: 2, lastReadSeq: 1 });
    emit('room:member-read', { roomId: 1, userId: 2, lastReadSeq: 0 }); // late and older: ignored
    expect(store.getState().receipts.byRoom[1]).toEqual({ 2: 1 });
  });

  it('own messages never count as unread or notify', async () => {
    const { store, emit, desktop, wiring } = await setup([room(1)]);
    dispose = wiring.dispose;
    emit('message', message(1, 1, { ...me }));
    expect(store.getState().rooms.byId[1]!.unreadCount).toBe(0);
    expect(desktop.notify).not.toHaveBeenCalled();
  });

  it('follows outbox, presence, typing, read on another device, and removal from a room', async () => {
    const { store, emit, wiring } = await setup([room(1, { lastSeq: 3, unreadCount: 3 })]);
    dispose = wiring.dispose;
    emit('outbox', [{ clientId: 'c1', roomId: 1, body: 'hi', replyToId: null, createdAt: '2026-01-01T00:00:00.000Z', state: 'pending' }]);
    emit('presence', { userId: 2, online: false, lastSeenAt: null });
    emit('typing', { roomId: 1, userId: 2, typing: true });
    emit('room:read', { roomId: 1, userId: 1, lastReadSeq: 3 });
    let s = store.getState();
    expect(s.messages.outbox).toHaveLength(1);
    expect(s.presence.online[2]).toBe(false);
    expect(Object.keys(s.presence.typing[1] ?? {})).toEqual(['2']);
    expect(s.rooms.byId[1]!.unreadCount).toBe(0);
    store.getState().openRoom(1);
    emit('room:member-left', { roomId: 1, userId: 1 });
    s = store.getState();
    expect(s.rooms.byId[1]).toBeUndefined();
    // The open room stays routed, and the pane can say why it went away.
    expect(s.ui.activeRoomId).toBe(1);
    expect(s.ui.roomGone).toEqual({ roomId: 1, reason: 'removed' });
  });

  it('keeps my own role in step with room:member-updated (ownership handed over to or from me)', async () => {
    const { store, emit, wiring } = await setup([room(1, { role: 'owner' }), room(2, { role: 'member' })]);
    dispose = wiring.dispose;
    emit('room:member-updated', { roomId: 1, userId: 2, role: 'owner' });
    emit('room:member-updated', { roomId: 1, userId: 1, role: 'admin' });
    emit('room:member-updated', { roomId: 2, userId: 1, role: 'owner' });
    emit('room:member-updated', { roomId: 2, userId: 3, role: 'admin' }); // someone else: my role stays
    const s = store.getState();
    expect(s.rooms.byId[1]!.role).toBe('admin');
    expect(s.rooms.byId[2]!.role).toBe('owner');
  });

  it('user:updated shows a new name and avatar everywhere the user appears, without rewriting messages', async () => {
    const dm = room(2, { kind: 'direct', name: 'Ann', peer: ann });
    const { store, emit, desktop, wiring } = await setup([room(1), dm]);
    dispose = wiring.dispose;
    emit('message', message(1, 1));
    const stored = store.getState().messages.byRoom[1]!.items[0]!;
    emit('user:updated', { ...ann, displayName: 'Annie', avatarUrl: 'https://x.test/a.png' });
    const s = store.getState();
    expect(s.messages.byRoom[1]!.items[0]).toBe(stored); // history untouched
    const sender = selectUser(stored.sender.id, stored.sender)(s);
    expect([sender.displayName, sender.avatarUrl]).toEqual(['Annie', 'https://x.test/a.png']);
    const lastSender = s.rooms.byId[1]!.lastMessage!.sender;
    expect(selectUser(lastSender.id, lastSender)(s).displayName).toBe('Annie'); // room list preview
    expect(selectRoomName(s.rooms.byId[2])(s)).toBe('Annie'); // direct room title
    expect(selectUser(ann.id, dm.peer)(s)?.avatarUrl).toBe('https://x.test/a.png'); // direct room avatar
    // A notification from the direct room uses the room's current name, not the one the room list came with.
    emit('message', message(2, 1, { ...ann, displayName: 'Annie' }));
    expect(desktop.notify).toHaveBeenLastCalledWith(expect.objectContaining({ roomName: 'Annie', senderName: 'Annie' }));
  });

  it('my own rename on another device reaches the signed-in user', async () => {
    const { store, emit, wiring } = await setup([room(1)]);
    dispose = wiring.dispose;
    emit('user:updated', { id: me.id, username: me.username, displayName: 'Me Again', avatarUrl: null, online: true, lastSeenAt: null });
    expect(store.getState().session.user).toMatchObject({ id: me.id, displayName: 'Me Again', email: me.email });
  });

  it('a newer profile in a message or the room list replaces a stale overlay entry', async () => {
    const { store, emit, wiring } = await setup([room(1)]);
    dispose = wiring.dispose;
    emit('user:updated', { ...ann, displayName: 'Annie' });
    // Ann renamed again while we were disconnected; her next message carries the new name.
    emit('message', message(1, 1, { ...ann, displayName: 'Anna' }));
    expect(selectUser(ann.id, ann)(store.getState()).displayName).toBe('Anna');
  });

  it('after a reconnect, fetches the profiles of everyone on screen, so a rename missed offline reaches old messages', async () => {
    const { store, emit, wiring } = await setup([room(1)]);
    dispose = wiring.dispose;
    expect(usersByIds).not.toHaveBeenCalled(); // nobody seen yet: nothing to ask
    emit('message', message(1, 1)); // Ann, as she was
    const bob = { ...ann, id: 3, username: 'bob', displayName: 'Bob' };
    store.getState().usersSeen([bob]);
    // Offline; meanwhile Ann renames. The reconnect's ready triggers the refresh.
    profiles.set(ann.id, { ...ann, displayName: 'Ann Lee' });
    profiles.set(bob.id, bob);
    emit('ready', { user: me, rooms: [{ id: 1, lastSeq: 1, lastReadSeq: 0 }], onlineCount: 1 });
    await vi.waitFor(() => expect(selectUser(ann.id, ann)(store.getState()).displayName).toBe('Ann Lee'));
    expect(usersByIds).toHaveBeenCalledTimes(1);
    expect([...usersByIds.mock.calls[0]![0]].sort()).toEqual([ann.id, bob.id]);
  });

  it('a profile fetch that started before a live user:updated does not undo it', async () => {
    const { store, emit, wiring } = await setup([room(1)]);
    dispose = wiring.dispose;
    emit('message', message(1, 1));
    let answer: (u: UserPublic[]) => void = () => undefined;
    usersByIds.mockImplementationOnce(() => new Promise((r) => (answer = r)));
    emit('ready', { user: me, rooms: [{ id: 1, lastSeq: 1, lastReadSeq: 0 }], onlineCount: 1 });
    await vi.waitFor(() => expect(usersByIds).toHaveBeenCalled());
    emit('user:updated', { ...ann, displayName: 'Newest' });
    // Sentinel: Cleo rides in the same answer, so once she is in the store the answer has been applied.
    const cleo = { ...ann, id: 4, username: 'cleo', displayName: 'Cleo' };
    answer([{ ...ann, displayName: 'Older' }, cleo]);
    await vi.waitFor(() => expect(selectUser(cleo.id, { ...cleo, displayName: '?' })(store.getState()).displayName).toBe('Cleo'));
    expect(selectUser(ann.id, ann)(store.getState()).displayName).toBe('Newest');
  });
});
