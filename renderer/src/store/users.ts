// Live profiles: the newest name and avatar of every user the app has seen, kept current by 'user:updated' and by
// fresh server data (after a reconnect, the profiles of everyone held here are fetched again). Messages, room previews and member lists keep the user object they were fetched with; the UI
// reads a user through selectUser(id, thatObject), which prefers this overlay, so a rename shows everywhere at
// once without rewriting every stored message. Presence (online, last seen) lives in the presence slice.
import type { StateCreator } from 'zustand';
import type { UserPublic } from '../../../protocol/types.js';
import type { AppState } from './index.js';

export interface UsersSlice {
  users: { byId: Record<number, UserPublic> };
  /** A profile changed ('user:updated', or my own save). My own also updates the signed-in user. */
  userUpdated(user: UserPublic): void;
  /**
   * User objects fresh from the server (room list, new messages, history, member lists, the profile refresh after a
   * reconnect): they go into the overlay, replacing entries that differ, so a name that changed while we were
   * offline shows everywhere, including on older messages that still carry the user object they were fetched with.
   */
  usersSeen(users: readonly UserPublic[]): void;
  resetUsers(): void;
}

const profileOf = (u: UserPublic): UserPublic => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  avatarUrl: u.avatarUrl,
  online: u.online,
  lastSeenAt: u.lastSeenAt,
  ...(u.deleted ? { deleted: true as const } : {}),
});

export const sameProfile = (a: UserPublic, b: UserPublic): boolean =>
  a.displayName === b.displayName && a.avatarUrl === b.avatarUrl && a.username === b.username && a.deleted === b.deleted;

export const createUsersSlice: StateCreator<AppState, [], [], UsersSlice> = (set) => ({
  users: { byId: {} },
  userUpdated: (user) =>
    set((st) => {
      const held = st.users.byId[user.id];
      const self = st.session.user;
      const patch: Partial<AppState> = {};
      if (!held || !sameProfile(held, user)) patch.users = { byId: { ...st.users.byId, [user.id]: profileOf(user) } };
      if (self && self.id === user.id && !sameProfile(self, user)) {
        patch.session = {
          ...st.session,
          user: { ...self, username: user.username, displayName: user.displayName, avatarUrl: user.avatarUrl },
        };
      }
      return patch;
    }),
  usersSeen: (users) =>
    set((st) => {
      let byId: Record<number, UserPublic> | undefined;
      for (const u of users) {
        const held = (byId ?? st.users.byId)[u.id];
        if (held && sameProfile(held, u)) continue;
        byId ??= { ...st.users.byId };
        byId[u.id] = profileOf(u);
      }
      return byId ? { users: { byId } } : {};
    }),
  resetUsers: () => set((st) => (Object.keys(st.users.byId).length ? { users: { byId: {} } } : {})),
});
