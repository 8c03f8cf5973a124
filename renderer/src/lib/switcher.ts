// What the quick switcher (Ctrl+K) offers for a query: my rooms first (most recent activity first), then people I
// have no direct room with yet (online first, then most recently seen), then public rooms I am not in (most recently
// active first). A person I already talk to appears once, as our direct room.
import type { MyRoom, Room, UserPublic } from '../../../protocol/types.js';

export type SwitcherItem =
  | { kind: 'room'; key: string; room: MyRoom; label: string }
  | { kind: 'person'; key: string; user: UserPublic; label: string }
  | { kind: 'public'; key: string; room: Room; label: string };

export interface SwitcherInput {
  query: string;
  /** Already in recency order (selectRoomList). */
  myRooms: MyRoom[];
  /** A room's name as shown (direct rooms go by the peer's live display name). */
  nameOf: (room: MyRoom) => string;
  people: UserPublic[];
  publicRooms: Room[];
  selfId: number;
  limit?: number;
}

const norm = (s: string) => s.normalize('NFKC').toLocaleLowerCase();

function matches(query: string, ...texts: (string | undefined)[]): boolean {
  const q = norm(query.trim());
  return q === '' || texts.some((t) => t !== undefined && norm(t).includes(q));
}

const time = (iso: string | null) => (iso ? Date.parse(iso) : 0);

export function switcherItems(input: SwitcherInput): SwitcherItem[] {
  const { query, myRooms, nameOf, selfId } = input;
  const limit = input.limit ?? 20;
  const rooms: SwitcherItem[] = myRooms
    .filter((r) => matches(query, nameOf(r), r.peer?.username))
    .map((room) => ({ kind: 'room', key: `r${room.id}`, room, label: nameOf(room) }));
  const talkingTo = new Set(myRooms.flatMap((r) => (r.kind === 'direct' && r.peer ? [r.peer.id] : [])));
  const people: SwitcherItem[] = query.trim()
    ? input.people
        .filter((u) => u.id !== selfId && !talkingTo.has(u.id) && matches(query, u.displayName, u.username))
        .sort((a, b) => Number(b.online) - Number(a.online) || time(b.lastSeenAt) - time(a.lastSeenAt))
        .map((user) => ({ kind: 'person', key: `u${user.id}`, user, label: user.displayName }))
    : [];
  const mine = new Set(myRooms.map((r) => r.id));
  const publicRooms: SwitcherItem[] = query.trim()
    ? input.publicRooms
        .filter((r) => !mine.has(r.id) && matches(query, r.name))
        .sort((a, b) => time(b.updatedAt) - time(a.updatedAt))
        .map((room) => ({ kind: 'public', key: `p${room.id}`, room, label: room.name }))
    : [];
  return [...rooms, ...people, ...publicRooms].slice(0, limit);
}
