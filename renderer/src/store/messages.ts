// Loaded history per room plus the outbox (sends not yet acknowledged), which the room view shows at the end.
import type { StateCreator } from 'zustand';
import type { Message, Reaction } from '../../../protocol/types.js';
import type { OutboxEntry } from '../services/realtime-types.js';
import type { AppState } from './index.js';
import { findMessage } from './selectors.js';
import { emptyTimeline, mergeMessages, prependPage, type Timeline } from './timeline.js';

export interface MessagesSlice {
  messages: { byRoom: Record<number, Timeline>; outbox: OutboxEntry[] };
  addMessages(roomId: number, messages: readonly Message[]): void;
  /** The newest page, fetched when a room is opened. */
  setLatestPage(roomId: number, messages: readonly Message[]): void;
  setLoadingBefore(roomId: number, loading: boolean): void;
  addOlderPage(roomId: number, messages: readonly Message[]): void;
  setOutbox(entries: OutboxEntry[]): void;
  /** message:reactions: the whole new list for one message, if it is loaded. */
  setReactions(roomId: number, messageId: number, reactions: Reaction[]): void;
  dropRoomMessages(roomId: number): void;
}

export const createMessagesSlice: StateCreator<AppState, [], [], MessagesSlice> = (set) => {
  const change = (st: AppState, roomId: number, fn: (t: Timeline) => Timeline): Partial<AppState> => {
    const before = st.messages.byRoom[roomId] ?? emptyTimeline;
    const after = fn(before);
    return after === before ? {} : { messages: { ...st.messages, byRoom: { ...st.messages.byRoom, [roomId]: after } } };
  };
  return {
    messages: { byRoom: {}, outbox: [] },
    addMessages: (roomId, list) => set((st) => change(st, roomId, (t) => mergeMessages(t, list))),
    setLatestPage: (roomId, list) => set((st) => change(st, roomId, (t) => ({ ...mergeMessages(t, list), initialised: true }))),
    setLoadingBefore: (roomId, loading) => set((st) => change(st, roomId, (t) => ({ ...t, loadingBefore: loading }))),
    addOlderPage: (roomId, list) => set((st) => change(st, roomId, (t) => prependPage(t, list))),
    setOutbox: (entries) => set((st) => ({ messages: { ...st.messages, outbox: entries } })),
    setReactions: (roomId, messageId, reactions) =>
      set((st) =>
        change(st, roomId, (t) => {
          const m = findMessage(t, messageId);
          if (!m) return t;
          const items = t.items.slice();
          items[m.seq - t.items[0]!.seq] = { ...m, reactions };
          return { ...t, items };
        }),
      ),
    dropRoomMessages: (roomId) =>
      set((st) => {
        const byRoom = { ...st.messages.byRoom };
        delete byRoom[roomId];
        return { messages: { ...st.messages, byRoom } };
      }),
  };
};
