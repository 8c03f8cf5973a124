// My rooms as the server lists them (MyRoom), kept current by realtime events.
import type { StateCreator } from 'zustand';
import type { Message, MyRoom, NotifyLevel, Role, Room } from '../../../protocol/types.js';
import type { AppState } from './index.js';

export interface RoomsSlice {
  rooms: { byId: Record<number, MyRoom>; loaded: boolean };
  setRooms(list: MyRoom[]): void;
  upsertRoom(room: MyRoom): void;
  /** room:updated carries a Room (no per-user fields): merge it into what we hold. */
  patchRoom(room: Room): void;
  removeRoom(roomId: number): void;
  /**
   * A new message: moves the preview and, when it is someone else's and the user is not looking at the room,
   * the unread count.
   */
  roomMessage(message: Message, opts: { selfId: number; viewing: boolean }): void;
  roomMessageUpdated(message: Message): void;
  setRead(roomId: number, lastReadSeq: number, unreadCount: number): void;
  setMuted(roomId: number, muted: boolean): void;
  /** The room's notification level (this device's choice, or room:settings from another device). */
  setNotify(roomId: number, notify: NotifyLevel): void;
  setMemberCount(roomId: number, delta: number): void;
  /** My own role in a room changed (ownership handed over to or from me). */
  setMyRole(roomId: number, role: Role): void;
}

function update(st: AppState, roomId: number, fn: (r: MyRoom) => MyRoom): Partial<AppState> {
  const room = st.rooms.byId[roomId];
  if (!room) return {};
  const next = fn(room);
  return next === room ? {} : { rooms: { ...st.rooms, byId: { ...st.rooms.byId, [roomId]: next } } };
}

/**
 * A room as the server answered it, never behind what live events have told us since the request left: the read
 * marker only moves forward (server and client alike), and neither does the last message. A GET that started before
 * this device read further (or before a message arrived) would otherwise bring back a count the user already cleared.
 */
function notBehind(known: MyRoom | undefined, room: MyRoom): MyRoom {
  if (!known) return room;
  let next = room;
  if (room.lastSeq < known.lastSeq) next = { ...next, lastSeq: known.lastSeq, lastMessage: known.lastMessage, updatedAt: known.updatedAt };
  // Same marker but fewer messages known: the answer's count missed the newer ones, which ours has counted live.
  if (room.lastReadSeq < known.lastReadSeq || (room.lastReadSeq === known.lastReadSeq && room.lastSeq < known.lastSeq)) {
    next = { ...next, lastReadSeq: known.lastReadSeq, unreadCount: known.unreadCount, mentionCount: known.mentionCount };
  }
  return next;
}

export const createRoomsSlice: StateCreator<AppState, [], [], RoomsSlice> = (set) => ({
  rooms: { byId: {}, loaded: false },
  setRooms: (list) =>
    set((st) => ({ rooms: { byId: Object.fromEntries(list.map((r) => [r.id, notBehind(st.rooms.byId[r.id], r)])), loaded: true } })),
  upsertRoom: (room) =>
    set((st) => ({ rooms: { ...st.rooms, byId: { ...st.rooms.byId, [room.id]: notBehind(st.rooms.byId[room.id], room) } } })),
  patchRoom: (room) =>
    set((st) =>
      update(st, room.id, (r) => ({
        ...r,
        ...room,
        // A direct room's name is the peer as this user sees it; the shared Room does not know that.
        name: r.kind === 'direct' ? r.name : room.name,
      })),
    ),
  removeRoom: (roomId) =>
    set((st) => {
      if (!st.rooms.byId[roomId]) return {};
      const byId = { ...st.rooms.byId };
      delete byId[roomId];
      return { rooms: { ...st.rooms, byId } };
    }),
  roomMessage: (m, { selfId, viewing }) =>
    set((st) =>
      update(st, m.roomId, (r) => {
        const newest = !r.lastMessage || m.seq >= r.lastMessage.seq;
        const fromOther = m.sender.id !== selfId;
        // System lines order the room but never count as unread (PROTOCOL.md).
        const unread = fromOther && m.kind !== 'system' && !viewing && m.seq > r.lastReadSeq && m.seq > r.lastSeq;
        return {
          ...r,
          lastMessage: newest ? m : r.lastMessage,
          lastSeq: Math.max(r.lastSeq, m.seq),
          unreadCount: unread ? r.unreadCount + 1 : r.unreadCount,
          mentionCount: unread && m.mentions.includes(selfId) ? r.mentionCount + 1 : r.mentionCount,
          updatedAt: newest ? m.createdAt : r.updatedAt,
        };
      }),
    ),
  roomMessageUpdated: (m) => set((st) => update(st, m.roomId, (r) => (r.lastMessage?.id === m.id ? { ...r, lastMessage: m } : r))),
  setRead: (roomId, lastReadSeq, unreadCount) =>
    set((st) =>
      update(st, roomId, (r) => {
        if (lastReadSeq < r.lastReadSeq) return r;
        const unread = Math.max(0, unreadCount);
        // The read ack has no mention count: none once all is read, never more than the unread (the list refresh is exact).
        return { ...r, lastReadSeq, unreadCount: unread, mentionCount: unread === 0 ? 0 : Math.min(r.mentionCount, unread) };
      }),
    ),
  setMuted: (roomId, muted) => set((st) => update(st, roomId, (r) => ({ ...r, muted, notify: muted ? 'none' : 'all' }))),
  setNotify: (roomId, notify) =>
    set((st) => update(st, roomId, (r) => (r.notify === notify ? r : { ...r, notify, muted: notify === 'none' }))),
  setMyRole: (roomId, role) => set((st) => update(st, roomId, (r) => (r.role === role ? r : { ...r, role }))),
  setMemberCount: (roomId, delta) => set((st) => update(st, roomId, (r) => ({ ...r, memberCount: Math.max(0, r.memberCount + delta) }))),
});
