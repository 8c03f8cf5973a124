// Administration: registration mode and invites, accounts (status, role, sessions, one-time reset links), the
// audit log and the server's status. Every change an administrator makes is written to the audit log, and
// everything that ends sessions goes through AuthService, the one revocation path (live sockets end on every node).
import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type {
  AdminRoom,
  AdminSettings,
  AdminUser,
  AuditEntry,
  Invite,
  PasswordResetLink,
  RegistrationMode,
  ServerStatus,
} from '../../protocol/admin.js';
import type { AuthService, Principal, Admission } from '../auth/auth.service.js';
import type { Config } from '../config.js';
import { iso, isoOrNull } from '../db/values.js';
import { UserModel } from '../db/models.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Presence } from '../presence/presence.js';
import type { UploadsRepository } from '../files/uploads.repository.js';
import type { RedisHealth } from '../redis.js';
import type { RoomAdmin } from '../rooms/room-admin.js';
import { requireWritable, type RoomsService } from '../rooms/rooms.service.js';
import type { AccountDeletion, MessagesChoice } from './account-deletion.js';
import { likePrefix, toUserSelf, type UsersRepository } from '../users/users.repository.js';
import type { AdminRepository, AuditRow, InviteRow } from './admin.repository.js';

export interface AdminDeps {
  knex: Knex;
  repo: AdminRepository;
  users: UsersRepository;
  auth: AuthService;
  rooms: RoomsService;
  presence: Presence;
  config: Config;
  logger: Logger;
  startedAt: number;
  /** Sockets connected to every node (through the adapter); set once the realtime server exists. */
  socketCount: () => Promise<number>;
  redisHealth: () => Promise<RedisHealth>;
  deletion: AccountDeletion;
  roomAdmin: RoomAdmin;
  uploads: UploadsRepository;
}

/** Who did it and from where, for the audit log. */
export interface Actor {
  principal: Principal;
  address: string;
}

const REGISTRATION_KEY = 'registration';
const ROOM_OWNER_INVITES_KEY = 'room_owner_invites';
const MODES: readonly RegistrationMode[] = ['open', 'invite', 'closed'];

export const hashResetToken = (token: string) => createHash('sha256').update(token).digest('hex');

function toInvite(row: InviteRow): Invite {
  return {
    id: row.id,
    code: row.code,
    createdBy: row.created_by,
    expiresAt: isoOrNull(row.expires_at),
    maxUses: row.max_uses,
    uses: row.uses,
    roomIds: JSON.parse(row.room_ids) as number[],
    createdAt: iso(row.created_at),
  };
}

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    target: row.target,
    ip: row.ip,
    details: row.details ? (JSON.parse(row.details) as Record<string, unknown>) : null,
    createdAt: iso(row.created_at),
  };
}

export class AdminService implements Admission {
  constructor(private readonly d: AdminDeps) {}

  // ---------- registration ----------

  /** The settings table wins over REGISTRATION, so a change made by an administrator holds on every node. */
  async registrationMode(trx?: Knex.Transaction): Promise<RegistrationMode> {
    const stored = await this.d.repo.getSetting(REGISTRATION_KEY, trx);
    return MODES.find((m) => m === stored) ?? this.d.config.registration;
  }

  async admit(invite: string | undefined, trx: Knex.Transaction): Promise<{ roomIds: number[] }> {
    const mode = await this.registrationMode(trx);
    if (mode === 'closed') throw new AppError('REGISTRATION_CLOSED', 'registration is closed on this server');
    if (mode === 'open' && invite === undefined) return { roomIds: [] };
    if (invite === undefined) throw new AppError('INVITE_INVALID', 'registration on this server needs an invite');
    const row = await this.d.repo.useInvite(invite, trx);
    if (!row) throw new AppError('INVITE_INVALID', 'this invite is not valid: it is unknown, revoked, expired or used up');
    return { roomIds: JSON.parse(row.room_ids) as number[] };
  }

  async welcome(userId: number, roomIds: number[]): Promise<void> {
    if (await this.d.repo.claimSetting('first_admin', String(userId))) {
      await UserModel.query(this.d.knex).findById(userId).patch({ role: 'admin' });
      this.d.logger.info({ event: 'admin.first_admin', userId }, 'first account on this server: made administrator');
    }
    for (const roomId of roomIds) await this.d.rooms.joinByInvite(userId, roomId);
  }

  async redeemReset(token: string, trx: Knex.Transaction): Promise<number | undefined> {
    return this.d.repo.usePasswordReset(hashResetToken(token), trx);
  }

  // ---------- guards and audit ----------

  requireAdmin(principal: Principal): void {
    if (principal.user.role !== 'admin') throw new AppError('FORBIDDEN', 'administrators only');
  }

  private async audit(actor: Actor | 'cli', action: string, target: string | null, details?: Record<string, unknown>) {
    const who =
      actor === 'cli'
        ? { actorId: null, actorName: 'cli', ip: null }
        : { actorId: actor.principal.userId, actorName: actor.principal.user.username, ip: actor.address };
    await this.d.repo.audit({ ...who, action, target, details: details ?? null });
  }

  // ---------- users ----------

  async listUsers(q: string | undefined, limit: number, before: number | undefined): Promise<AdminUser[]> {
    const query = UserModel.query(this.d.knex).whereNot('status', 'deleted').orderBy('id', 'desc').limit(limit);
    if (q) {
      const p = likePrefix(q);
      query.where((w) =>
        w
          .whereRaw("username LIKE ? ESCAPE '!'", [p])
          .orWhereRaw("display_name LIKE ? ESCAPE '!'", [p])
          .orWhereRaw("email LIKE ? ESCAPE '!'", [p]),
      );
    }
    if (before !== undefined) query.where('id', '<', before);
    const rows = await query;
    const ids = rows.map((r) => r.id);
    const online = await this.d.presence.onlineUserIds(ids);
    const counts = ids.length
      ? ((await this.d
          .knex('sessions')
          .whereIn('user_id', ids)
          .whereNull('revoked_at')
          .where('expires_at', '>', new Date())
          .groupBy('user_id')
          .select('user_id')
          .countDistinct({ n: 'family_id' })) as { user_id: number; n: number | string }[])
      : [];
    const sessions = new Map(counts.map((c) => [Number(c.user_id), Number(c.n)]));
    return rows.map((r) => ({ ...toUserSelf(r, online.has(r.id)), status: r.status, sessions: sessions.get(r.id) ?? 0 }));
  }

  /** An account an administrator may act on: deleted ones are gone (404). */
  private async live(id: number) {
    const target = await this.d.users.findById(id);
    if (!target || target.status === 'deleted') throw new AppError('NOT_FOUND', 'user not found');
    return target;
  }

  private async user(id: number): Promise<AdminUser> {
    const [u] = await this.listUsers(undefined, 1, id + 1);
    if (!u || u.id !== id) throw new AppError('NOT_FOUND', 'user not found');
    return u;
  }

  async patchUser(
    actor: Actor | 'cli',
    id: number,
    patch: { status?: 'active' | 'disabled'; role?: 'user' | 'admin' },
  ): Promise<AdminUser> {
    const target = await this.live(id);
    if (actor !== 'cli' && actor.principal.userId === id && (patch.status === 'disabled' || patch.role === 'user')) {
      // An administrator locking themselves out leaves the server without one; another admin or the CLI must do it.
      throw new AppError('FORBIDDEN', 'you cannot disable or demote yourself');
    }
    if (patch.role !== undefined && patch.role !== target.role) {
      await UserModel.query(this.d.knex).findById(id).patch({ role: patch.role, updated_at: new Date() });
      await this.audit(actor, 'user.role', target.username, { userId: id, role: patch.role });
    }
    if (patch.status !== undefined && patch.status !== target.status) {
      await this.d.auth.setAccountStatus(id, patch.status);
      await this.audit(actor, patch.status === 'disabled' ? 'user.disable' : 'user.enable', target.username, { userId: id });
    }
    return this.user(id);
  }

  async revokeSessions(actor: Actor | 'cli', id: number): Promise<number> {
    const target = await this.live(id);
    const n = await this.d.auth.endAllSessions(id, 'SESSION_REVOKED');
    await this.audit(actor, 'user.revoke_sessions', target.username, { userId: id, sessions: n });
    return n;
  }

  /** A one-time link; only its hash is stored. The user's sessions end when it is used, not when it is made. */
  async passwordResetLink(actor: Actor | 'cli', id: number, origin: string): Promise<PasswordResetLink> {
    const target = await this.live(id);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.d.config.passwordResetTtl * 1000);
    await this.d.repo.createPasswordReset(id, hashResetToken(token), expiresAt);
    await this.audit(actor, 'user.password_reset_link', target.username, { userId: id, expiresAt: expiresAt.toISOString() });
    const base = this.d.config.publicUrl ?? origin;
    return { url: `${base}/#/reset-password/${token}`, token, expiresAt: expiresAt.toISOString() };
  }

  /** An administrator deletes an account (never their own here: that is DELETE /users/me, with the password). */
  async deleteUser(actor: Actor | 'cli', id: number, messages: MessagesChoice): Promise<void> {
    if (actor !== 'cli' && actor.principal.userId === id) throw new AppError('FORBIDDEN', 'delete your own account from your profile');
    const { username } = await this.d.deletion.target(id);
    await this.d.deletion.delete(id, messages);
    await this.audit(actor, 'user.delete', username, { userId: id, messages });
  }

  /** The user deletes their own account; their messages stay, with a deleted-user sender. */
  async deleteSelf(actor: Actor, password: string): Promise<void> {
    const id = actor.principal.userId;
    await this.d.deletion.checkPassword(id, password);
    const { username } = await this.d.deletion.target(id);
    await this.d.deletion.delete(id, 'keep');
    await this.audit(actor, 'user.delete', username, { userId: id, messages: 'keep', self: true });
  }

  // ---------- rooms ----------

  listRooms(q: string | undefined, limit: number, before: number | undefined): Promise<AdminRoom[]> {
    return this.d.roomAdmin.list(q, limit, before);
  }

  async patchRoom(
    actor: Actor | 'cli',
    id: number,
    patch: { archived?: boolean | undefined; ownerId?: number | undefined },
  ): Promise<AdminRoom> {
    const before = await this.d.roomAdmin.get(id);
    if (
      patch.ownerId !== undefined &&
      (await this.d.roomAdmin.setOwner(actor === 'cli' ? null : actor.principal.userId, id, patch.ownerId))
    ) {
      await this.audit(actor, 'room.owner', `room:${id}`, { roomId: id, name: before.name, from: before.ownerId, to: patch.ownerId });
    }
    if (patch.archived !== undefined && (await this.d.roomAdmin.setArchived(id, patch.archived))) {
      await this.audit(actor, patch.archived ? 'room.archive' : 'room.unarchive', `room:${id}`, { roomId: id, name: before.name });
    }
    return this.d.roomAdmin.get(id);
  }

  async deleteRoom(actor: Actor | 'cli', id: number): Promise<void> {
    const before = await this.d.roomAdmin.get(id);
    await this.d.roomAdmin.remove(id);
    await this.audit(actor, 'room.delete', `room:${id}`, { roomId: id, name: before.name, kind: before.kind });
  }

  // ---------- settings and invites ----------

  async roomOwnerInvites(): Promise<boolean> {
    return (await this.d.repo.getSetting(ROOM_OWNER_INVITES_KEY)) === 'true';
  }

  async settings(): Promise<AdminSettings> {
    return { registration: await this.registrationMode(), roomOwnerInvites: await this.roomOwnerInvites() };
  }

  async updateSettings(
    actor: Actor | 'cli',
    patch: { registration?: RegistrationMode | undefined; roomOwnerInvites?: boolean | undefined },
  ): Promise<AdminSettings> {
    const before = await this.settings();
    if (patch.registration !== undefined) {
      await this.d.repo.setSetting(REGISTRATION_KEY, patch.registration);
      await this.audit(actor, 'settings.registration', null, { from: before.registration, to: patch.registration });
    }
    if (patch.roomOwnerInvites !== undefined) {
      await this.d.repo.setSetting(ROOM_OWNER_INVITES_KEY, String(patch.roomOwnerInvites));
      await this.audit(actor, 'settings.room_owner_invites', null, { from: before.roomOwnerInvites, to: patch.roomOwnerInvites });
    }
    return this.settings();
  }

  // ---------- invites by room owners ----------

  /** The owner or an admin of a live, writable group room, on a server that lets room owners invite. */
  private async roomInviter(actor: Actor, roomId: number): Promise<void> {
    if (!(await this.roomOwnerInvites())) throw new AppError('FORBIDDEN', 'room owners cannot make invites on this server');
    const { room } = await this.d.rooms.requireRole(roomId, actor.principal.userId, ['owner', 'admin'], 'make invites');
    if (room.kind !== 'group') throw new AppError('FORBIDDEN', 'a direct room has no invites');
    try {
      requireWritable(room);
    } catch {
      throw new AppError('FORBIDDEN', 'an archived room has no invites');
    }
  }

  async roomInvites(actor: Actor, roomId: number): Promise<Invite[]> {
    await this.roomInviter(actor, roomId);
    return (await this.d.repo.listRoomInvites(actor.principal.userId, roomId)).map(toInvite);
  }

  async createRoomInvite(
    actor: Actor,
    roomId: number,
    input: { expiresInHours?: number | undefined; maxUses?: number | undefined },
  ): Promise<Invite> {
    await this.roomInviter(actor, roomId);
    return this.createInvite(actor, { ...input, roomIds: [roomId] });
  }

  async revokeRoomInvite(actor: Actor, roomId: number, inviteId: number): Promise<void> {
    await this.roomInviter(actor, roomId);
    const mine = await this.d.repo.listRoomInvites(actor.principal.userId, roomId);
    if (!mine.some((i) => i.id === inviteId)) throw new AppError('NOT_FOUND', 'invite not found');
    await this.revokeInvite(actor, inviteId);
  }

  async createInvite(
    actor: Actor | 'cli',
    input: { expiresInHours?: number | undefined; maxUses?: number | undefined; roomIds?: number[] | undefined },
  ): Promise<Invite> {
    const row = await this.d.repo.createInvite({
      code: randomBytes(12).toString('base64url'),
      createdBy: actor === 'cli' ? null : actor.principal.userId,
      expiresAt: input.expiresInHours ? new Date(Date.now() + input.expiresInHours * 3600_000) : null,
      maxUses: input.maxUses ?? null,
      roomIds: [...new Set(input.roomIds ?? [])],
    });
    await this.audit(actor, 'invite.create', `invite:${row.id}`, {
      maxUses: row.max_uses,
      expiresAt: isoOrNull(row.expires_at),
      roomIds: JSON.parse(row.room_ids) as number[],
    });
    return toInvite(row);
  }

  async invites(): Promise<Invite[]> {
    return (await this.d.repo.listInvites()).map(toInvite);
  }

  async revokeInvite(actor: Actor | 'cli', id: number): Promise<void> {
    if (!(await this.d.repo.revokeInvite(id))) throw new AppError('NOT_FOUND', 'invite not found');
    await this.audit(actor, 'invite.revoke', `invite:${id}`);
  }

  // ---------- audit and status ----------

  async auditLog(limit: number, before: number | undefined): Promise<AuditEntry[]> {
    return (await this.d.repo.listAudit(limit, before)).map(toAuditEntry);
  }

  async status(): Promise<ServerStatus> {
    const db = await this.d.knex
      .raw('select 1')
      .then(() => 'ok' as const)
      .catch(() => 'down' as const);
    const redis = await this.d.redisHealth().catch(() => 'down' as const);
    const [{ n } = { n: 0 }] = (await this.d.knex('users').whereNot('status', 'deleted').count({ n: '*' })) as { n: number | string }[];
    return {
      version: this.d.config.version,
      uptimeSeconds: Math.round((Date.now() - this.d.startedAt) / 1000),
      users: Number(n),
      onlineUsers: (await this.d.presence.allOnline(100_000)).length,
      sockets: await this.d.socketCount().catch(() => 0),
      db,
      redis,
      registration: await this.registrationMode(),
      storageBytes: await this.d.uploads.totalBytes(),
    };
  }
}
