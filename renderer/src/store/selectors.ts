// Named selectors: components subscribe to exactly what they show. Derived lists are memoised on the input
// reference so a selector returns the same array until its input changes (no needless re-renders).
import type { Message, MyRoom, UserPublic } from '../../../protocol/types.js';
import type { OutboxEntry } from '../services/realtime-types.js';
import type { AppState } from './index.js';
import { emptyTimeline, type Timeline } from './timeline.js';

function memo<I, O>(fn: (input: I) => O): (input: I) => O {
  let lastIn: I | undefined;
  let lastOut: O | undefined;
  let primed = false;
  return (input) => {
    if (!primed || input !== lastIn) {
      lastIn = input;
      lastOut = fn(input);
      primed = true;
    }
    return lastOut as O;
  };
}

export const roomActivity = (r: MyRoom): string => r.lastMessage?.createdAt ?? r.createdAt;

const sortRooms = memo((byId: Record<number, MyRoom>) =>
  Object.values(byId).sort((a, b) => roomActivity(b).localeCompare(roomActivity(a)) || b.id - a.id),
);

export const selectSession = (s: AppState) => s.session;
export const selectSelf = (s: AppState) => s.session.user;
export const selectSelfId = (s: AppState) => s.session.user?.id ?? 0;
export const selectRoomsLoaded = (s: AppState) => s.rooms.loaded;
/** Most recent activity first. */
export const selectRoomList = (s: AppState): MyRoom[] => sortRooms(s.rooms.byId);
export const selectRoom = (roomId: number | null) => (s: AppState) => (roomId === null ? undefined : s.rooms.byId[roomId]);
export const selectActiveRoomId = (s: AppState) => s.ui.activeRoomId;
export const selectActiveRoom = (s: AppState) => (s.ui.activeRoomId === null ? undefined : s.rooms.byId[s.ui.activeRoomId]);

/**
 * What a room adds to the tray/badge/title: nothing when muted (`none`), its mentions when set to `mentions` (every
 * unread message of a direct room is addressed to you), else all its unread.
 */
export const badgeCount = (r: MyRoom): number =>
  r.notify === 'none' || r.muted ? 0 : r.notify === 'mentions' && r.kind !== 'direct' ? r.mentionCount : r.unreadCount;
export const selectUnreadTotal = (s: AppState): number => Object.values(s.rooms.byId).reduce((n, r) => n + badgeCount(r), 0);

export const selectTimeline =
  (roomId: number) =>
  (s: AppState): Timeline =>
    s.messages.byRoom[roomId] ?? emptyTimeline;

const outboxByRoom = memo((entries: OutboxEntry[]) => {
  const map = new Map<number, OutboxEntry[]>();
  for (const e of entries) map.set(e.roomId, [...(map.get(e.roomId) ?? []), e]);
  return map;
});
const NO_ENTRIES: OutboxEntry[] = [];
export const selectOutbox =
  (roomId: number) =>
  (s: AppState): OutboxEntry[] =>
    outboxByRoom(s.messages.outbox).get(roomId) ?? NO_ENTRIES;

export const selectOnline =
  (userId: number | undefined) =>
  (s: AppState): boolean =>
    userId === undefined ? false : (s.presence.online[userId] ?? false);

const NO_TYPING: number[] = [];
const typingCache = new WeakMap<Record<number, number>, number[]>();
/** Ids of others typing in the room (the store drops expired entries on a timer). */
export const selectTypingUserIds =
  (roomId: number) =>
  (s: AppState): number[] => {
    const users = s.presence.typing[roomId];
    if (!users) return NO_TYPING;
    let ids = typingCache.get(users);
    if (!ids) {
      ids = Object.keys(users).map(Number);
      typingCache.set(users, ids);
    }
    return ids;
  };

/**
 * A user as the UI should show them: the live profile when their name or avatar changed since `fallback` (the
 * object a message, room or member list came with) was fetched, else `fallback` itself. Same reference until that
 * one user changes, so a row re-renders only for its own user.
 */
export const selectUser =
  <F extends UserPublic | null | undefined>(id: number | undefined, fallback: F) =>
  (s: AppState): UserPublic | F =>
    id === undefined ? fallback : (s.users.byId[id] ?? fallback);

/** The name to show for a user: a deleted account has none, and is shown as `deletedLabel` (translated by the caller). */
export const shownName = (user: Pick<UserPublic, 'displayName' | 'deleted'> | null | undefined, deletedLabel: string): string =>
  user?.deleted ? deletedLabel : (user?.displayName ?? '');

/** A room's title: a direct room is called after the peer, so it follows the peer's live display name. */
export const roomName = (room: MyRoom, profiles: Record<number, UserPublic>, deletedLabel = ''): string => {
  if (room.kind !== 'direct' || !room.peer) return room.name;
  const peer = profiles[room.peer.id] ?? room.peer;
  return peer.deleted ? deletedLabel : (profiles[room.peer.id]?.displayName ?? room.name);
};
export const selectRoomName =
  (room: MyRoom | undefined, deletedLabel = '') =>
  (s: AppState): string =>
    room ? roomName(room, s.users.byId, deletedLabel) : '';

/** Live profiles by id (changes only when someone's profile does): for lists that filter or sort by name. */
export const selectProfiles = (s: AppState) => s.users.byId;

const NO_RECEIPTS: Record<number, number> = {};
/** Other members' read markers in a room (user id -> last read seq), from the member list and room:member-read. */
export const selectReceipts =
  (roomId: number) =>
  (s: AppState): Record<number, number> =>
    s.receipts.byRoom[roomId] ?? NO_RECEIPTS;

export const selectConnection = (s: AppState) => s.ui.connection;
export const selectDraft = (roomId: number) => (s: AppState) => s.ui.drafts[roomId] ?? '';
export const selectReplyToId = (roomId: number) => (s: AppState) => s.ui.replyTo[roomId] ?? null;
export const selectEditingId = (s: AppState) => s.ui.editingMessageId;
export const selectDialog = (s: AppState) => s.ui.dialog;
export const selectPanel = (s: AppState) => s.ui.panel;
export const selectSettings = (s: AppState) => s.ui.settings;
export const selectTheme = (s: AppState) => s.ui.theme;

// Message by id, through an index built once per loaded-history array (a reply quote's selector runs on every
// store change; a linear scan of 20,000 messages per quote per change, or per miss, is not cheap).
const byIdCache = new WeakMap<Message[], Map<number, Message>>();
export function findMessage(t: Timeline, id: number): Message | undefined {
  // Recent messages are the usual target: look at the newest few first, without building anything.
  const stop = Math.max(0, t.items.length - 256);
  for (let i = t.items.length - 1; i >= stop; i -= 1) if (t.items[i]!.id === id) return t.items[i];
  if (stop === 0) return undefined;
  let index = byIdCache.get(t.items);
  if (!index) {
    index = new Map(t.items.map((m) => [m.id, m]));
    byIdCache.set(t.items, index);
  }
  return index.get(id);
}
