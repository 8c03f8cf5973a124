// Message rows -> protocol Messages, with every sender fetched in one query and one presence lookup.
import type { Message, Reaction, ReplyTo, SystemInfo, UserPublic } from '../../protocol/types.js';
import { iso, isoOrNull, json, num } from '../db/values.js';
import type { Attachment } from '../../protocol/types.js';
import type { UserRow, UsersRepository } from '../users/users.repository.js';
import type { UsersService } from '../users/users.service.js';
import type { ExtrasRepository } from './extras.repository.js';
import type { MessageRow } from './messages.repository.js';

/** What a caller already knows about fresh rows (a message just written has no reactions yet), to skip queries. */
export interface KnownExtras {
  mentions?: ReadonlyMap<number, number[]>;
  reactions?: ReadonlyMap<number, Reaction[]>;
  replies?: ReadonlyMap<number, ReplyTo>;
}

interface Extras {
  mentions: ReadonlyMap<number, number[]>;
  reactions: ReadonlyMap<number, Reaction[]>;
  replies: ReadonlyMap<number, ReplyTo>;
}

const GONE: UserPublic = { id: 0, username: 'deleted', displayName: 'Deleted user', avatarUrl: null, online: false, lastSeenAt: null };

/** Senders change their names rarely and say so (user:updated); a short cache spares a query per message sent. */
const SENDER_TTL_MS = 5000;

export class MessageViews {
  private readonly senders = new Map<number, { row: UserRow; at: number }>();

  constructor(
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly extras: ExtrasRepository,
  ) {}

  forget(userId: number): void {
    this.senders.delete(userId);
  }

  private async senderRows(ids: readonly number[]): Promise<UserRow[]> {
    const now = Date.now();
    const found: UserRow[] = [];
    const missing: number[] = [];
    for (const id of new Set(ids)) {
      const hit = this.senders.get(id);
      if (hit && now - hit.at < SENDER_TTL_MS) found.push(hit.row);
      else missing.push(id);
    }
    if (missing.length) {
      const rows = await this.users.findByIds(missing);
      if (this.senders.size > 10_000) this.senders.clear();
      for (const row of rows.values()) {
        this.senders.set(row.id, { row, at: now });
        found.push(row);
      }
    }
    return found;
  }

  /** Senders, mentions, reactions and reply briefs of all rows: at most four queries (fewer with `known`). */
  async many(rows: readonly MessageRow[], known: KnownExtras = {}): Promise<Message[]> {
    const ids = rows.map((r) => r.sender_id).filter((id): id is number => id !== null);
    const live = rows.filter((r) => r.deleted_at === null || r.deleted_at === undefined).map((r) => num(r.id));
    const replyIds = rows
      .map((r) => r.reply_to_id)
      .filter((id): id is number => id !== null)
      .map(num);
    const [publics, mentions, reactions, replies] = await Promise.all([
      this.senderRows(ids).then((found) => this.usersService.publicMany(found)),
      known.mentions ?? this.extras.mentionsOf(live),
      known.reactions ?? this.extras.reactionsOf(live),
      known.replies ?? this.extras.replyBriefs(replyIds),
    ]);
    const byId = new Map(publics.map((u) => [u.id, u]));
    const extras: Extras = { mentions, reactions, replies };
    return rows.map((r) => toMessage(r, (r.sender_id !== null && byId.get(r.sender_id)) || GONE, extras));
  }

  async one(row: MessageRow, known: KnownExtras = {}): Promise<Message> {
    return (await this.many([row], known))[0]!;
  }
}

const NONE: Extras = { mentions: new Map(), reactions: new Map(), replies: new Map() };

export function toMessage(r: MessageRow, sender: UserPublic, extras: Extras = NONE): Message {
  const id = num(r.id);
  const system = json<Omit<SystemInfo, 'actorId'>>(r.system);
  return {
    id,
    roomId: r.room_id,
    seq: num(r.seq),
    // System messages carry a server-made clientId only to satisfy the (sender, clientId) key; clients never see it.
    clientId: r.kind === 'system' ? null : r.client_id,
    sender,
    kind: r.kind,
    body: r.body,
    attachment: json<NonNullable<Attachment>>(r.attachment),
    replyToId: r.reply_to_id === null ? null : num(r.reply_to_id),
    replyTo: r.reply_to_id === null ? null : (extras.replies.get(num(r.reply_to_id)) ?? null),
    mentions: extras.mentions.get(id) ?? [],
    reactions: extras.reactions.get(id) ?? [],
    system: system && { event: system.event, actorId: r.sender_id, userId: system.userId, name: system.name },
    createdAt: iso(r.created_at),
    editedAt: isoOrNull(r.edited_at),
    deletedAt: isoOrNull(r.deleted_at),
  };
}
