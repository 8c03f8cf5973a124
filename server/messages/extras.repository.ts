// Queries for what hangs off a message: mentions, reactions and the brief of the message it replies to. Each
// takes many messages at once, so a history page costs a fixed number of queries however long it is.
import type { Knex } from 'knex';
import type { Reaction, ReplyTo } from '../../protocol/types.js';
import { LIMITS } from '../../protocol/schemas.js';
import { num } from '../db/values.js';

export interface MentionRow {
  messageId: number;
  roomId: number;
  seq: number;
  userIds: readonly number[];
}

export class ExtrasRepository {
  constructor(private readonly knex: Knex) {}

  private db(trx?: Knex.Transaction): Knex {
    return trx ?? this.knex;
  }

  // ---------- mentions ----------

  /** Member ids of a room among lower-cased usernames, and (with `everyone`) all member ids. */
  async resolveMentions(roomId: number, names: readonly string[], everyone: boolean): Promise<number[]> {
    const q = this.knex('room_members as rm').where('rm.room_id', roomId).select('rm.user_id');
    if (!everyone) {
      if (names.length === 0) return [];
      // usernames compare case-insensitively (collation on MySQL, NOCASE on SQLite).
      q.join('users as u', 'u.id', 'rm.user_id').whereIn('u.username', [...names]);
    }
    const rows = (await q) as { user_id: number }[];
    return rows.map((r) => num(r.user_id)).sort((a, b) => a - b);
  }

  async insertMentions(rows: readonly MentionRow[], trx?: Knex.Transaction): Promise<void> {
    const values = rows.flatMap((r) =>
      r.userIds.map((userId) => ({ message_id: r.messageId, user_id: userId, room_id: r.roomId, seq: r.seq })),
    );
    // Chunks keep SQLite under its bound-variable limit for an @room in a large room.
    for (let i = 0; i < values.length; i += 200) await this.db(trx)('message_mentions').insert(values.slice(i, i + 200));
  }

  async deleteMentions(messageId: number, trx?: Knex.Transaction): Promise<void> {
    await this.db(trx)('message_mentions').where('message_id', messageId).delete();
  }

  async mentionsOf(messageIds: readonly number[]): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>();
    if (messageIds.length === 0) return out;
    const rows = (await this.knex('message_mentions')
      .whereIn('message_id', [...messageIds])
      .orderBy(['message_id', 'user_id'])
      .select('message_id', 'user_id')) as { message_id: number; user_id: number }[];
    for (const r of rows) {
      const id = num(r.message_id);
      let list = out.get(id);
      if (!list) out.set(id, (list = []));
      list.push(num(r.user_id));
    }
    return out;
  }

  /** Unread messages mentioning the user, per room: past the user's marker and not recalled (recall drops mentions). */
  async mentionCounts(userId: number, roomIds: readonly number[]): Promise<Map<number, number>> {
    if (roomIds.length === 0) return new Map();
    const rows = (await this.knex('message_mentions as mm')
      .join('room_members as rm', (j) => j.on('rm.room_id', '=', 'mm.room_id').andOn('rm.user_id', '=', 'mm.user_id'))
      .where('mm.user_id', userId)
      .whereIn('mm.room_id', [...roomIds])
      .whereRaw('mm.seq > rm.last_read_seq')
      .groupBy('mm.room_id')
      .select('mm.room_id')
      .count({ n: '*' })) as { room_id: number; n: number | string }[];
    return new Map(rows.map((r) => [num(r.room_id), num(r.n)]));
  }

  // ---------- reactions ----------

  async reactionsOf(messageIds: readonly number[], trx?: Knex.Transaction): Promise<Map<number, Reaction[]>> {
    const out = new Map<number, Reaction[]>();
    if (messageIds.length === 0) return out;
    const rows = (await this.db(trx)('message_reactions')
      .whereIn('message_id', [...messageIds])
      .orderBy('id')
      .select('message_id', 'emoji', 'user_id')) as { message_id: number; emoji: string; user_id: number }[];
    for (const r of rows) {
      const id = num(r.message_id);
      let list = out.get(id);
      if (!list) out.set(id, (list = []));
      const group = list.find((g) => g.emoji === r.emoji);
      if (group) group.userIds.push(num(r.user_id));
      else list.push({ emoji: r.emoji, userIds: [num(r.user_id)] });
    }
    return out;
  }

  /**
   * Adds a reaction unless the user already has it. Refuses a new distinct emoji past the per-message limit.
   * Returns false when nothing changed.
   */
  async addReaction(messageId: number, userId: number, emoji: string, trx: Knex.Transaction): Promise<'added' | 'exists' | 'limit'> {
    const mine = await trx('message_reactions').where({ message_id: messageId, user_id: userId, emoji }).first('id');
    if (mine) return 'exists';
    const distinct = (await trx('message_reactions').where('message_id', messageId).distinct('emoji')) as { emoji: string }[];
    if (!distinct.some((d) => d.emoji === emoji) && distinct.length >= LIMITS.reactionsPerMessage) return 'limit';
    await trx('message_reactions').insert({ message_id: messageId, user_id: userId, emoji, created_at: new Date() });
    return 'added';
  }

  async removeReaction(messageId: number, userId: number, emoji: string, trx: Knex.Transaction): Promise<boolean> {
    return (await trx('message_reactions').where({ message_id: messageId, user_id: userId, emoji }).delete()) > 0;
  }

  // ---------- replies ----------

  /** Briefs of the messages that `ids` name, keyed by id (missing ones are gone). */
  async replyBriefs(ids: readonly number[]): Promise<Map<number, ReplyTo>> {
    if (ids.length === 0) return new Map();
    const rows = (await this.knex('messages')
      .whereIn('id', [...new Set(ids)])
      .select('id', 'seq', 'sender_id', 'kind', 'body', 'deleted_at')) as {
      id: number;
      seq: number;
      sender_id: number | null;
      kind: ReplyTo['kind'];
      body: string;
      deleted_at: unknown;
    }[];
    return new Map(rows.map((r) => [num(r.id), replyBrief(r)]));
  }
}

export function replyBrief(r: {
  id: number;
  seq: number;
  sender_id: number | null;
  kind: ReplyTo['kind'];
  body: string;
  deleted_at: unknown;
}): ReplyTo {
  const gone = r.deleted_at !== null && r.deleted_at !== undefined;
  return {
    id: num(r.id),
    seq: num(r.seq),
    senderId: r.sender_id === null ? null : num(r.sender_id),
    kind: r.kind,
    preview: gone ? '' : Array.from(r.body).slice(0, LIMITS.replyPreviewMax).join(''),
  };
}
