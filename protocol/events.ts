// The Socket.IO event maps, used by Server<...> on the server and Socket<...> in every client.
import type { Ack, SessionEndCode } from './errors.js';
import type {
  Message,
  MessageDeletePayload,
  MessageEditPayload,
  MessageReactPayload,
  NotifyLevel,
  Reaction,
  ReactionsChange,
  MessageSendPayload,
  MyRoom,
  Room,
  RoomReadPayload,
  TypingPayload,
  UserPublic,
  UserSelf,
  Role,
} from './types.js';

export interface SessionReady {
  user: UserSelf;
  rooms: { id: number; lastSeq: number; lastReadSeq: number }[];
  /** Users online in the caller's rooms, the caller included. */
  onlineCount: number;
}

export interface RoomSettingsChange {
  roomId: number;
  notify: NotifyLevel;
  muted: boolean;
}

export interface MemberRead {
  roomId: number;
  userId: number;
  lastReadSeq: number;
}

export interface ServerToClientEvents {
  'session:ready': (payload: SessionReady) => void;
  'message:new': (message: Message) => void;
  'message:updated': (message: Message) => void;
  'room:created': (room: MyRoom) => void;
  'room:updated': (room: Room) => void;
  'room:deleted': (payload: { roomId: number }) => void;
  'room:member-joined': (payload: { roomId: number; user: UserPublic; role: Role }) => void;
  'room:member-left': (payload: { roomId: number; userId: number }) => void;
  /** A member's role changed (added to PROTOCOL.md's list: role changes had no event). */
  'room:member-updated': (payload: { roomId: number; userId: number; role: Role }) => void;
  'room:read': (payload: { roomId: number; userId: number; lastReadSeq: number }) => void;
  /** The caller changed a room's notification level on another device. */
  'room:settings': (payload: RoomSettingsChange) => void;
  /** Another member's read marker moved (coalesced: at most one per member per room per second). */
  'room:member-read': (payload: MemberRead) => void;
  /** Several members' markers moved in the same window (same coalescing): one event for the room. */
  'room:members-read': (payload: { roomId: number; reads: { userId: number; lastReadSeq: number }[] }) => void;
  /** A message's reactions changed; `reactions` is the whole new list. */
  'message:reactions': (payload: ReactionsChange) => void;
  typing: (payload: { roomId: number; userId: number; typing: boolean }) => void;
  presence: (payload: { userId: number; online: boolean; lastSeenAt: string | null }) => void;
  /** Several users came online in the same short window (a reconnect storm): one event per room instead of many. */
  'presence:many': (payload: { users: { userId: number; online: boolean; lastSeenAt: string | null }[] }) => void;
  /** A user changed their display name or avatar (added to PROTOCOL.md's list): to the members of their rooms and themselves. */
  'user:updated': (user: UserPublic) => void;
  /** The session ended (`code` says why; `reason` is text for logs only); the socket is disconnected right after. */
  'session:revoked': (payload: { code: SessionEndCode; reason: string }) => void;
  /** A transient failure while setting the socket up (database or Redis): not a revocation; reconnect with backoff. */
  'session:interrupted': (payload: { code: 'SERVICE_UNAVAILABLE'; message: string }) => void;
  /** The access token expired on an open socket (added to PROTOCOL.md's list): refresh, then reconnect. */
  'token:expired': (payload: { code: 'TOKEN_EXPIRED'; message: string }) => void;
}

export interface ClientToServerEvents {
  'message:send': (payload: MessageSendPayload, ack: (res: Ack<{ message: Message }>) => void) => void;
  'message:edit': (payload: MessageEditPayload, ack: (res: Ack<{ message: Message }>) => void) => void;
  'message:delete': (payload: MessageDeletePayload, ack: (res: Ack<{ message: Message }>) => void) => void;
  'room:read': (payload: RoomReadPayload, ack: (res: Ack<{ lastReadSeq: number; unreadCount: number }>) => void) => void;
  typing: (payload: TypingPayload, ack?: (res: Ack) => void) => void;
  /** Add (`on: true`) or remove one's own reaction; idempotent. */
  'message:react': (payload: MessageReactPayload, ack: (res: Ack<{ reactions: Reaction[] }>) => void) => void;
}
