// The app's one route grammar, shared by the renderer's hash router (`#/rooms/12`) and desktop deep links
// (`messenger://rooms/12`), so a link means the same thing wherever it is opened.

export type Route = { name: 'home' } | { name: 'room'; roomId: number; seq: number | null };

const ROOM_PATH = /^\/?rooms?\/([1-9][0-9]{0,15})(?:\/messages\/([1-9][0-9]{0,15}))?\/?$/i;

/** `/rooms/<id>` or `/rooms/<id>/messages/<seq>` (and the older singular `room/<id>`); null for anything else. */
export function parseRoutePath(path: string): Route | null {
  const trimmed = path.trim();
  if (trimmed === '' || trimmed === '/') return { name: 'home' };
  const m = ROOM_PATH.exec(trimmed);
  if (!m?.[1]) return null;
  const roomId = Number(m[1]);
  const seq = m[2] ? Number(m[2]) : null;
  if (!Number.isSafeInteger(roomId) || (seq !== null && !Number.isSafeInteger(seq))) return null;
  return { name: 'room', roomId, seq };
}

export function formatRoutePath(route: Route): string {
  if (route.name === 'home') return '/';
  return route.seq === null ? `/rooms/${route.roomId}` : `/rooms/${route.roomId}/messages/${route.seq}`;
}
