// Deleting an account (the user with their password, an administrator, or the CLI): sessions end through the one
// revocation path, the profile is erased (the row stays, so messages keep a "deleted user" sender), messages are
// kept or recalled, the account leaves its rooms, and its files go from storage. docs/PROTOCOL.md "Account deletion".
import type { Knex } from 'knex';
import type { AuthService } from '../auth/auth.service.js';
import { transact } from '../db/transaction.js';
import { AppError, notFound } from '../errors.js';
import type { DomainEventBus } from '../events.js';
import type { UploadsRepository } from '../files/uploads.repository.js';
import type { UploadsService } from '../files/uploads.service.js';
import type { Logger } from '../logger.js';
import type { MessageViews } from '../messages/message-views.js';
import type { MessagesRepository } from '../messages/messages.repository.js';
import type { RoomAdmin } from '../rooms/room-admin.js';
import type { RoomsRepository } from '../rooms/rooms.repository.js';
import type { UsersRepository } from '../users/users.repository.js';
import type { UsersService } from '../users/users.service.js';

export interface AccountDeletionDeps {
  knex: Knex;
  users: UsersRepository;
  usersService: UsersService;
  auth: AuthService;
  rooms: RoomsRepository;
  roomAdmin: RoomAdmin;
  messages: MessagesRepository;
  views: MessageViews;
  uploads: UploadsRepository;
  uploadsService: UploadsService;
  events: DomainEventBus;
  logger: Logger;
}

export type MessagesChoice = 'keep' | 'delete';

export class AccountDeletion {
  constructor(private readonly d: AccountDeletionDeps) {}

  /** DELETE /users/me: the password proves it is the owner at the keyboard. Answers like change-password when wrong. */
  async checkPassword(userId: number, password: string): Promise<void> {
    const user = await this.d.users.findById(userId);
    if (!user || user.status === 'deleted') throw new AppError('UNAUTHENTICATED', 'the session has ended; log in again');
    await this.d.auth.confirmPassword(user, password, 'password');
  }

  /** The account to delete (404 when there is none, or it is deleted already); the last administrator stays. */
  async target(userId: number): Promise<{ username: string }> {
    const user = await this.d.users.findById(userId);
    if (!user || user.status === 'deleted') throw notFound('user');
    if (user.role === 'admin' && (await this.d.users.adminCount()) <= 1) {
      throw new AppError('FORBIDDEN', 'the last administrator cannot be deleted; make another administrator first');
    }
    return { username: user.username };
  }

  async delete(userId: number, messages: MessagesChoice): Promise<void> {
    await this.target(userId);
    // Who saw the user, taken before the memberships change.
    const roomIds = (await this.d.rooms.memberships(userId)).map((r) => r.id);
    const erased = await transact(this.d.knex, (trx) => this.d.users.erase(userId, trx));
    if (!erased) throw notFound('user');
    await this.d.auth.endAllSessions(userId, 'ACCOUNT_DELETED');
    const row = await this.d.users.findById(userId);
    if (row) this.d.events.emit('user:updated', (await this.d.usersService.publicMany([row]))[0]!, roomIds);
    const recalled = messages === 'delete' ? await this.recallAll(userId) : 0;
    await this.d.roomAdmin.departAccount(userId);
    const files = await this.removeFiles(userId);
    this.d.logger.info({ event: 'account.deleted', userId, messages, recalled, files, rooms: roomIds.length }, 'account deleted');
  }

  /** Every message of the user becomes a recalled tombstone (same id and seq), one at a time, members told. */
  private async recallAll(userId: number): Promise<number> {
    let n = 0;
    for (;;) {
      const ids = (await this.d
        .knex('messages')
        .where('sender_id', userId)
        .whereNull('deleted_at')
        .whereNot('kind', 'system')
        .orderBy('id')
        .limit(200)
        .pluck('id')) as number[];
      if (ids.length === 0) return n;
      for (const id of ids) {
        const row = await this.d.messages.recall(Number(id));
        if (!row) continue;
        n += 1;
        this.d.events.emit('message:updated', await this.d.views.one(row));
      }
    }
  }

  private async removeFiles(userId: number): Promise<number> {
    const rows = await this.d.uploads.leftBy(userId);
    for (const row of rows) await this.d.uploadsService.discard(row);
    return rows.length;
  }
}
