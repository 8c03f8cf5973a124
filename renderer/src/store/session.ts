// Who is signed in, to which server, and why a session ended (said plainly on the login screen).
import type { StateCreator } from 'zustand';
import type { DesktopSession, SessionEndReason } from '../../../protocol/desktop.js';
import type { UserSelf } from '../../../protocol/types.js';
import type { AppState } from './index.js';

export type SessionStatus = 'restoring' | 'signed-out' | 'signed-in';

export interface SessionSlice {
  session: {
    status: SessionStatus;
    user: UserSelf | null;
    serverUrl: string | null;
    persistence: DesktopSession['persistence'] | null;
    endedReason: SessionEndReason | null;
  };
  signedIn(session: DesktopSession): void;
  signedOut(reason: SessionEndReason | null): void;
  setUser(user: UserSelf): void;
}

export const createSessionSlice: StateCreator<AppState, [], [], SessionSlice> = (set) => ({
  session: { status: 'restoring', user: null, serverUrl: null, persistence: null, endedReason: null },
  signedIn: (s) =>
    set({ session: { status: 'signed-in', user: s.user, serverUrl: s.serverUrl, persistence: s.persistence, endedReason: null } }),
  signedOut: (reason) =>
    set((st) => ({ session: { ...st.session, status: 'signed-out', user: null, persistence: null, endedReason: reason } })),
  setUser: (user) => set((st) => ({ session: { ...st.session, user } })),
});
