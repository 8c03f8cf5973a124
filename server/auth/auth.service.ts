// Registration, login, refresh rotation with reuse detection, logout, sessions, password change, account status.
import type { Knex } from 'knex';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AuthResult, SessionInfo, UserSelf } from '../../protocol/types.js';
import { AppError, isUniqueViolation } from '../errors.js';
import type { DomainEventBus } from '../events.js';
import { checkOrThrow, consumeOrThrow } from '../limits.js';
import type { Presence } from '../presence/presence.js';
import { iso } from '../db/values.js';
import { toUserSelf, type UsersRepository, type UserRow } from '../users/users.repository.js';
import type { PasswordHasher } from './passwords.js';
import type { SessionsRepository, SessionRow } from './sessions.repository.js';
import { hashRefreshToken, newRefreshToken, type AccessClaims, type TokenService } from './tokens.js';
import { transact } from '../db/transaction.js';

export interface AuthDeps {
  knex: Knex;
  users: UsersRepository;
  sessions: SessionsRepository;
  tokens: TokenService;
  passwords: PasswordHasher;
  presence: Presence;
  events: DomainEventBus;
  refreshTtlSeconds: number;
  limits: {
    /** Failed logins per account + address. */
    loginPerAccount: RateLimiterAbstract;
    /** Failed logins per address, whatever the account. */
    loginPerAddress: RateLimiterAbstract;
    /** Registration attempts per address. */
    register: RateLimiterAbstract;
  };
}

export interface Principal {
  userId: number;
  sessionId: number;
  expiresAt: Date;
  /** The user as read while authenticating (fresh as of this request or handshake). */
  user: UserRow;
}

const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 'wrong username, email or password');
const accountDisabled = () => new AppError('ACCOUNT_DISABLED', 'this account has been disabled');

export class AuthService {
  constructor(private readonly d: AuthDeps) {}

  /** Lifetime of a refresh token; the web client's session cookie lives exactly as long. */
  get refreshTtlSeconds(): number {
    return this.d.refreshTtlSeconds;
  }

  private async self(row: UserRow): Promise<UserSelf> {
    const online = await this.d.presence.onlineUserIds([row.id]);
    return toUserSelf(row, online.has(row.id));
  }

  private async issue(user: UserRow, session: SessionRow, refreshToken: string): Promise<AuthResult> {
    const access = await this.d.tokens.signAccess(user.id, session.family_id ?? session.id);
    return {
      user: await this.self(user),
      accessToken: access.token,
      refreshToken,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
    };
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.d.refreshTtlSeconds * 1000);
  }

  async register(
    input: { username: string; email: string; password: string; displayName?: string | undefined; deviceName?: string | undefined },
    address: string,
  ): Promise<AuthResult> {
    await consumeOrThrow(this.d.limits.register, address);
    if (await this.d.users.existsByUsername(input.username)) throw new AppError('USERNAME_TAKEN', 'that username is taken');
    if (await this.d.users.existsByEmail(input.email)) throw new AppError('EMAIL_TAKEN', 'that email is already registered');
    const passwordHash = await this.d.passwords.hash(input.password);
    const refreshToken = newRefreshToken();
    try {
      const { user, session } = await transact(this.d.knex, async (trx) => {
        const user = await this.d.users.create(
          { username: input.username, email: input.email, passwordHash, displayName: input.displayName ?? input.username },
          trx,
        );
        const session = await this.d.sessions.create(
          {
            userId: user.id,
            tokenHash: hashRefreshToken(refreshToken),
            deviceName: input.deviceName ?? null,
            expiresAt: this.refreshExpiry(),
          },
          trx,
        );
        return { user, session };
      });
      return await this.issue(user, session, refreshToken);
    } catch (err) {
      // Two registrations racing for one name: the unique index decides; say which one.
      if (isUniqueViolation(err)) {
        if (await this.d.users.existsByUsername(input.username)) throw new AppError('USERNAME_TAKEN', 'that username is taken');
        throw new AppError('EMAIL_TAKEN', 'that email is already registered');
      }
      throw err;
    }
  }

  async login(input: { login: string; password: string; deviceName?: string | undefined }, address: string): Promise<AuthResult> {
    // Blocked callers are refused before any password work, whatever the password.
    await checkOrThrow(this.d.limits.loginPerAddress, address);
    const user = await this.d.users.findByLogin(input.login);
    // One budget per account whichever name it is reached by (username or email), per address.
    const accountKey = `${user ? `id:${user.id}` : `login:${input.login.toLowerCase()}`}|${address}`;
    await checkOrThrow(this.d.limits.loginPerAccount, accountKey);
    const ok = user
      ? await this.d.passwords.verify(input.password, user.password_hash)
      : await this.d.passwords.verifyAgainstNothing(input.password);
    if (!user || !ok) {
      await consumeOrThrow(this.d.limits.loginPerAddress, address);
      await consumeOrThrow(this.d.limits.loginPerAccount, accountKey);
      throw invalidCredentials();
    }
    await this.d.limits.loginPerAccount.delete(accountKey);
    if (user.status !== 'active') throw accountDisabled();
    const refreshToken = newRefreshToken();
    const session = await this.d.sessions.create({
      userId: user.id,
      tokenHash: hashRefreshToken(refreshToken),
      deviceName: input.deviceName ?? null,
      expiresAt: this.refreshExpiry(),
    });
    return this.issue(user, session, refreshToken);
  }

  /** Single-use rotation. A spent token coming back means it leaked: the whole session is revoked. */
  async refresh(refreshToken: string | undefined): Promise<AuthResult> {
    if (!refreshToken) throw new AppError('UNAUTHENTICATED', 'a refresh token is required');
    const tokenHash = hashRefreshToken(refreshToken);
    const nextToken = newRefreshToken();
    const outcome = await transact(this.d.knex, async (trx) => {
      const row = await this.d.sessions.findByTokenHash(tokenHash, trx);
      if (!row) return { kind: 'unknown' as const };
      if (row.revoked_at) return { kind: 'revoked' as const };
      if (row.replaced_by) {
        await this.d.sessions.revokeFamilies(row.user_id, [row.family_id ?? row.id], trx);
        return { kind: 'reused' as const, row };
      }
      if (new Date(row.expires_at).getTime() <= Date.now()) return { kind: 'expired' as const };
      const user = await this.d.users.findById(row.user_id, trx);
      if (!user || user.status !== 'active') {
        await this.d.sessions.revokeFamilies(row.user_id, [row.family_id ?? row.id], trx);
        return { kind: 'disabled' as const, row };
      }
      const next = await this.d.sessions.rotate(row, hashRefreshToken(nextToken), this.refreshExpiry(), trx);
      if (!next) return { kind: 'reused' as const, row };
      return { kind: 'ok' as const, user, next };
    });
    switch (outcome.kind) {
      case 'ok':
        return this.issue(outcome.user, outcome.next, nextToken);
      case 'reused':
        this.d.events.emit(
          'sessions:revoked',
          outcome.row.user_id,
          [outcome.row.family_id ?? outcome.row.id],
          'refresh token reuse detected',
        );
        throw new AppError('UNAUTHENTICATED', 'this refresh token was already used; the session has been revoked for safety');
      case 'disabled':
        this.d.events.emit('sessions:revoked', outcome.row.user_id, 'all', 'account disabled');
        throw accountDisabled();
      case 'expired':
        throw new AppError('TOKEN_EXPIRED', 'the session has expired; log in again');
      case 'revoked':
        throw new AppError('UNAUTHENTICATED', 'the session has been revoked; log in again');
      default:
        throw new AppError('UNAUTHENTICATED', 'invalid refresh token');
    }
  }

  /** Verifies an access token and that its session and user are still live (one indexed query). */
  async authenticate(token: unknown): Promise<Principal> {
    const claims: AccessClaims = await this.d.tokens.verifyAccess(token);
    const user = await this.d.sessions.check(claims.userId, claims.sessionId);
    if (!user) throw new AppError('UNAUTHENTICATED', 'the session has ended; log in again');
    if (user.status !== 'active') throw accountDisabled();
    return { userId: claims.userId, sessionId: claims.sessionId, expiresAt: claims.expiresAt, user };
  }

  async logout(principal: Principal, refreshToken: string | undefined): Promise<void> {
    const families = [principal.sessionId];
    if (refreshToken) {
      const row = await this.d.sessions.findByTokenHash(hashRefreshToken(refreshToken));
      if (row && row.user_id === principal.userId) families.push(row.family_id ?? row.id);
    }
    const revoked = await this.d.sessions.revokeFamilies(principal.userId, families);
    if (revoked.length) this.d.events.emit('sessions:revoked', principal.userId, revoked, 'logged out');
  }

  async listSessions(principal: Principal): Promise<SessionInfo[]> {
    const rows = await this.d.sessions.listLive(principal.userId);
    return rows.map((r) => ({
      id: r.family_id ?? r.id,
      deviceName: r.device_name,
      createdAt: iso(r.created_at),
      lastUsedAt: iso(r.last_used_at),
      current: (r.family_id ?? r.id) === principal.sessionId,
    }));
  }

  async revokeSession(principal: Principal, sessionId: number): Promise<void> {
    const revoked = await this.d.sessions.revokeFamilies(principal.userId, [sessionId]);
    if (revoked.length === 0) throw new AppError('NOT_FOUND', 'session not found');
    this.d.events.emit('sessions:revoked', principal.userId, revoked, 'session revoked');
  }

  /** Changes the password and ends every other session of the user. */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.d.users.findById(principal.userId);
    if (!user) throw new AppError('UNAUTHENTICATED', 'the session has ended; log in again');
    if (!(await this.d.passwords.verify(currentPassword, user.password_hash))) {
      throw new AppError('FORBIDDEN', 'the current password is not correct', {
        details: [{ path: 'currentPassword', message: 'is not correct' }],
      });
    }
    const hash = await this.d.passwords.hash(newPassword);
    const revoked = await transact(this.d.knex, async (trx) => {
      await this.d.users.setPasswordHash(user.id, hash, trx);
      return this.d.sessions.revokeAllForUser(user.id, principal.sessionId, trx);
    });
    if (revoked.length) this.d.events.emit('sessions:revoked', user.id, revoked, 'password changed');
  }

  /** Administrator action: a disabled account cannot log in or refresh, and its sessions end now. */
  async setAccountStatus(userId: number, status: 'active' | 'disabled'): Promise<void> {
    const changed = await transact(this.d.knex, async (trx) => {
      const n = await this.d.users.setStatus(userId, status, trx);
      if (n && status === 'disabled') await this.d.sessions.revokeAllForUser(userId, undefined, trx);
      return n;
    });
    if (!changed) throw new AppError('NOT_FOUND', 'user not found');
    if (status === 'disabled') this.d.events.emit('sessions:revoked', userId, 'all', 'account disabled');
  }
}
