// Other members' read markers per room, for "Seen" and "seen by N". Seeded from the member list, moved by
// room:member-read; a marker only ever moves forward (a late event never undoes a newer one).
import type { StateCreator } from 'zustand';
import type { AppState } from './index.js';

export interface ReceiptsSlice {
  receipts: { byRoom: Record<number, Record<number, number>> };
  /** The member list's markers (replaces what the room had: members who left drop out). */
  setReceipts(roomId: number, entries: { userId: number; lastReadSeq: number }[]): void;
  memberRead(roomId: number, userId: number, lastReadSeq: number): void;
}

export const createReceiptsSlice: StateCreator<AppState, [], [], ReceiptsSlice> = (set) => ({
  receipts: { byRoom: {} },
  setReceipts: (roomId, entries) =>
    set((st) => {
      const held = st.receipts.byRoom[roomId] ?? {};
      const room: Record<number, number> = {};
      for (const e of entries) room[e.userId] = Math.max(e.lastReadSeq, held[e.userId] ?? 0);
      return { receipts: { byRoom: { ...st.receipts.byRoom, [roomId]: room } } };
    }),
  memberRead: (roomId, userId, lastReadSeq) =>
    set((st) => {
      const room = st.receipts.byRoom[roomId] ?? {};
      if ((room[userId] ?? 0) >= lastReadSeq) return {};
      return { receipts: { byRoom: { ...st.receipts.byRoom, [roomId]: { ...room, [userId]: lastReadSeq } } } };
    }),
});
