// Message rows -> protocol Messages, with every sender fetched in one query and one presence lookup.
import type { Message, UserPublic } from '../../protocol/types.js';
import { iso, isoOrNull, json, num } from '../db/values.js';
import type { Attachment } from '../../protocol/types.js';
import type { UserRow, UsersRepository } from '../users/users.repository.js';
import type { UsersService } from '../users/users.service.js';
import type { MessageRow } from './messages.repository.js';

const GONE: UserPublic = { id: 0, username: 'deleted', displayName: 'Deleted user', avatarUrl: null, online: false, lastSeenAt: null };

/** Senders change their names rarely and say so (user:updated); a short cache spares a query per message sent. */
const SENDER_TTL_MS = 5000;

export class MessageViews {
  private readonly senders = new Map<number, { row: UserRow; at: number }>();

  constructor(
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
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

  async many(rows: readonly MessageRow[]): Promise<Message[]> {
    const ids = rows.map((r) => r.sender_id).filter((id): id is number => id !== null);
    const publics = await this.usersService.publicMany(await this.senderRows(ids));
    const byId = new Map(publics.map((u) => [u.id, u]));
    return rows.map((r) => toMessage(r, (r.sender_id !== null && byId.get(r.sender_id)) || GONE));
  }

  async one(row: MessageRow): Promise<Message> {
    return (await this.many([row]))[0]!;
  }
}

export function toMessage(r: MessageRow, sender: UserPublic): Message {
  return {
    id: num(r.id),
    roomId: r.room_id,
    seq: num(r.seq),
    clientId: r.client_id,
    sender,
    kind: r.kind,
    body: r.body,
    attachment: json<NonNullable<Attachment>>(r.attachment),
    replyToId: r.reply_to_id === null ? null : num(r.reply_to_id),
    replyTo: null,
    mentions: [],
    reactions: [],
    system: null,
    createdAt: iso(r.created_at),
    editedAt: isoOrNull(r.edited_at),
    deletedAt: isoOrNull(r.deleted_at),
  };
}
