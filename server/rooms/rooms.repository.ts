// The only place with room and membership queries. Room lists are assembled with a fixed number of queries.
import type { Knex } from 'knex';
import { Batcher } from '../db/batcher.js';
import { RoomMemberModel, RoomModel } from '../db/models.js';
import { num } from '../db/values.js';
import { likePrefix } from '../users/users.repository.js';

export type RoomRow = RoomModel;
export type MemberRow = RoomMemberModel;
export type Role = 'owner' | 'admin' | 'member';

export interface Marker {
  id: number;
  lastSeq: number;
  lastReadSeq: number;
}

export interface MembershipRow extends RoomRow {
  role: Role;
  muted: boolean | number;
  notify: 'all' | 'mentions' | 'none';
  last_read_seq: number;
}

export class RoomsRepository {
  constructor(private readonly knex: Knex) {}

  private db(trx?: Knex.Transaction): Knex {
    return trx ?? this.knex;
  }

  async findLive(id: number, trx?: Knex.Transaction): Promise<RoomRow | undefined> {
    return RoomModel.query(this.db(trx)).findById(id).whereNull('deleted_at');
  }

  async findDirect(key: string, trx?: Knex.Transaction): Promise<RoomRow | undefined> {
    return RoomModel.query(this.db(trx)).where('direct_key', key).whereNull('deleted_at').first();
  }

  async findMember(roomId: number, userId: number, trx?: Knex.Transaction): Promise<MemberRow | undefined> {
    return RoomMemberModel.query(this.db(trx)).where({ room_id: roomId, user_id: userId }).first();
  }

  async insertRoom(
    input: {
      kind: 'group' | 'direct';
      name: string;
      description: string;
      visibility: 'public' | 'private';
      createdBy: number;
      directKey: string | null;
    },
    trx: Knex.Transaction,
  ): Promise<RoomRow> {
    const now = new Date();
    return RoomModel.query(trx).insertAndFetch({
      kind: input.kind,
      name: input.name,
      description: input.description,
      visibility: input.visibility,
      created_by: input.createdBy,
      direct_key: input.directKey,
      last_seq: 0,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    });
  }

  async insertMembers(roomId: number, members: readonly { userId: number; role: Role }[], trx?: Knex.Transaction): Promise<void> {
    if (members.length === 0) return;
    const now = new Date();
    await this.db(trx)('room_members').insert(
      members.map((m) => ({ room_id: roomId, user_id: m.userId, role: m.role, muted: false, last_read_seq: 0, joined_at: now })),
    );
  }

  async updateRoom(
    id: number,
    patch: { name?: string; description?: string; visibility?: 'public' | 'private' },
  ): Promise<RoomRow | undefined> {
    const values: Partial<RoomModel> = { updated_at: new Date() };
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.description !== undefined) values.description = patch.description;
    if (patch.visibility !== undefined) values.visibility = patch.visibility;
    await RoomModel.query(this.knex).findById(id).patch(values);
    return this.findLive(id);
  }

  async setArchived(id: number, archived: boolean, trx?: Knex.Transaction): Promise<number> {
    return RoomModel.query(this.db(trx)).findById(id).whereNull('deleted_at').patch({ archived, updated_at: new Date() });
  }

  /**
   * Live rooms newest first for the administrator's list (`q`: a prefix of the name), with each room's owner and
   * the time of its last message.
   */
  async adminList(
    q: string | undefined,
    limit: number,
    before: number | undefined,
  ): Promise<(RoomRow & { owner_id: number | null; last_message_at: Date | number | null })[]> {
    const query = this.knex('rooms as r')
      .leftJoin('room_members as o', (j) => j.on('o.room_id', '=', 'r.id').andOnVal('o.role', '=', 'owner'))
      .leftJoin('messages as m', (j) => j.on('m.room_id', '=', 'r.id').andOn('m.seq', '=', 'r.last_seq'))
      .whereNull('r.deleted_at')
      .orderBy('r.id', 'desc')
      .limit(limit)
      .select('r.*', 'o.user_id as owner_id', 'm.created_at as last_message_at');
    if (q) query.whereRaw("r.name LIKE ? ESCAPE '!'", [likePrefix(q)]);
    if (before !== undefined) query.where('r.id', '<', before);
    return (await query) as (RoomRow & { owner_id: number | null; last_message_at: Date | number | null })[];
  }

  /** Soft-deletes the room and removes its memberships; returns the former member ids. */
  async softDelete(id: number, trx: Knex.Transaction): Promise<number[]> {
    const members = await this.memberIds(id, trx);
    await RoomModel.query(trx).findById(id).patch({ deleted_at: new Date(), direct_key: null });
    await trx('room_members').where('room_id', id).delete();
    return members;
  }

  async memberIds(roomId: number, trx?: Knex.Transaction): Promise<number[]> {
    const rows = (await this.db(trx)('room_members').where('room_id', roomId).select('user_id')) as { user_id: number }[];
    return rows.map((r) => r.user_id);
  }

  async listMembers(roomId: number): Promise<MemberRow[]> {
    return RoomMemberModel.query(this.knex)
      .where('room_id', roomId)
      .orderBy([{ column: 'joined_at' }, { column: 'user_id' }]);
  }

  async removeMember(roomId: number, userId: number, trx?: Knex.Transaction): Promise<boolean> {
    return (await this.db(trx)('room_members').where({ room_id: roomId, user_id: userId }).delete()) > 0;
  }

  async setRole(roomId: number, userId: number, role: Role, trx?: Knex.Transaction): Promise<void> {
    await this.db(trx)('room_members').where({ room_id: roomId, user_id: userId }).update({ role });
  }

  async setNotify(roomId: number, userId: number, notify: 'all' | 'mentions' | 'none'): Promise<void> {
    await this.knex('room_members')
      .where({ room_id: roomId, user_id: userId })
      .update({ notify, muted: notify === 'none' });
  }

  /** Everyone who shares a live room with the user (the user included): whose presence they can see. */
  async coMemberIds(userId: number): Promise<number[]> {
    const rows = (await this.knex('room_members as mine')
      .join('rooms as r', 'r.id', 'mine.room_id')
      .join('room_members as rm', 'rm.room_id', 'mine.room_id')
      .where('mine.user_id', userId)
      .whereNull('r.deleted_at')
      .distinct('rm.user_id')) as { user_id: number }[];
    return rows.map((r) => num(r.user_id));
  }

  /** Moves the read marker forward only; returns the marker after the update. */
  async markRead(roomId: number, userId: number, seq: number): Promise<{ changed: boolean; lastReadSeq: number }> {
    const changed = await this.knex('room_members')
      .where({ room_id: roomId, user_id: userId })
      .where('last_read_seq', '<', seq)
      .update({ last_read_seq: seq });
    // Moved: the marker is `seq` now. Not moved: it was already at or past it, so read it back.
    if (changed > 0) return { changed: true, lastReadSeq: seq };
    const row = await this.findMember(roomId, userId);
    return { changed: false, lastReadSeq: row ? num(row.last_read_seq) : 0 };
  }

  /** A live room and the user's membership of it in one query (the common case of every member-only route). */
  async liveMembership(roomId: number, userId: number): Promise<{ room: RoomRow; member: MemberRow } | undefined> {
    const row = (await this.knex('rooms as r')
      .join('room_members as rm', 'rm.room_id', 'r.id')
      .where({ 'r.id': roomId, 'rm.user_id': userId })
      .whereNull('r.deleted_at')
      .first('r.*', 'rm.role', 'rm.muted', 'rm.notify', 'rm.last_read_seq', 'rm.joined_at')) as
      | (RoomRow & { role: Role; muted: boolean | number; notify: MemberRow['notify']; last_read_seq: number; joined_at: Date | number })
      | undefined;
    if (!row) return undefined;
    const member = RoomMemberModel.fromJson(
      {
        room_id: row.id,
        user_id: userId,
        role: row.role,
        muted: row.muted,
        notify: row.notify,
        last_read_seq: row.last_read_seq,
        joined_at: row.joined_at,
      },
      { skipValidation: true },
    );
    return { room: RoomModel.fromJson({ ...row }, { skipValidation: true }), member };
  }

  /** The longest-standing admin, else the longest-standing member: who inherits a room its owner leaves. */
  async successor(roomId: number, trx: Knex.Transaction): Promise<number | undefined> {
    const row = (await trx('room_members')
      .where('room_id', roomId)
      .orderByRaw("CASE role WHEN 'admin' THEN 0 ELSE 1 END")
      .orderBy('joined_at')
      .orderBy('user_id')
      .first('user_id')) as { user_id: number } | undefined;
    return row?.user_id;
  }

  /** The caller's memberships (all, or those in `roomIds`), joined with their rooms. */
  async memberships(userId: number, roomIds?: readonly number[]): Promise<MembershipRow[]> {
    const q = this.knex('rooms as r')
      .join('room_members as rm', 'rm.room_id', 'r.id')
      .where('rm.user_id', userId)
      .whereNull('r.deleted_at')
      .select('r.*', 'rm.role', 'rm.muted', 'rm.notify', 'rm.last_read_seq');
    if (roomIds) q.whereIn('r.id', roomIds.length ? [...roomIds] : [0]);
    return (await q) as MembershipRow[];
  }

  /** Each room's lastSeq and the user's lastReadSeq: batched across users when many ask at once (reconnects). */
  markersOf(userId: number): Promise<Marker[] | undefined> {
    return this.markers.load(userId);
  }

  private readonly markers = new Batcher<number, Marker[]>(async (userIds) => {
    const rows = (await this.knex('room_members as rm')
      .join('rooms as r', 'r.id', 'rm.room_id')
      .whereIn('rm.user_id', userIds)
      .whereNull('r.deleted_at')
      .select('rm.user_id', 'r.id', 'r.last_seq', 'rm.last_read_seq')) as {
      user_id: number;
      id: number;
      last_seq: number;
      last_read_seq: number;
    }[];
    const byUser = new Map<number, Marker[]>();
    for (const r of rows) {
      let list = byUser.get(r.user_id);
      if (!list) byUser.set(r.user_id, (list = []));
      list.push({ id: r.id, lastSeq: num(r.last_seq), lastReadSeq: num(r.last_read_seq) });
    }
    return byUser;
  });

  async memberCounts(roomIds: readonly number[]): Promise<Map<number, number>> {
    if (roomIds.length === 0) return new Map();
    const rows = (await this.knex('room_members')
      .whereIn('room_id', [...roomIds])
      .groupBy('room_id')
      .select('room_id')
      .count({ n: '*' })) as {
      room_id: number;
      n: number | string;
    }[];
    return new Map(rows.map((r) => [r.room_id, num(r.n)]));
  }

  /** Unread messages from others past the caller's read marker, per room, in one grouped query. */
  async unreadCounts(userId: number, roomIds: readonly number[]): Promise<Map<number, number>> {
    if (roomIds.length === 0) return new Map();
    const rows = (await this.knex('messages as m')
      .join('room_members as rm', 'rm.room_id', 'm.room_id')
      .where('rm.user_id', userId)
      .whereIn('m.room_id', [...roomIds])
      .whereRaw('m.seq > rm.last_read_seq')
      // A recalled message is no longer there to read; a system message is never unread.
      .whereNull('m.deleted_at')
      .whereNot('m.kind', 'system')
      .where((w) => w.whereNull('m.sender_id').orWhereNot('m.sender_id', userId))
      .groupBy('m.room_id')
      .select('m.room_id')
      .count({ n: '*' })) as { room_id: number; n: number | string }[];
    return new Map(rows.map((r) => [r.room_id, num(r.n)]));
  }

  /** For each direct room, the other member's id. */
  async peers(userId: number, roomIds: readonly number[]): Promise<Map<number, number>> {
    if (roomIds.length === 0) return new Map();
    const rows = (await this.knex('room_members')
      .whereIn('room_id', [...roomIds])
      .whereNot('user_id', userId)
      .select('room_id', 'user_id')) as {
      room_id: number;
      user_id: number;
    }[];
    return new Map(rows.map((r) => [r.room_id, r.user_id]));
  }

  async directory(q: string, limit: number): Promise<RoomRow[]> {
    const query = RoomModel.query(this.knex)
      .where({ kind: 'group', visibility: 'public', archived: false })
      .whereNull('deleted_at')
      .orderBy('name')
      .orderBy('id')
      .limit(limit);
    if (q) query.whereRaw("name LIKE ? ESCAPE '!'", ['%' + likePrefix(q)]);
    return query;
  }
}
