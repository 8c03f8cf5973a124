// The only place with user queries.
import type { Knex } from 'knex';
import type { UserPublic, UserSelf } from '../../protocol/types.js';
import { UserModel } from '../db/models.js';
import { iso, isoOrNull } from '../db/values.js';
import { Batcher } from '../db/batcher.js';

export type UserRow = UserModel;

export function toUserPublic(row: UserRow, online: boolean): UserPublic {
  // A deleted account keeps its id (its messages still name it) and nothing else; clients say "Deleted user".
  if (row.status === 'deleted') {
    return { id: row.id, username: '', displayName: '', avatarUrl: null, online: false, lastSeenAt: null, deleted: true };
  }
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    online,
    lastSeenAt: isoOrNull(row.last_seen_at),
  };
}

export function toUserSelf(row: UserRow, online: boolean): UserSelf {
  return { ...toUserPublic(row, online), email: row.email, createdAt: iso(row.created_at), role: row.role };
}

/** Escapes LIKE wildcards (with '!', which needs no quoting on either database) so "a_b" means those three characters. */
export function likePrefix(q: string): string {
  return q.replace(/[!%_]/g, (c) => '!' + c) + '%';
}

export class UsersRepository {
  constructor(private readonly knex: Knex) {}

  async create(
    input: { username: string; email: string; passwordHash: string; displayName: string },
    trx?: Knex.Transaction,
  ): Promise<UserRow> {
    const now = new Date();
    return UserModel.query(trx ?? this.knex).insertAndFetch({
      username: input.username,
      email: input.email,
      password_hash: input.passwordHash,
      display_name: input.displayName,
      avatar_url: null,
      status: 'active',
      role: 'user',
      last_seen_at: null,
      created_at: now,
      updated_at: now,
    });
  }

  async findById(id: number, trx?: Knex.Transaction): Promise<UserRow | undefined> {
    return UserModel.query(trx ?? this.knex).findById(id);
  }

  async findByIds(ids: readonly number[], trx?: Knex.Transaction): Promise<Map<number, UserRow>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await UserModel.query(trx ?? this.knex).whereIn('id', unique);
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Username or email; both columns compare case-insensitively on either database. */
  async findByLogin(login: string): Promise<UserRow | undefined> {
    const column = login.includes('@') ? 'email' : 'username';
    // A deleted account cannot be reached by any name: it answers like an unknown user.
    return UserModel.query(this.knex)
      .where(column, column === 'email' ? login.toLowerCase() : login)
      .whereNot('status', 'deleted')
      .first();
  }

  async existsByUsername(username: string): Promise<boolean> {
    return (await UserModel.query(this.knex).where('username', username).first()) !== undefined;
  }

  async existsByEmail(email: string): Promise<boolean> {
    return (await UserModel.query(this.knex).where('email', email).first()) !== undefined;
  }

  async update(id: number, patch: { displayName?: string; avatarUrl?: string | null }): Promise<UserRow | undefined> {
    const values: Partial<UserModel> = { updated_at: new Date() };
    if (patch.displayName !== undefined) values.display_name = patch.displayName;
    if (patch.avatarUrl !== undefined) values.avatar_url = patch.avatarUrl;
    await UserModel.query(this.knex).findById(id).patch(values);
    return this.findById(id);
  }

  async setPasswordHash(id: number, passwordHash: string, trx?: Knex.Transaction): Promise<void> {
    await UserModel.query(trx ?? this.knex)
      .findById(id)
      .patch({ password_hash: passwordHash, updated_at: new Date() });
  }

  async setStatus(id: number, status: 'active' | 'disabled', trx?: Knex.Transaction): Promise<number> {
    return UserModel.query(trx ?? this.knex)
      .findById(id)
      .whereNot('status', 'deleted')
      .patch({ status, updated_at: new Date() });
  }

  /**
   * Erases an account's profile; the row stays so its messages keep a sender. The username and email are freed:
   * the placeholders hold a character no registration accepts, so they never collide with a real name or address.
   */
  async erase(id: number, trx: Knex.Transaction): Promise<number> {
    const placeholder = `~deleted~${id}`;
    return UserModel.query(trx).findById(id).whereNot('status', 'deleted').patch({
      username: placeholder,
      email: placeholder,
      password_hash: '',
      display_name: '',
      avatar_url: null,
      status: 'deleted',
      role: 'user',
      updated_at: new Date(),
    });
  }

  /** Administrators whose accounts are live (active or disabled). */
  async adminCount(trx?: Knex.Transaction): Promise<number> {
    const [row] = (await (trx ?? this.knex)('users').where('role', 'admin').whereNot('status', 'deleted').count({ n: '*' })) as {
      n: number | string;
    }[];
    return Number(row?.n ?? 0);
  }

  /**
   * "Last seen now" for users going offline, batched: one UPDATE for every user whose last socket closed while the
   * previous batch was being written (a node shutting down disconnects thousands at once). Resolves with the time stored.
   */
  markLastSeen(id: number): Promise<Date | undefined> {
    return this.lastSeen.load(id);
  }

  private readonly lastSeen = new Batcher<number, Date>(async (ids) => {
    const at = new Date();
    await UserModel.query(this.knex).whereIn('id', ids).patch({ last_seen_at: at });
    return new Map(ids.map((id) => [id, at]));
  });

  /** Active users whose username or display name starts with q, optionally only those in `onlyIds`. */
  async search(q: string, limit: number, onlyIds?: readonly number[]): Promise<UserRow[]> {
    const query = UserModel.query(this.knex).where('status', 'active').orderBy('username').limit(limit);
    if (q) {
      const pattern = likePrefix(q);
      query.where((w) => w.whereRaw("username LIKE ? ESCAPE '!'", [pattern]).orWhereRaw("display_name LIKE ? ESCAPE '!'", [pattern]));
    }
    if (onlyIds) query.whereIn('id', onlyIds.length ? [...onlyIds] : [0]);
    return query;
  }
}
