// What an administrator does to rooms (list, archive, hand over, delete), and what an account's deletion does to
// the rooms it was in. The rules of ordinary members stay in RoomsService; events go out only after commit.
import type { Knex } from 'knex';
import type { AdminRoom } from '../../protocol/admin.js';
import { transact } from '../db/transaction.js';
import { bool, iso, isoOrNull } from '../db/values.js';
import { AppError, notFound } from '../errors.js';
import type { DomainEventBus } from '../events.js';
import type { UsersRepository } from '../users/users.repository.js';
import type { RoomsRepository } from './rooms.repository.js';
import type { RoomsService } from './rooms.service.js';

export interface RoomAdminDeps {
  knex: Knex;
  rooms: RoomsRepository;
  roomsService: RoomsService;
  users: UsersRepository;
  events: DomainEventBus;
}

const invalidOwner = (message: string) =>
  new AppError('VALIDATION_FAILED', `ownerId ${message}`, { details: [{ path: 'ownerId', message }] });

export class RoomAdmin {
  constructor(private readonly d: RoomAdminDeps) {}

  async list(q: string | undefined, limit: number, before: number | undefined): Promise<AdminRoom[]> {
    const rows = await this.d.rooms.adminList(q, limit, before);
    const counts = await this.d.rooms.memberCounts(rows.map((r) => r.id));
    // A direct room is named after its two accounts (its key is "smallerId:largerId").
    const pairOf = (key: string | null) => (key ?? '').split(':').map(Number).filter(Number.isInteger);
    const userIds = rows.flatMap((r) => [
      ...(r.owner_id === null ? [] : [r.owner_id]),
      ...(r.kind === 'direct' ? pairOf(r.direct_key) : []),
    ]);
    const users = await this.d.users.findByIds(userIds);
    const nameOf = (id: number) => {
      const u = users.get(id);
      return u && u.status !== 'deleted' ? u.username : '';
    };
    return rows.map((r) => ({
      id: r.id,
      name:
        r.kind === 'direct'
          ? pairOf(r.direct_key)
              .map(nameOf)
              .filter((n) => n !== '')
              .join(', ')
          : r.name,
      kind: r.kind,
      visibility: r.visibility,
      ownerId: r.owner_id,
      ownerName: r.owner_id === null ? null : nameOf(r.owner_id) || null,
      memberCount: counts.get(r.id) ?? 0,
      archived: bool(r.archived),
      lastMessageAt: isoOrNull(r.last_message_at),
      createdAt: iso(r.created_at),
    }));
  }

  async get(id: number): Promise<AdminRoom> {
    const [room] = await this.list(undefined, 1, id + 1);
    if (!room || room.id !== id) throw notFound('room');
    return room;
  }

  /** Archives or unarchives a live room; members hear of it as room:updated. False when nothing changed. */
  async setArchived(id: number, archived: boolean): Promise<boolean> {
    const room = await this.d.rooms.findLive(id);
    if (!room) throw notFound('room');
    if (bool(room.archived) === archived) return false;
    await this.d.rooms.setArchived(id, archived);
    const updated = await this.d.rooms.findLive(id);
    if (updated) this.d.events.emit('room:updated', await this.d.roomsService.toRoom(updated));
    return true;
  }

  /**
   * Hands a group room to one of its members: the previous owner stays on as an admin. `actorId` signs the
   * role-changed system message (the administrator; the new owner when the CLI does it). False when nothing changed.
   */
  async setOwner(actorId: number | null, id: number, ownerId: number): Promise<boolean> {
    const room = await this.d.rooms.findLive(id);
    if (!room) throw notFound('room');
    if (room.kind !== 'group') throw invalidOwner('cannot be set on a direct room');
    const target = await this.d.rooms.findMember(id, ownerId);
    if (!target) throw invalidOwner('is not a member of the room');
    if (target.role === 'owner') return false;
    const previous = await transact(this.d.knex, async (trx) => {
      const owners = (await trx('room_members').where({ room_id: id, role: 'owner' }).select('user_id')) as { user_id: number }[];
      await trx('room_members').where({ room_id: id, role: 'owner' }).update({ role: 'admin' });
      await this.d.rooms.setRole(id, ownerId, 'owner', trx);
      return owners.map((o) => o.user_id);
    });
    await this.d.roomsService.trace(id, actorId ?? ownerId, 'role-changed', ownerId, 'owner');
    this.d.events.emit('room:member-updated', id, ownerId, 'owner');
    for (const p of previous) this.d.events.emit('room:member-updated', id, p, 'admin');
    return true;
  }

  /** The same as an owner deleting the room: former members get room:deleted. Direct rooms too. */
  async remove(id: number): Promise<void> {
    if (!(await this.d.rooms.findLive(id))) throw notFound('room');
    const former = await transact(this.d.knex, (trx) => this.d.rooms.softDelete(id, trx));
    this.d.events.emit('room:deleted', id, former);
  }

  /**
   * A deleted account's rooms: its direct rooms stay (readable by the other person) and are archived; it leaves
   * every group room, handing ownership to the longest-standing admin, else member; a room left empty is archived.
   */
  async departAccount(userId: number): Promise<void> {
    const memberships = await this.d.rooms.memberships(userId);
    for (const m of memberships) {
      if (m.kind === 'direct') {
        await this.setArchived(m.id, true);
        continue;
      }
      const outcome = await transact(this.d.knex, async (trx) => {
        await this.d.rooms.removeMember(m.id, userId, trx);
        const heir = m.role === 'owner' ? await this.d.rooms.successor(m.id, trx) : undefined;
        if (heir !== undefined) await this.d.rooms.setRole(m.id, heir, 'owner', trx);
        const empty = (await this.d.rooms.memberIds(m.id, trx)).length === 0;
        if (empty) await this.d.rooms.setArchived(m.id, true, trx);
        return { heir, empty };
      });
      this.d.events.emit('room:member-left', m.id, userId);
      if (outcome.empty) continue;
      await this.d.roomsService.trace(m.id, userId, 'member-left', userId);
      if (outcome.heir !== undefined) {
        await this.d.roomsService.trace(m.id, userId, 'role-changed', outcome.heir, 'owner');
        this.d.events.emit('room:member-updated', m.id, outcome.heir, 'owner');
      }
    }
  }
}
