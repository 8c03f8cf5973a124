// One store built from typed slices (zustand's recommended shape). Slices only hold state and pure transitions;
// services (../services) call the server and feed results in, components read through the named selectors.
import { create } from 'zustand';
import { createAttachmentsSlice, type AttachmentsSlice } from './attachments.js';
import { createMessagesSlice, type MessagesSlice } from './messages.js';
import { createPresenceSlice, type PresenceSlice } from './presence.js';
import { createReceiptsSlice, type ReceiptsSlice } from './receipts.js';
import { createRoomsSlice, type RoomsSlice } from './rooms.js';
import { createSessionSlice, type SessionSlice } from './session.js';
import { createUiSlice, type UiSlice } from './ui.js';
import { createUsersSlice, type UsersSlice } from './users.js';

export type AppState = SessionSlice & RoomsSlice & MessagesSlice & PresenceSlice & UiSlice & UsersSlice & ReceiptsSlice & AttachmentsSlice;

export function createAppStore() {
  return create<AppState>()((...a) => ({
    ...createSessionSlice(...a),
    ...createRoomsSlice(...a),
    ...createMessagesSlice(...a),
    ...createPresenceSlice(...a),
    ...createUiSlice(...a),
    ...createUsersSlice(...a),
    ...createReceiptsSlice(...a),
    ...createAttachmentsSlice(...a),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;

/** The app's store. Tests make their own with createAppStore(). */
export const useAppStore = createAppStore();
