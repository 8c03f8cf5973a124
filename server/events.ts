// Domain events, emitted by services only after their transaction has committed.
// The realtime gateway turns them into Socket.IO events (across nodes through the adapter).
import { EventEmitter } from 'node:events';
import type { SessionEndCode } from '../protocol/errors.js';
import type { Message, MyRoom, NotifyLevel, ReactionsChange, Role, Room, UserPublic } from '../protocol/types.js';

export interface DomainEvents {
  'message:new': [message: Message];
  'message:updated': [message: Message];
  /** A user was given a room (created it, was added, joined, or opened a direct room). */
  'room:added': [userId: number, room: MyRoom];
  'room:updated': [room: Room];
  'room:deleted': [roomId: number, formerMemberIds: number[]];
  'room:member-joined': [roomId: number, user: UserPublic, role: Role];
  'room:member-left': [roomId: number, userId: number];
  'room:member-updated': [roomId: number, userId: number, role: Role];
  'room:read': [roomId: number, userId: number, lastReadSeq: number];
  /** The user changed a room's notification level. */
  'room:settings': [userId: number, roomId: number, notify: NotifyLevel];
  'message:reactions': [change: ReactionsChange];
  /** Sessions that must end now: their sockets get session:revoked and are disconnected. */
  'sessions:revoked': [userId: number, sessionIds: number[] | 'all', code: SessionEndCode];
  /** `roomIds`: who hears of it, when the user's memberships are about to change (an account being deleted). */
  'user:updated': [user: UserPublic, roomIds?: number[]];
}

export class DomainEventBus extends EventEmitter<DomainEvents> {}
