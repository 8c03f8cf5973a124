import type { UserPublic, UserSelf } from '../../protocol/types.js';
import { AppError } from '../errors.js';
import type { DomainEventBus } from '../events.js';
import type { Presence } from '../presence/presence.js';
import { toUserPublic, toUserSelf, type UserRow, type UsersRepository } from './users.repository.js';

export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly presence: Presence,
    private readonly events: DomainEventBus,
  ) {}

  /** Maps rows to UserPublic with one presence lookup for the whole batch. */
  async publicMany(rows: readonly UserRow[]): Promise<UserPublic[]> {
    const online = await this.presence.onlineUserIds(rows.map((r) => r.id));
    return rows.map((r) => toUserPublic(r, online.has(r.id)));
  }

  async me(userId: number): Promise<UserSelf> {
    const row = await this.users.findById(userId);
    if (!row) throw new AppError('UNAUTHENTICATED', 'the session has ended; log in again');
    const online = await this.presence.onlineUserIds([userId]);
    return toUserSelf(row, online.has(userId));
  }

  async updateMe(userId: number, patch: { displayName?: string | undefined; avatarUrl?: string | null | undefined }): Promise<UserSelf> {
    const row = await this.users.update(userId, patch);
    if (!row) throw new AppError('UNAUTHENTICATED', 'the session has ended; log in again');
    const online = await this.presence.onlineUserIds([userId]);
    this.events.emit('user:updated', toUserPublic(row, online.has(userId)));
    return toUserSelf(row, online.has(userId));
  }

  async get(id: number): Promise<UserPublic> {
    const row = await this.users.findById(id);
    if (!row) throw new AppError('NOT_FOUND', 'user not found');
    return (await this.publicMany([row]))[0]!;
  }

  /**
   * Current profiles of the given users, ordered by id; ids that match no user are left out. Disabled users are
   * included: their names still stand on the messages they wrote, so a client refreshing names must get them.
   */
  async byIds(ids: readonly number[]): Promise<UserPublic[]> {
    const rows = await this.users.findByIds(ids);
    return this.publicMany([...rows.values()].sort((a, b) => a.id - b.id));
  }

  async search(q: string, limit: number, onlineOnly: boolean): Promise<UserPublic[]> {
    const onlyIds = onlineOnly ? await this.presence.allOnline(10_000) : undefined;
    return this.publicMany(await this.users.search(q, limit, onlyIds));
  }
}
