// The only place with message queries. History is keyset-paginated on (room_id, seq), never OFFSET.
import type { Knex } from 'knex';
import { dialectOf } from '../db/knex.js';
import { MessageModel } from '../db/models.js';
import { transact } from '../db/transaction.js';
import { num } from '../db/values.js';
import type { Attachment } from '../../protocol/types.js';
import type { SearchIndex } from '../search/search-index.js';

export type MessageRow = MessageModel;

export interface NewMessage {
  roomId: number;
  senderId: number;
  clientId: string;
  kind: 'text' | 'image' | 'file' | 'system';
  body: string;
  replyToId: number | null;
  /** The upload an image/file message holds: claimed in the transaction that writes the message. */
  attachment?: NonNullable<Attachment> | null;
  /** Member ids the body mentions (resolved before the write; stored in its transaction). */
  mentions?: readonly number[];
  /** Set on kind 'system': what happened. Written whether or not the sender (the actor) is still a member. */
  system?: { event: string; userId: number | null; name: string | null } | null;
}

/** A message's (sender, clientId) identity, as "sender\\0clientId". */
export const key = (m: Pick<NewMessage, 'senderId' | 'clientId'>) => `${m.senderId}\u0000${m.clientId}`;

export class MessagesRepository {
  /** `search` is told of every insert, edit and recall inside the transaction that makes it. */
  constructor(
    private readonly knex: Knex,
    private readonly search?: SearchIndex,
  ) {}

  async findByIds(ids: readonly number[]): Promise<MessageRow[]> {
    if (ids.length === 0) return [];
    return MessageModel.query(this.knex).whereIn('id', [...ids]);
  }

  async findById(id: number, trx?: Knex.Transaction): Promise<MessageRow | undefined> {
    return MessageModel.query(trx ?? this.knex).findById(id);
  }

  async findBySenderClient(senderId: number, clientId: string, trx?: Knex.Transaction): Promise<MessageRow | undefined> {
    return MessageModel.query(trx ?? this.knex)
      .where({ sender_id: senderId, client_id: clientId })
      .first();
  }

  /** Which of `userIds` are members of the live room. */
  async membersAmong(roomId: number, userIds: readonly number[], trx: Knex.Transaction): Promise<Set<number>> {
    const rows = (await trx('room_members as rm')
      .join('rooms as r', 'r.id', 'rm.room_id')
      .where('rm.room_id', roomId)
      .whereNull('r.deleted_at')
      // An archived room takes no messages from anyone (system messages are not checked here).
      .whereRaw('r.archived = 0')
      .whereIn('rm.user_id', [...userIds])
      .select('rm.user_id')) as { user_id: number }[];
    return new Set(rows.map((r) => r.user_id));
  }

  /**
   * What a group commit must know before it reserves seqs, in one round trip: which (room, user) pairs may write
   * (members of live, unarchived rooms) as "room:user" keys, and which (sender, clientId) pairs already have a
   * message as "sender\0clientId" keys. A plain (consistent) read, as membersAmong: a shared lock here deadlocked
   * concurrent group commits on MariaDB (the join's room rows, S-locked here, are X-locked by the seq UPDATE that
   * follows).
   */
  async planningReads(
    inputs: readonly NewMessage[],
    writers: readonly { roomId: number; userId: number }[],
    trx: Knex.Transaction,
  ): Promise<{ members: Set<string>; taken: Set<string> }> {
    const pairs = [...new Map(inputs.map((m) => [key(m), [m.senderId, m.clientId] as [number, string]])).values()];
    // (sender_id, client_id) IN ((?, ?), ...): exact lookups on the unique key, where two IN lists read every pair.
    const taken = trx('messages')
      .whereIn(['sender_id', 'client_id'], pairs)
      .select(trx.raw("'t' AS k"), 'sender_id AS a', trx.raw('NULL AS b'), 'client_id AS c');
    const q =
      writers.length === 0
        ? taken
        : trx('room_members as rm')
            .join('rooms as r', 'r.id', 'rm.room_id')
            .whereNull('r.deleted_at')
            .whereRaw('r.archived = 0')
            .whereIn('rm.room_id', [...new Set(writers.map((p) => p.roomId))])
            .whereIn('rm.user_id', [...new Set(writers.map((p) => p.userId))])
            .select(trx.raw("'m' AS k"), 'rm.room_id AS a', 'rm.user_id AS b', trx.raw('NULL AS c'))
            .unionAll(taken);
    const rows = (await q) as { k: string; a: number | string; b: number | string | null; c: string | null }[];
    const members = new Set<string>();
    const found = new Set<string>();
    for (const r of rows) {
      if (r.k === 'm') members.add(`${num(r.a)}:${num(r.b!)}`);
      else found.add(`${num(r.a)}\u0000${r.c!}`);
    }
    return { members, taken: found };
  }

  /**
   * Reserves `count` seqs of a live room, inside the caller's transaction, and returns the last one (the run is
   * last-count+1 .. last). The UPDATE holds the room row's lock until commit, so concurrent writers queue and seq
   * stays gap-free; a rollback gives the seqs back. With `memberId`, only if that user is a member (one statement
   * for a lone send). Undefined when the room is gone (or the user is no member). MySQL hands the new value back
   * through LAST_INSERT_ID(expr), SQLite through RETURNING.
   */
  async reserveSeqs(roomId: number, count: number, trx: Knex.Transaction, memberId?: number): Promise<number | undefined> {
    let where = 'WHERE id = ? AND deleted_at IS NULL';
    const bindings: number[] = [count, roomId];
    if (memberId !== undefined) {
      // A member's message needs a room that is not archived; system messages (no memberId) are written regardless.
      where += ' AND archived = 0 AND EXISTS (SELECT 1 FROM room_members WHERE room_id = ? AND user_id = ?)';
      bindings.push(roomId, memberId);
    }
    if (dialectOf(this.knex) === 'mysql') {
      const [res] = (await trx.raw(`UPDATE rooms SET last_seq = LAST_INSERT_ID(last_seq + ?) ${where}`, bindings)) as [
        { affectedRows: number; insertId: number },
      ];
      return res.affectedRows === 1 ? num(res.insertId) : undefined;
    }
    const rows = (await trx.raw(`UPDATE rooms SET last_seq = last_seq + ? ${where} RETURNING last_seq`, bindings)) as {
      last_seq: number;
    }[];
    return rows[0] ? num(rows[0].last_seq) : undefined;
  }

  /**
   * Reserves `count` seqs in each of several live rooms in one UPDATE (rows locked in id order, so two group commits
   * cannot deadlock on each other's rooms) and returns each updated room's last seq; a room that is gone is absent.
   * MySQL reads the new values back with a locking read (the latest committed rows, ours included), SQLite through
   * RETURNING.
   */
  async reserveSeqsMany(counts: ReadonlyMap<number, number>, trx: Knex.Transaction): Promise<Map<number, number>> {
    const ids = [...counts.keys()].sort((a, b) => a - b);
    if (ids.length === 0) return new Map();
    const cases = ids.map(() => 'WHEN ? THEN ?').join(' ');
    const bindings = [...ids.flatMap((id) => [id, counts.get(id)!]), ...ids];
    const list = ids.map(() => '?').join(',');
    const set = `SET last_seq = last_seq + CASE id ${cases} END WHERE id IN (${list}) AND deleted_at IS NULL`;
    let rows: { id: number; last_seq: number }[];
    if (dialectOf(this.knex) === 'mysql') {
      // FORCE INDEX: when the list covers a good part of a small rooms table, MySQL and MariaDB plan a full index
      // scan instead of the primary-key lookups, and in REPEATABLE READ a locking scan locks every row it passes:
      // concurrent group commits for disjoint rooms then wait for each other's commit (measured: 50-120 ms per
      // UPDATE in the durable-send bench, all of it lock waits).
      await trx.raw(`UPDATE rooms FORCE INDEX (PRIMARY) ${set} ORDER BY id`, bindings);
      rows = (
        await trx.raw(`SELECT id, last_seq FROM rooms FORCE INDEX (PRIMARY) WHERE id IN (${list}) AND deleted_at IS NULL FOR UPDATE`, ids)
      )[0] as typeof rows;
    } else {
      rows = (await trx.raw(`UPDATE rooms ${set} RETURNING id, last_seq`, bindings)) as typeof rows;
    }
    return new Map(rows.map((r) => [num(r.id), num(r.last_seq)]));
  }

  /** Inserts messages at seqs first, first+1, ... in one statement and returns the rows as written (a lone row is not read back). */
  async insertRun(inputs: readonly NewMessage[], first: number, trx: Knex.Transaction): Promise<MessageRow[]> {
    return (await this.insertRuns([{ first, inputs }], trx))[0]!;
  }

  /**
   * Inserts runs of messages (each run in one room, at seqs first, first+1, ...) in one statement and returns each
   * run's rows as written. The ids follow from the one the insert reports where the database makes them
   * consecutive (a lone row; consecutiveIds); otherwise they are read back in one query, because auto-increment ids
   * of a multi-row insert need not be consecutive (MySQL's interleaved lock mode).
   */
  async insertRuns(runs: readonly { first: number; inputs: readonly NewMessage[] }[], trx: Knex.Transaction): Promise<MessageRow[][]> {
    const now = new Date();
    const values = runs.map((run) =>
      run.inputs.map((m, i) => ({
        room_id: m.roomId,
        seq: run.first + i,
        sender_id: m.senderId,
        client_id: m.clientId,
        kind: m.kind,
        body: m.body,
        attachment: m.attachment ? JSON.stringify(m.attachment) : null,
        reply_to_id: m.replyToId,
        system: m.system ? JSON.stringify(m.system) : null,
        created_at: now,
        edited_at: null,
        deleted_at: null,
      })),
    );
    const all = values.flat();
    const [firstId] = await trx('messages').insert(all);
    let idOf = (_: (typeof all)[number], i: number) => num(firstId) + i;
    if (all.length > 1 && !(await this.consecutiveIds(trx))) {
      const ids = (await trx('messages')
        .where((w) => {
          for (const run of runs) {
            if (run.inputs.length === 0) continue;
            w.orWhere((b) => b.where('room_id', run.inputs[0]!.roomId).whereBetween('seq', [run.first, run.first + run.inputs.length - 1]));
          }
        })
        .select('id', 'room_id', 'seq')) as { id: number; room_id: number; seq: number }[];
      const byPlace = new Map(ids.map((r) => [`${num(r.room_id)}:${num(r.seq)}`, num(r.id)]));
      idOf = (v) => byPlace.get(`${v.room_id}:${v.seq}`)!;
    }
    let i = 0;
    const rows = values.map((run) => run.map((v) => MessageModel.fromJson({ id: idOf(v, i++), ...v }, { skipValidation: true })));
    await this.insertMentions(runs, rows, trx);
    await this.search?.add(trx, rows.flat());
    return rows;
  }

  /**
   * Whether a multi-row INSERT's auto-increment ids are consecutive from the one the driver reports: MySQL and
   * MariaDB guarantee it for a "simple insert" in innodb_autoinc_lock_mode 0 and 1 (MariaDB's default) with an
   * increment of 1; in mode 2 (MySQL 8's default) concurrent inserts may interleave, so the ids are read back.
   * SQLite reads back too (a local call). Asked once.
   */
  private consecutive?: Promise<boolean>;
  private consecutiveIds(trx: Knex.Transaction): Promise<boolean> {
    if (dialectOf(this.knex) !== 'mysql') return Promise.resolve(false);
    this.consecutive ??= trx
      .raw('SELECT @@innodb_autoinc_lock_mode AS mode, @@auto_increment_increment AS step')
      .then(([rows]: [{ mode: number | string; step: number | string }[]]) => num(rows[0]!.mode) <= 1 && num(rows[0]!.step) === 1)
      .catch(() => {
        this.consecutive = undefined;
        return false;
      });
    return this.consecutive;
  }

  /** The mentions of freshly inserted rows, in the same transaction (chunked for SQLite's variable limit). */
  private async insertMentions(
    runs: readonly { inputs: readonly NewMessage[] }[],
    rows: readonly MessageRow[][],
    trx: Knex.Transaction,
  ): Promise<void> {
    const values = runs.flatMap((run, i) =>
      run.inputs.flatMap((m, j) => {
        const row = rows[i]![j]!;
        return (m.mentions ?? []).map((userId) => ({ message_id: num(row.id), user_id: userId, room_id: m.roomId, seq: num(row.seq) }));
      }),
    );
    for (let i = 0; i < values.length; i += 200) await trx('message_mentions').insert(values.slice(i, i + 200));
  }

  /** A new body and its mentions, in one transaction. */
  async editWithMentions(id: number, body: string, mentions: readonly number[]): Promise<MessageRow | undefined> {
    await this.knex.transaction(async (trx) => {
      const changed = await MessageModel.query(trx).findById(id).whereNull('deleted_at').patch({ body, edited_at: new Date() });
      if (!changed) return;
      await this.search?.update(trx, id, body);
      await trx('message_mentions').where('message_id', id).delete();
      const row = await MessageModel.query(trx).findById(id);
      const values = mentions.map((userId) => ({ message_id: id, user_id: userId, room_id: row!.room_id, seq: num(row!.seq) }));
      for (let i = 0; i < values.length; i += 200) await trx('message_mentions').insert(values.slice(i, i + 200));
    });
    return this.findById(id);
  }

  /**
   * Marks the sender's upload as held by `messageId`, inside the transaction that wrote the message. False when
   * it is not the sender's or another message holds it already: the caller rolls back.
   */
  async claimUpload(uploadId: number, senderId: number, messageId: number, trx: Knex.Transaction): Promise<boolean> {
    const n = await trx('uploads')
      .where({ id: uploadId, uploader_id: senderId, purpose: 'attachment' })
      .whereNull('message_id')
      .update({ message_id: messageId });
    return n === 1;
  }

  /** Ascending page of a room: the newest, `before` a seq (walking back) or `after` a seq (catching up). */
  async page(
    roomId: number,
    opts: { before?: number | undefined; after?: number | undefined; limit: number },
  ): Promise<{ rows: MessageRow[]; hasMore: boolean }> {
    // MariaDB reads a deep `seq < before ORDER BY seq DESC LIMIT n` page as a `ref` scan on room_id alone,
    // walking every newer row of the room (56 ms at depth 50% of 100k rows against 1 ms): the hint keeps it a
    // range scan of the (room_id, seq) index at any depth. MySQL 8 accepts the same hint; SQLite needs none.
    const table =
      dialectOf(this.knex) === 'mysql' ? this.knex.raw('?? FORCE INDEX (??)', ['messages', 'messages_room_seq_unique']) : 'messages';
    const q = MessageModel.query(this.knex)
      .from(table)
      .where('room_id', roomId)
      .limit(opts.limit + 1);
    if (opts.after !== undefined) {
      q.where('seq', '>', opts.after).orderBy('seq', 'asc');
    } else {
      if (opts.before !== undefined) q.where('seq', '<', opts.before);
      q.orderBy('seq', 'desc');
    }
    const rows = await q;
    const hasMore = rows.length > opts.limit;
    if (hasMore) rows.pop();
    if (opts.after === undefined) rows.reverse();
    return { rows, hasMore };
  }

  async edit(id: number, body: string): Promise<MessageRow | undefined> {
    await transact(this.knex, async (trx) => {
      const changed = await MessageModel.query(trx).findById(id).whereNull('deleted_at').patch({ body, edited_at: new Date() });
      if (changed) await this.search?.update(trx, id, body);
    });
    return this.findById(id);
  }

  /** Recall empties the message: its mentions (no longer unread mentions) and reactions go with the body. */
  async recall(id: number): Promise<MessageRow | undefined> {
    await transact(this.knex, async (trx) => {
      const changed = await MessageModel.query(trx)
        .findById(id)
        .whereNull('deleted_at')
        .patch({ body: '', attachment: null, deleted_at: new Date() });
      if (changed) await this.search?.remove(trx, id);
      await trx('message_mentions').where('message_id', id).delete();
      await trx('message_reactions').where('message_id', id).delete();
    });
    return this.findById(id);
  }

  /**
   * A page of `limit` centred on `around` (ascending seq): half before it, the rest from it on; near either end of
   * the room the other side fills the page.
   */
  async pageAround(
    roomId: number,
    around: number,
    limit: number,
  ): Promise<{ rows: MessageRow[]; hasMoreBefore: boolean; hasMoreAfter: boolean }> {
    const older = await this.page(roomId, { before: Math.max(around, 1), limit });
    const newer = await this.page(roomId, { after: Math.max(around - 1, 0), limit });
    const takeBefore = Math.min(older.rows.length, Math.max(Math.floor(limit / 2), limit - newer.rows.length));
    const takeAfter = Math.min(newer.rows.length, limit - takeBefore);
    return {
      rows: [...older.rows.slice(older.rows.length - takeBefore), ...newer.rows.slice(0, takeAfter)],
      hasMoreBefore: older.hasMore || takeBefore < older.rows.length,
      hasMoreAfter: newer.hasMore || takeAfter < newer.rows.length,
    };
  }

  /** The message at each room's last seq, one query for all rooms. */
  async lastOfRooms(roomIds: readonly number[]): Promise<Map<number, MessageRow>> {
    if (roomIds.length === 0) return new Map();
    const rows = await MessageModel.query(this.knex)
      .join('rooms', (j) => j.on('rooms.id', '=', 'messages.room_id').andOn('rooms.last_seq', '=', 'messages.seq'))
      .whereIn('messages.room_id', [...roomIds])
      .select('messages.*');
    return new Map(rows.map((r) => [r.room_id, r]));
  }
}
