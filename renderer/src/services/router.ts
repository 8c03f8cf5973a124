// Hash routes: `#/rooms/<id>` (and `#/rooms/<id>/messages/<seq>`) name what is open, so a reload keeps your place,
// Back/Forward move between rooms, and a link opens the same room for whoever follows it. Hash, not path, because the
// desktop app loads the same build from app:// where only the hash is ours. The store stays the source of truth for
// what is shown; this keeps the address bar and the store in step, both ways.
import { formatRoutePath, parseRoutePath, type Route } from '../../../protocol/routes.js';
import type { AppStore } from '../store/index.js';

export function parseHash(hash: string): Route | null {
  return parseRoutePath(hash.replace(/^#/, ''));
}

export function hashFor(route: Route): string {
  return `#${formatRoutePath(route)}`;
}

/** Move to a route the way a link click would (a new history entry); the hash listener opens it. */
export function navigate(route: Route, win: Window = window): void {
  const hash = hashFor(route);
  if (win.location.hash !== hash) win.location.hash = hash;
}

export function roomRoute(roomId: number, seq: number | null = null): Route {
  return { name: 'room', roomId, seq };
}

/**
 * Starts two-way syncing: a hash change (typed, Back/Forward, a link) opens that room through `open`; the store's
 * active room changing (a click in the list, a new room) pushes a history entry, or replaces it when the room went
 * away (leaving, being removed), so Back never leads into a room you no longer have. Returns the stop function.
 */
export function startRouter(store: AppStore, open: (roomId: number | null, seq: number | null) => void, win: Window = window): () => void {
  const apply = () => {
    const route = parseHash(win.location.hash);
    if (!route) {
      // Unknown address: show the home screen and say so in the address bar.
      win.history.replaceState(null, '', hashFor({ name: 'home' }));
      open(null, null);
      return;
    }
    if (route.name === 'home') open(null, null);
    else open(route.roomId, route.seq);
  };
  apply();
  win.addEventListener('hashchange', apply);

  const unsubscribe = store.subscribe((state, prev) => {
    const id = state.ui.activeRoomId;
    if (id === prev.ui.activeRoomId) return;
    const current = parseHash(win.location.hash);
    const currentId = current?.name === 'room' ? current.roomId : null;
    if (currentId === id) return;
    const hash = hashFor(id === null ? { name: 'home' } : roomRoute(id));
    const roomGone = id === null && currentId !== null && !state.rooms.byId[currentId];
    if (roomGone) win.history.replaceState(null, '', hash);
    else win.history.pushState(null, '', hash);
  });
  return () => {
    win.removeEventListener('hashchange', apply);
    unsubscribe();
  };
}
