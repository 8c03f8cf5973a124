// Room rules: who may see, join, change and leave a room. Events go out only after commit.
import type { Knex } from 'knex';
import type { Member, MyRoom, NotifyLevel, Room, SystemEvent } from '../../protocol/types.js';
import { AppError, forbidden, isUniqueViolation, notFound } from '../errors.js';
import type { DomainEventBus } from '../events.js';
import { iso, bool, num } from '../db/values.js';
import type { ExtrasRepository } from '../messages/extras.repository.js';
import type { MessageViews } from '../messages/message-views.js';
import type { MessagesRepository } from '../messages/messages.repository.js';
import type { UsersRepository } from '../users/users.repository.js';
import type { UsersService } from '../users/users.service.js';
import type { MemberRow, MembershipRow, Role, RoomRow, RoomsRepository } from './rooms.repository.js';
import { transact } from '../db/transaction.js';

export interface RoomsDeps {
  knex: Knex;
  rooms: RoomsRepository;
  users: UsersRepository;
  usersService: UsersService;
  messages: MessagesRepository;
  messageViews: MessageViews;
  extras: ExtrasRepository;
  events: DomainEventBus;
}

/** Writes a room's system messages (the messages service, bound after both services exist). */
export interface SystemPoster {
  postSystem(roomId: number, actorId: number, system: { event: SystemEvent; userId: number | null; name: string | null }): Promise<unknown>;
}

export interface RoomAccess {
  room: RoomRow;
  member: MemberRow | undefined;
}

const roomNotFound = () => notFound('room');

/** An archived room is read-only: no messages, edits, recalls, reactions or new members. */
export function requireWritable(room: RoomRow): void {
  if (bool(room.archived)) throw new AppError('ROOM_ARCHIVED', 'this room is archived: it is read-only');
}

export class RoomsService {
  private poster: SystemPoster | undefined;

  constructor(private readonly d: RoomsDeps) {}

  useSystemPoster(poster: SystemPoster): void {
    this.poster = poster;
  }

  /** Membership and room changes leave a trace in the timeline (group rooms; direct rooms never change). */
  async trace(roomId: number, actorId: number, event: SystemEvent, userId: number | null = null, name: string | null = null) {
    await this.poster?.postSystem(roomId, actorId, { event, userId, name });
  }

  /** A room the caller may know of: a live room that is public or that they belong to. Others are 404. */
  async access(roomId: number, userId: number, trx?: Knex.Transaction): Promise<RoomAccess> {
    const room = await this.d.rooms.findLive(roomId, trx);
    if (!room) throw roomNotFound();
    const member = await this.d.rooms.findMember(roomId, userId, trx);
    if (!member && !(room.kind === 'group' && room.visibility === 'public')) throw roomNotFound();
    return { room, member };
  }

  /** Members only: a public room's outsiders get 403, a private room's 404. */
  async requireMember(roomId: number, userId: number, trx?: Knex.Transaction): Promise<{ room: RoomRow; member: MemberRow }> {
    const { room, member } = await this.access(roomId, userId, trx);
    if (!member) throw forbidden('join the room first');
    return { room, member };
  }

  async requireRole(roomId: number, userId: number, roles: readonly Role[], what: string): Promise<{ room: RoomRow; member: MemberRow }> {
    const access = await this.requireMember(roomId, userId);
    if (!roles.includes(access.member.role)) throw forbidden(`only the room's ${roles.join(' or ')} can ${what}`);
    return access;
  }

  private requireGroup(room: RoomRow, what: string): void {
    if (room.kind !== 'group') throw forbidden(`a direct room cannot ${what}`);
  }

  async toRoom(room: RoomRow): Promise<Room> {
    const counts = await this.d.rooms.memberCounts([room.id]);
    return roomView(room, counts.get(room.id) ?? 0);
  }

  /** MyRoom views of the caller's rooms (all or some), with a fixed number of queries however many rooms. */
  async myRooms(userId: number, roomIds?: readonly number[]): Promise<MyRoom[]> {
    const rows = await this.d.rooms.memberships(userId, roomIds);
    const ids = rows.map((r) => r.id);
    const directIds = rows.filter((r) => r.kind === 'direct').map((r) => r.id);
    const [counts, unread, mentions, last, peers] = await Promise.all([
      this.d.rooms.memberCounts(ids),
      this.d.rooms.unreadCounts(userId, ids),
      this.d.extras.mentionCounts(userId, ids),
      this.d.messages.lastOfRooms(ids),
      this.d.rooms.peers(userId, directIds),
    ]);
    const [lastMessages, peerRows] = await Promise.all([
      this.d.messageViews.many([...last.values()]),
      this.d.users.findByIds([...peers.values()]),
    ]);
    const peerViews = new Map((await this.d.usersService.publicMany([...peerRows.values()])).map((u) => [u.id, u]));
    const lastByRoom = new Map(lastMessages.map((m) => [m.roomId, m]));
    const views = rows.map((r: MembershipRow): MyRoom => {
      const peerId = peers.get(r.id);
      const peer = peerId !== undefined ? (peerViews.get(peerId) ?? null) : null;
      const base = roomView(r, counts.get(r.id) ?? 0);
      return {
        ...base,
        name: r.kind === 'direct' ? (peer?.displayName ?? 'Direct message') : base.name,
        role: r.role,
        muted: bool(r.muted),
        notify: r.notify,
        lastReadSeq: num(r.last_read_seq),
        unreadCount: unread.get(r.id) ?? 0,
        mentionCount: mentions.get(r.id) ?? 0,
        lastMessage: lastByRoom.get(r.id) ?? null,
        peer,
      };
    });
    const activity = (v: MyRoom) => Date.parse(v.lastMessage?.createdAt ?? v.createdAt);
    return views.sort((a, b) => activity(b) - activity(a) || b.id - a.id);
  }

  /** The names the caller sees for some of their live rooms (a direct room is named after the other member). */
  async names(userId: number, roomIds: readonly number[]): Promise<Map<number, string>> {
    const rows = await this.d.rooms.memberships(userId, roomIds);
    const peers = await this.d.rooms.peers(
      userId,
      rows.filter((r) => r.kind === 'direct').map((r) => r.id),
    );
    const peerRows = await this.d.users.findByIds([...new Set(peers.values())]);
    return new Map(
      rows.map((r) => {
        const peerId = peers.get(r.id);
        const peer = peerId !== undefined ? peerRows.get(peerId) : undefined;
        return [r.id, r.kind === 'direct' ? (peer?.display_name ?? 'Direct message') : r.name];
      }),
    );
  }

  /** The caller's rooms as session:ready needs them: one query (shared with other callers at the same moment). */
  async markers(userId: number): Promise<{ id: number; lastSeq: number; lastReadSeq: number }[]> {
    return (await this.d.rooms.markersOf(userId)) ?? [];
  }

  coMemberIds(userId: number): Promise<number[]> {
    return this.d.rooms.coMemberIds(userId);
  }

  async myRoom(userId: number, roomId: number): Promise<MyRoom> {
    const [view] = await this.myRooms(userId, [roomId]);
    if (!view) throw roomNotFound();
    return view;
  }

  async get(userId: number, roomId: number): Promise<MyRoom | Room> {
    const { room, member } = await this.access(roomId, userId);
    return member ? this.myRoom(userId, roomId) : this.toRoom(room);
  }

  private async announceAdded(roomId: number, userIds: readonly number[]): Promise<void> {
    for (const id of userIds) {
      const [view] = await this.myRooms(id, [roomId]);
      if (view) this.d.events.emit('room:added', id, view);
    }
  }

  async create(
    userId: number,
    input: { name: string; description?: string | undefined; visibility: 'public' | 'private'; memberIds?: number[] | undefined },
  ): Promise<MyRoom> {
    const others = [...new Set(input.memberIds ?? [])].filter((id) => id !== userId);
    const found = await this.d.users.findByIds(others);
    const missing = others.filter((id) => found.get(id)?.status !== 'active');
    if (missing.length) {
      throw new AppError('VALIDATION_FAILED', `memberIds: no such user ${missing[0]}`, {
        details: missing.slice(0, 20).map((id) => ({ path: 'memberIds', message: `no such user ${id}` })),
      });
    }
    const room = await transact(this.d.knex, async (trx) => {
      const room = await this.d.rooms.insertRoom(
        {
          kind: 'group',
          name: input.name,
          description: input.description ?? '',
          visibility: input.visibility,
          createdBy: userId,
          directKey: null,
        },
        trx,
      );
      await this.d.rooms.insertMembers(
        room.id,
        [{ userId, role: 'owner' }, ...others.map((id) => ({ userId: id, role: 'member' as const }))],
        trx,
      );
      return room;
    });
    await this.trace(room.id, userId, 'room-created', null, room.name);
    await this.announceAdded(room.id, [userId, ...others]);
    return this.myRoom(userId, room.id);
  }

  /** Exactly one direct room per pair: the unique direct_key settles a race between the two users. */
  async openDirect(userId: number, otherId: number): Promise<{ room: MyRoom; created: boolean }> {
    if (otherId === userId) {
      throw new AppError('VALIDATION_FAILED', 'userId: a direct room needs another user', {
        details: [{ path: 'userId', message: 'must be another user' }],
      });
    }
    const other = await this.d.users.findById(otherId);
    if (!other || other.status !== 'active') throw notFound('user');
    const key = `${Math.min(userId, otherId)}:${Math.max(userId, otherId)}`;
    const existing = await this.d.rooms.findDirect(key);
    if (existing) return { room: await this.myRoom(userId, existing.id), created: false };
    let roomId: number;
    try {
      roomId = await transact(this.d.knex, async (trx) => {
        const room = await this.d.rooms.insertRoom(
          { kind: 'direct', name: '', description: '', visibility: 'private', createdBy: userId, directKey: key },
          trx,
        );
        await this.d.rooms.insertMembers(
          room.id,
          [
            { userId, role: 'member' },
            { userId: otherId, role: 'member' },
          ],
          trx,
        );
        return room.id;
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const raced = await this.d.rooms.findDirect(key);
      if (!raced) throw err;
      return { room: await this.myRoom(userId, raced.id), created: false };
    }
    await this.announceAdded(roomId, [userId, otherId]);
    return { room: await this.myRoom(userId, roomId), created: true };
  }

  async directory(q: string, limit: number): Promise<Room[]> {
    const rows = await this.d.rooms.directory(q, limit);
    const counts = await this.d.rooms.memberCounts(rows.map((r) => r.id));
    return rows.map((r) => roomView(r, counts.get(r.id) ?? 0));
  }

  async update(
    userId: number,
    roomId: number,
    patch: { name?: string | undefined; description?: string | undefined; visibility?: 'public' | 'private' | undefined },
  ): Promise<Room> {
    const { room } = await this.requireRole(roomId, userId, ['owner', 'admin'], 'change it');
    this.requireGroup(room, 'be changed');
    const clean: { name?: string; description?: string; visibility?: 'public' | 'private' } = {};
    if (patch.name !== undefined) clean.name = patch.name;
    if (patch.description !== undefined) clean.description = patch.description;
    if (patch.visibility !== undefined) clean.visibility = patch.visibility;
    const updated = await this.d.rooms.updateRoom(roomId, clean);
    if (!updated) throw roomNotFound();
    if (clean.name !== undefined && clean.name !== room.name) await this.trace(roomId, userId, 'room-renamed', null, clean.name);
    const view = await this.toRoom(updated);
    this.d.events.emit('room:updated', view);
    return view;
  }

  async remove(userId: number, roomId: number): Promise<void> {
    const { room } = await this.requireRole(roomId, userId, ['owner'], 'delete it');
    this.requireGroup(room, 'be deleted');
    const former = await transact(this.d.knex, (trx) => this.d.rooms.softDelete(roomId, trx));
    this.d.events.emit('room:deleted', roomId, former);
  }

  async members(userId: number, roomId: number): Promise<Member[]> {
    await this.requireMember(roomId, userId);
    const rows = await this.d.rooms.listMembers(roomId);
    const users = await this.d.users.findByIds(rows.map((r) => r.user_id));
    const publics = new Map((await this.d.usersService.publicMany([...users.values()])).map((u) => [u.id, u]));
    return rows.flatMap((r) => {
      const user = publics.get(r.user_id);
      return user ? [{ user, role: r.role, joinedAt: iso(r.joined_at), lastReadSeq: num(r.last_read_seq) }] : [];
    });
  }

  async addMember(userId: number, roomId: number, targetId: number, role: 'admin' | 'member'): Promise<Member> {
    const { room, member } = await this.requireRole(roomId, userId, ['owner', 'admin'], 'add members');
    this.requireGroup(room, 'have members added');
    requireWritable(room);
    if (role === 'admin' && member.role !== 'owner') throw forbidden("only the room's owner can make admins");
    const target = await this.d.users.findById(targetId);
    if (!target || target.status !== 'active') throw notFound('user');
    if (await this.d.rooms.findMember(roomId, targetId)) throw new AppError('ALREADY_MEMBER', 'that user is already a member');
    try {
      await this.d.rooms.insertMembers(roomId, [{ userId: targetId, role }]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('ALREADY_MEMBER', 'that user is already a member');
      throw err;
    }
    await this.trace(roomId, userId, 'member-added', targetId);
    return this.afterJoin(roomId, targetId, role);
  }

  private async afterJoin(roomId: number, userId: number, role: Role): Promise<Member> {
    const row = await this.d.rooms.findMember(roomId, userId);
    const [user] = await this.d.usersService.publicMany([(await this.d.users.findById(userId))!]);
    this.d.events.emit('room:member-joined', roomId, user!, role);
    await this.announceAdded(roomId, [userId]);
    return { user: user!, role, joinedAt: iso(row?.joined_at ?? new Date()), lastReadSeq: row ? num(row.last_read_seq) : 0 };
  }

  async join(userId: number, roomId: number): Promise<MyRoom> {
    const { room, member } = await this.access(roomId, userId);
    if (member) throw new AppError('ALREADY_MEMBER', 'you are already a member');
    if (room.kind !== 'group' || room.visibility !== 'public') throw roomNotFound();
    requireWritable(room);
    try {
      await this.d.rooms.insertMembers(roomId, [{ userId, role: 'member' }]);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('ALREADY_MEMBER', 'you are already a member');
      throw err;
    }
    await this.trace(roomId, userId, 'member-joined', userId);
    await this.afterJoin(roomId, userId, 'member');
    return this.myRoom(userId, roomId);
  }

  /**
   * A new account joining a group room its invite names (public or private: the administrator who made the invite
   * chose the rooms). A room that is gone, or not a group, is skipped.
   */
  async joinByInvite(userId: number, roomId: number): Promise<boolean> {
    const room = await this.d.rooms.findLive(roomId);
    if (!room || room.kind !== 'group' || bool(room.archived) || (await this.d.rooms.findMember(roomId, userId))) return false;
    try {
      await this.d.rooms.insertMembers(roomId, [{ userId, role: 'member' }]);
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
    await this.trace(roomId, userId, 'member-joined', userId);
    await this.afterJoin(roomId, userId, 'member');
    return true;
  }

  async setRole(userId: number, roomId: number, targetId: number, role: Role): Promise<Member> {
    const { room } = await this.requireRole(roomId, userId, ['owner'], 'change roles');
    this.requireGroup(room, 'have roles');
    if (targetId === userId) throw forbidden('the owner cannot change their own role; make another member owner instead');
    const target = await this.d.rooms.findMember(roomId, targetId);
    if (!target) throw notFound('member');
    await transact(this.d.knex, async (trx) => {
      await this.d.rooms.setRole(roomId, targetId, role, trx);
      // Handing over ownership: the old owner stays on as an admin.
      if (role === 'owner') await this.d.rooms.setRole(roomId, userId, 'admin', trx);
    });
    // `name` carries the new role.
    await this.trace(roomId, userId, 'role-changed', targetId, role);
    this.d.events.emit('room:member-updated', roomId, targetId, role);
    if (role === 'owner') this.d.events.emit('room:member-updated', roomId, userId, 'admin');
    const [user] = await this.d.usersService.publicMany([(await this.d.users.findById(targetId))!]);
    return { user: user!, role, joinedAt: iso(target.joined_at), lastReadSeq: num(target.last_read_seq) };
  }

  /** Owner/admin removes someone; anyone removes themselves (leave). */
  async removeMember(userId: number, roomId: number, targetId: number): Promise<void> {
    if (targetId === userId) return this.leave(userId, roomId);
    const { room, member } = await this.requireRole(roomId, userId, ['owner', 'admin'], 'remove members');
    this.requireGroup(room, 'have members removed');
    const target = await this.d.rooms.findMember(roomId, targetId);
    if (!target) throw notFound('member');
    if (member.role === 'admin' && target.role !== 'member') throw forbidden('an admin can remove members only');
    if (await this.d.rooms.removeMember(roomId, targetId)) {
      this.d.events.emit('room:member-left', roomId, targetId);
      await this.trace(roomId, userId, 'member-removed', targetId);
    }
  }

  async leave(userId: number, roomId: number): Promise<void> {
    const { room, member } = await this.requireMember(roomId, userId);
    if (room.kind === 'direct') throw forbidden('a direct room cannot be left');
    const outcome = await transact(this.d.knex, async (trx) => {
      await this.d.rooms.removeMember(roomId, userId, trx);
      if (member.role !== 'owner') return { deleted: false, heir: undefined };
      const heir = await this.d.rooms.successor(roomId, trx);
      if (heir === undefined) {
        await this.d.rooms.softDelete(roomId, trx);
        return { deleted: true, heir: undefined };
      }
      await this.d.rooms.setRole(roomId, heir, 'owner', trx);
      return { deleted: false, heir };
    });
    this.d.events.emit('room:member-left', roomId, userId);
    if (!outcome.deleted) await this.trace(roomId, userId, 'member-left', userId);
    if (outcome.heir !== undefined) this.d.events.emit('room:member-updated', roomId, outcome.heir, 'owner');
    if (outcome.deleted) this.d.events.emit('room:deleted', roomId, [userId]);
  }

  async markRead(userId: number, roomId: number, seq: number): Promise<{ lastReadSeq: number; unreadCount: number }> {
    // Every member reads every message: the happy path is one query for room + membership (the full check, with
    // its 404-or-403 answer, only when that finds nothing).
    const { room } = (await this.d.rooms.liveMembership(roomId, userId)) ?? (await this.requireMember(roomId, userId));
    const target = Math.min(seq, num(room.last_seq));
    const { changed, lastReadSeq } = await this.d.rooms.markRead(roomId, userId, target);
    // The same query as the room list's unreadCount: one copy of the rule "others' messages past my marker".
    const unreadCount = (await this.d.rooms.unreadCounts(userId, [roomId])).get(roomId) ?? 0;
    if (changed) this.d.events.emit('room:read', roomId, userId, lastReadSeq);
    return { lastReadSeq, unreadCount };
  }

  /** The caller's notification level for a room; `muted` is kept equal to notify === 'none'. */
  async setNotify(userId: number, roomId: number, notify: NotifyLevel): Promise<MyRoom> {
    const { member } = await this.requireMember(roomId, userId);
    if (member.notify !== notify) {
      await this.d.rooms.setNotify(roomId, userId, notify);
      this.d.events.emit('room:settings', userId, roomId, notify);
    }
    return this.myRoom(userId, roomId);
  }
}

export function roomView(r: RoomRow, memberCount: number): Room {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    description: r.description,
    visibility: r.visibility,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    memberCount,
    lastSeq: num(r.last_seq),
    archived: bool(r.archived),
  };
}
