// Who is online and who is typing where. Typing entries expire on their own: a lost "stopped typing" event
// must not leave "Ann is typing…" on screen forever.
import type { StateCreator } from 'zustand';
import type { AppState } from './index.js';

export const TYPING_TTL_MS = 6000;

export interface PresenceSlice {
  presence: { online: Record<number, boolean>; typing: Record<number, Record<number, number>> };
  setOnline(userId: number, online: boolean): void;
  seedOnline(entries: { id: number; online: boolean }[]): void;
  setTyping(roomId: number, userId: number, typing: boolean, now: number): void;
  expireTyping(now: number): void;
}

export const createPresenceSlice: StateCreator<AppState, [], [], PresenceSlice> = (set) => ({
  presence: { online: {}, typing: {} },
  setOnline: (userId, online) =>
    set((st) =>
      st.presence.online[userId] === online ? {} : { presence: { ...st.presence, online: { ...st.presence.online, [userId]: online } } },
    ),
  seedOnline: (entries) =>
    set((st) => {
      const online = { ...st.presence.online };
      for (const e of entries) online[e.id] = e.online;
      return { presence: { ...st.presence, online } };
    }),
  setTyping: (roomId, userId, typing, now) =>
    set((st) => {
      const room = { ...(st.presence.typing[roomId] ?? {}) };
      if (typing) room[userId] = now + TYPING_TTL_MS;
      else if (room[userId] === undefined) return {};
      else delete room[userId];
      return { presence: { ...st.presence, typing: { ...st.presence.typing, [roomId]: room } } };
    }),
  expireTyping: (now) =>
    set((st) => {
      let changed = false;
      const typing: Record<number, Record<number, number>> = {};
      for (const [roomId, users] of Object.entries(st.presence.typing)) {
        const kept = Object.fromEntries(Object.entries(users).filter(([, until]) => until > now));
        if (Object.keys(kept).length !== Object.keys(users).length) changed = true;
        typing[Number(roomId)] = kept;
      }
      return changed ? { presence: { ...st.presence, typing } } : {};
    }),
});
