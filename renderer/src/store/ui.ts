// What the user is looking at and how the app should look: active room, drafts, replies, dialogs, settings.
import type { StateCreator } from 'zustand';
import { DEFAULT_DESKTOP_SETTINGS, type DesktopSettings } from '../../../protocol/desktop.js';
import type { ConnectionState } from '../services/realtime-types.js';
import type { AppState } from './index.js';

export type ThemePreference = 'system' | 'light' | 'dark';
export type Dialog = 'create-room' | 'direct' | 'browse' | 'me' | 'switcher' | 'search' | 'admin' | null;
export type SidePanel = 'members' | 'settings' | null;
/** Why a room disappeared while it was open: deleted by its owner, or we are no longer a member (left elsewhere, removed). */
export type RoomGone = { roomId: number; reason: 'deleted' | 'removed' };

export interface UiSlice {
  ui: {
    activeRoomId: number | null;
    connection: ConnectionState;
    windowFocused: boolean;
    drafts: Record<number, string>;
    /** The message being replied to, per room. */
    replyTo: Record<number, number | null>;
    editingMessageId: number | null;
    dialog: Dialog;
    panel: SidePanel;
    settings: DesktopSettings;
    theme: ThemePreference;
    roomGone: RoomGone | null;
    /** The room the search dialog looks in (null: every room). */
    searchRoomId: number | null;
    /** A message opened from a search result: the room scrolls to it and marks it; `token` tells repeats apart. */
    highlight: { roomId: number; seq: number; token: number } | null;
  };
  openRoom(roomId: number | null): void;
  setConnection(state: ConnectionState): void;
  setWindowFocused(focused: boolean): void;
  setDraft(roomId: number, text: string): void;
  setReplyTo(roomId: number, messageId: number | null): void;
  setEditing(messageId: number | null): void;
  setDialog(dialog: Dialog): void;
  setPanel(panel: SidePanel): void;
  setSettings(settings: DesktopSettings): void;
  setTheme(theme: ThemePreference): void;
  setRoomGone(gone: RoomGone | null): void;
  openSearch(roomId: number | null): void;
  setHighlight(highlight: { roomId: number; seq: number } | null): void;
}

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => ({
  ui: {
    activeRoomId: null,
    connection: 'connecting',
    windowFocused: true,
    drafts: {},
    replyTo: {},
    editingMessageId: null,
    dialog: null,
    panel: null,
    settings: DEFAULT_DESKTOP_SETTINGS,
    theme: 'system',
    roomGone: null,
    searchRoomId: null,
    highlight: null,
  },
  openRoom: (roomId) =>
    set((st) => (st.ui.activeRoomId === roomId ? {} : { ui: { ...st.ui, activeRoomId: roomId, editingMessageId: null, roomGone: null } })),
  setConnection: (connection) => set((st) => ({ ui: { ...st.ui, connection } })),
  setWindowFocused: (windowFocused) => set((st) => ({ ui: { ...st.ui, windowFocused } })),
  setDraft: (roomId, text) => set((st) => ({ ui: { ...st.ui, drafts: { ...st.ui.drafts, [roomId]: text } } })),
  setReplyTo: (roomId, messageId) => set((st) => ({ ui: { ...st.ui, replyTo: { ...st.ui.replyTo, [roomId]: messageId } } })),
  setEditing: (editingMessageId) => set((st) => ({ ui: { ...st.ui, editingMessageId } })),
  setDialog: (dialog) => set((st) => ({ ui: { ...st.ui, dialog } })),
  setPanel: (panel) => set((st) => ({ ui: { ...st.ui, panel } })),
  setSettings: (settings) => set((st) => ({ ui: { ...st.ui, settings } })),
  setTheme: (theme) => set((st) => ({ ui: { ...st.ui, theme } })),
  setRoomGone: (roomGone) => set((st) => ({ ui: { ...st.ui, roomGone } })),
  openSearch: (searchRoomId) => set((st) => ({ ui: { ...st.ui, searchRoomId, dialog: 'search' } })),
  setHighlight: (h) => set((st) => ({ ui: { ...st.ui, highlight: h && { ...h, token: (st.ui.highlight?.token ?? 0) + 1 } } })),
});
