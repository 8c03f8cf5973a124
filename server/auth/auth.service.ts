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
import { isSessionEndCode, type SessionEndCode } from '../../protocol/errors.js';
import type { Logger } from '../logger.js';
import { LoginLockouts } from './lockouts.js';

/** Who may register (registration mode and invites) and who becomes the first administrator: AdminService. */
export interface Admission {
  /** Throws REGISTRATION_CLOSED or INVITE_INVALID; spends one use of the invite in the registration's transaction. */
  admit(invite: string | undefined, trx: Knex.Transaction): Promise<{ roomIds: number[] }>;
  /** After the account exists: makes it the administrator if it is the server's first; then joins the invite's rooms. */
  welcome(userId: number, roomIds: number[]): Promise<void>;
  /** Marks a one-time reset link used and returns its user; undefined when unknown, used or expired. */
  redeemReset(token: string, trx: Knex.Transaction): Promise<number | undefined>;
}

export interface AuthDeps {
  knex: Knex;
  /** Set by the server after construction (AdminService needs AuthService to revoke sessions). */
  admission?: Admission;
  users: UsersRepository;
  sessions: SessionsRepository;
  tokens: TokenService;
  passwords: PasswordHasher;
  presence: Presence;
  events: DomainEventBus;
  refreshTtlSeconds: number;
  /** A spent refresh token presented again within this many seconds gets the same successor (a lost answer). */
  refreshGraceSeconds: number;
  /** The per-account ceiling on wrong passwords across every address (exponential, bounded wait). */
  lockouts: LoginLockouts;
  /** EMAIL_VERIFICATION: with 'required', an account logs in only once it has confirmed its address. */
  emailVerification: 'off' | 'optional' | 'required';
  /** Auth events (logins, registrations, revocations) at info, structured, never a secret. */
  logger: Logger;
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
const emailUnverified = () =>
  new AppError('EMAIL_UNVERIFIED', 'confirm your email address first: open the link sent to it (or ask for a new one)');
const accountDisabled = () => new AppError('ACCOUNT_DISABLED', 'this account has been disabled');

/** What each session-end code says, for the error message (clients show their own text, chosen by the code). */
export const SESSION_END_TEXT: Record<SessionEndCode, string> = {
  LOGGED_OUT: 'this session was logged out',
  PASSWORD_CHANGED: 'the password was changed; log in with the new one',
  ACCOUNT_DISABLED: 'this account has been disabled',
  REUSE_DETECTED: 'this refresh token was already used; the session has been revoked for safety',
  SESSION_REVOKED: 'this session was ended from another device',
  SESSION_EXPIRED: 'the session has expired; log in again',
  ACCOUNT_DELETED: 'this account has been deleted',
};

export const sessionEnded = (code: SessionEndCode) => new AppError(code, SESSION_END_TEXT[code]);

const time = (v: Date | number | null) => (v === null ? NaN : new Date(v).getTime());

export class AuthService {
  constructor(private readonly d: AuthDeps) {}

  useAdmission(admission: Admission): void {
    this.d.admission = admission;
  }

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
    input: {
      username: string;
      email: string;
      password: string;
      displayName?: string | undefined;
      deviceName?: string | undefined;
      invite?: string | undefined;
    },
    address: string,
    /** The operator at a shell (admin CLI): registration mode and invites do not apply. */
    options: { operator?: boolean } = {},
  ): Promise<AuthResult> {
    const { user, session, refreshToken } = await this.createAccount(input, address, options, true);
    return this.issue(user, session!, refreshToken);
  }

  /**
   * Registration while EMAIL_VERIFICATION=required: the account is made but gets no session; it logs in once it
   * has opened the link sent to its address.
   */
  async registerUnverified(
    input: Parameters<AuthService['register']>[0],
    address: string,
  ): Promise<{ user: UserSelf; verificationRequired: true }> {
    const { user } = await this.createAccount(input, address, {}, false);
    return { user: await this.self(user), verificationRequired: true };
  }

  private async createAccount(
    input: Parameters<AuthService['register']>[0],
    address: string,
    options: { operator?: boolean },
    withSession: boolean,
  ): Promise<{ user: UserRow; session: SessionRow | undefined; refreshToken: string }> {
    await consumeOrThrow(this.d.limits.register, address);
    if (await this.d.users.existsByUsername(input.username)) throw new AppError('USERNAME_TAKEN', 'that username is taken');
    if (await this.d.users.existsByEmail(input.email)) throw new AppError('EMAIL_TAKEN', 'that email is already registered');
    const passwordHash = await this.d.passwords.hash(input.password);
    const refreshToken = newRefreshToken();
    try {
      const { user, session, roomIds } = await transact(this.d.knex, async (trx) => {
        const admitted = options.operator || !this.d.admission ? { roomIds: [] } : await this.d.admission.admit(input.invite, trx);
        const user = await this.d.users.create(
          { username: input.username, email: input.email, passwordHash, displayName: input.displayName ?? input.username },
          trx,
        );
        const session = withSession
          ? await this.d.sessions.create(
              {
                userId: user.id,
                tokenHash: hashRefreshToken(refreshToken),
                deviceName: input.deviceName ?? null,
                expiresAt: this.refreshExpiry(),
              },
              trx,
            )
          : undefined;
        return { user, session, roomIds: admitted.roomIds };
      });
      this.d.logger.info({ event: 'auth.registered', userId: user.id, sessionId: session?.id ?? null, address }, 'account registered');
      await this.d.admission?.welcome(user.id, roomIds);
      return { user: (await this.d.users.findById(user.id)) ?? user, session, refreshToken };
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
    // The ceiling across every address: refused before any password work while the account must wait.
    const lockKey = LoginLockouts.key(user?.id, input.login);
    await this.d.lockouts.check(lockKey);
    const ok = user
      ? await this.d.passwords.verify(input.password, user.password_hash)
      : await this.d.passwords.verifyAgainstNothing(input.password);
    if (!user || !ok) {
      // The login text is not logged: a password typed into the wrong field would end up in the logs.
      this.d.logger.info({ event: 'auth.login_failed', userId: user?.id ?? null, address }, 'login failed');
      await consumeOrThrow(this.d.limits.loginPerAddress, address);
      await this.d.lockouts.fail(lockKey);
      await consumeOrThrow(this.d.limits.loginPerAccount, accountKey);
      throw invalidCredentials();
    }
    await this.d.limits.loginPerAccount.delete(accountKey);
    await this.d.lockouts.clear(lockKey);
    if (user.status !== 'active') {
      this.d.logger.info({ event: 'auth.login_refused', userId: user.id, address, code: 'ACCOUNT_DISABLED' }, 'login refused');
      throw accountDisabled();
    }
    if (this.d.emailVerification === 'required' && !user.email_verified_at) {
      this.d.logger.info({ event: 'auth.login_refused', userId: user.id, address, code: 'EMAIL_UNVERIFIED' }, 'login refused');
      throw emailUnverified();
    }
    const refreshToken = newRefreshToken();
    const session = await this.d.sessions.create({
      userId: user.id,
      tokenHash: hashRefreshToken(refreshToken),
      deviceName: input.deviceName ?? null,
      expiresAt: this.refreshExpiry(),
    });
    this.d.logger.info({ event: 'auth.login', userId: user.id, sessionId: session.id, address }, 'logged in');
    return this.issue(user, session, refreshToken);
  }

  /**
   * Single-use rotation. The successor is derived from the spent token (TokenService.successorOf), so a client whose
   * answer was lost and who presents the spent token again within the grace window gets the very same successor,
   * never a second one. A spent token coming back after that means it leaked: the whole session is revoked.
   */
  async refresh(refreshToken: string | undefined): Promise<AuthResult> {
    if (!refreshToken) throw new AppError('UNAUTHENTICATED', 'a refresh token is required');
    const tokenHash = hashRefreshToken(refreshToken);
    const nextToken = this.d.tokens.successorOf(refreshToken);
    const nextHash = hashRefreshToken(nextToken);
    const outcome = await transact(this.d.knex, async (trx) => {
      // Locked on MySQL (FOR UPDATE), so two refreshes of one token take turns; the second sees it spent.
      const row = await this.d.sessions.findByTokenHash(tokenHash, trx);
      if (!row) return { kind: 'unknown' as const };
      const family = row.family_id ?? row.id;
      if (row.revoked_at) {
        return { kind: 'ended' as const, code: isSessionEndCode(row.revoked_reason) ? row.revoked_reason : ('SESSION_REVOKED' as const) };
      }
      if (row.replaced_by) {
        const next = await this.d.sessions.successor(row, trx);
        const spentMsAgo = Date.now() - time(row.last_used_at);
        const sameAnswer =
          next !== undefined &&
          spentMsAgo <= this.d.refreshGraceSeconds * 1000 &&
          next.refresh_token_hash === nextHash &&
          next.revoked_at === null &&
          next.replaced_by === null &&
          time(next.expires_at) > Date.now();
        if (sameAnswer) {
          const user = await this.d.users.findById(row.user_id, trx);
          if (user && user.status === 'active') return { kind: 'ok' as const, user, next, repeated: true };
        }
        await this.d.sessions.revokeFamilies(row.user_id, [family], 'REUSE_DETECTED', trx);
        return { kind: 'reused' as const, row };
      }
      if (time(row.expires_at) <= Date.now()) return { kind: 'ended' as const, code: 'SESSION_EXPIRED' as const };
      const user = await this.d.users.findById(row.user_id, trx);
      if (!user || user.status !== 'active') {
        await this.d.sessions.revokeFamilies(row.user_id, [family], 'ACCOUNT_DISABLED', trx);
        return { kind: 'disabled' as const, row };
      }
      const next = await this.d.sessions.rotate(row, nextHash, this.refreshExpiry(), trx);
      if (!next) return { kind: 'reused' as const, row };
      return { kind: 'ok' as const, user, next, repeated: false };
    });
    switch (outcome.kind) {
      case 'ok':
        if (outcome.repeated) {
          this.d.logger.info(
            { event: 'auth.refresh_repeated', userId: outcome.user.id, sessionId: outcome.next.family_id },
            'spent refresh token presented again within the grace window; same successor returned',
          );
        }
        return this.issue(outcome.user, outcome.next, nextToken);
      case 'reused': {
        const family = outcome.row.family_id ?? outcome.row.id;
        this.d.logger.info(
          { event: 'auth.revoked', userId: outcome.row.user_id, sessions: [family], code: 'REUSE_DETECTED' },
          'session revoked',
        );
        this.d.events.emit('sessions:revoked', outcome.row.user_id, [family], 'REUSE_DETECTED');
        throw sessionEnded('REUSE_DETECTED');
      }
      case 'disabled':
        this.d.events.emit('sessions:revoked', outcome.row.user_id, 'all', 'ACCOUNT_DISABLED');
        throw accountDisabled();
      case 'ended':
        throw sessionEnded(outcome.code);
      default:
        throw new AppError('UNAUTHENTICATED', 'invalid refresh token');
    }
  }

  /** Verifies an access token and that its session and user are still live (one indexed query). */
  async authenticate(token: unknown): Promise<Principal> {
    const claims: AccessClaims = await this.d.tokens.verifyAccess(token);
    const user = await this.d.sessions.check(claims.userId, claims.sessionId);
    if (!user) {
      // The refusal path only: say why the session ended, so the client can tell its user the true reason.
      const code = await this.d.sessions.endCode(claims.userId, claims.sessionId);
      throw code ? sessionEnded(code) : new AppError('UNAUTHENTICATED', 'the session has ended; log in again');
    }
    if (user.status !== 'active') throw accountDisabled();
    return { userId: claims.userId, sessionId: claims.sessionId, expiresAt: claims.expiresAt, user };
  }

  async logout(principal: Principal, refreshToken: string | undefined): Promise<void> {
    const families = [principal.sessionId];
    if (refreshToken) {
      const row = await this.d.sessions.findByTokenHash(hashRefreshToken(refreshToken));
      if (row && row.user_id === principal.userId) families.push(row.family_id ?? row.id);
    }
    const revoked = await this.d.sessions.revokeFamilies(principal.userId, families, 'LOGGED_OUT');
    this.revoked(principal.userId, revoked, 'LOGGED_OUT');
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
    const code = sessionId === principal.sessionId ? 'LOGGED_OUT' : 'SESSION_REVOKED';
    const revoked = await this.d.sessions.revokeFamilies(principal.userId, [sessionId], code);
    if (revoked.length === 0) throw new AppError('NOT_FOUND', 'session not found');
    this.revoked(principal.userId, revoked, code);
  }

  /**
   * The account's password, asked again before a change made with a session (password, email, deleting the account).
   * Wrong answers count towards the same per-account wait as wrong logins (lockouts.ts), so a stolen session cannot
   * be used to guess the password at bcrypt speed; while the account must wait, 429 RATE_LIMITED before any check.
   * A right one clears the count, as a login does. `field` names the body field in the FORBIDDEN details.
   */
  async confirmPassword(user: UserRow, password: string, field: string): Promise<void> {
    const key = LoginLockouts.key(user.id, '');
    await this.d.lockouts.check(key);
    if (!(await this.d.passwords.verify(password, user.password_hash))) {
      await this.d.lockouts.fail(key);
      throw new AppError('FORBIDDEN', 'the password is not correct', { details: [{ path: field, message: 'is not correct' }] });
    }
    await this.d.lockouts.clear(key);
  }

  /** Changes the password and ends every other session of the user. */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.d.users.findById(principal.userId);
    if (!user) throw new AppError('UNAUTHENTICATED', 'the session has ended; log in again');
    await this.confirmPassword(user, currentPassword, 'currentPassword');
    const hash = await this.d.passwords.hash(newPassword);
    const revoked = await transact(this.d.knex, async (trx) => {
      // The wrong-password count was cleared when the current password was confirmed.
      await this.d.users.setPasswordHash(user.id, hash, trx);
      return this.d.sessions.revokeAllForUser(user.id, 'PASSWORD_CHANGED', principal.sessionId, trx);
    });
    this.d.logger.info({ event: 'auth.password_changed', userId: user.id, sessionId: principal.sessionId }, 'password changed');
    this.revoked(user.id, revoked, 'PASSWORD_CHANGED');
  }

  /**
   * A new address for the account, confirmed with the current password (the address is where reset links go). It is
   * unconfirmed until its link is opened. Returns the old address, for the notice sent there.
   */
  async changeEmail(principal: Principal, email: string, currentPassword: string): Promise<{ user: UserSelf; oldEmail: string }> {
    const user = await this.d.users.findById(principal.userId);
    if (!user) throw new AppError('UNAUTHENTICATED', 'the session has ended; log in again');
    await this.confirmPassword(user, currentPassword, 'currentPassword');
    if (email === user.email) return { user: await this.self(user), oldEmail: user.email };
    if (await this.d.users.existsByEmail(email)) throw new AppError('EMAIL_TAKEN', 'that email is already registered');
    try {
      await this.d.users.setEmail(user.id, email);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('EMAIL_TAKEN', 'that email is already registered');
      throw err;
    }
    this.d.logger.info({ event: 'auth.email_changed', userId: user.id }, 'email address changed');
    const updated = (await this.d.users.findById(user.id)) ?? user;
    return { user: await this.self(updated), oldEmail: user.email };
  }

  /** Administrator action: a disabled account cannot log in or refresh, and its sessions end now. */
  async setAccountStatus(userId: number, status: 'active' | 'disabled'): Promise<void> {
    const changed = await transact(this.d.knex, async (trx) => {
      const n = await this.d.users.setStatus(userId, status, trx);
      if (n && status === 'disabled') await this.d.sessions.revokeAllForUser(userId, 'ACCOUNT_DISABLED', undefined, trx);
      return n;
    });
    if (!changed) throw new AppError('NOT_FOUND', 'user not found');
    this.d.logger.info({ event: status === 'disabled' ? 'auth.account_disabled' : 'auth.account_enabled', userId }, `account ${status}`);
    if (status === 'disabled') this.d.events.emit('sessions:revoked', userId, 'all', 'ACCOUNT_DISABLED');
  }

  /** Ends every session of a user now (administrator action), through the same path as every other revocation. */
  async endAllSessions(userId: number, code: SessionEndCode): Promise<number> {
    const revoked = await this.d.sessions.revokeAllForUser(userId, code);
    this.revoked(userId, revoked, code);
    return revoked.length;
  }

  /** Redeems a one-time reset link: sets the password and ends every session of the user (PASSWORD_CHANGED). */
  async resetPassword(token: string, newPassword: string, address: string): Promise<void> {
    const admission = this.d.admission;
    if (!admission) throw new AppError('RESET_LINK_INVALID', 'this reset link is not valid');
    const hash = await this.d.passwords.hash(newPassword);
    const outcome = await transact(this.d.knex, async (trx) => {
      const userId = await admission.redeemReset(token, trx);
      if (userId === undefined) return undefined;
      const user = await this.d.users.findById(userId, trx);
      if (!user) return undefined;
      await this.d.users.setPasswordHash(userId, hash, trx);
      // A reset is how an owner gets past a run of wrong passwords someone else typed.
      await this.d.lockouts.clear(LoginLockouts.key(userId, ''), trx);
      return { userId, revoked: await this.d.sessions.revokeAllForUser(userId, 'PASSWORD_CHANGED', undefined, trx) };
    });
    if (!outcome) throw new AppError('RESET_LINK_INVALID', 'this reset link is not valid: it is unknown, used or expired');
    this.d.logger.info({ event: 'auth.password_reset', userId: outcome.userId, address }, 'password reset with a one-time link');
    this.revoked(outcome.userId, outcome.revoked, 'PASSWORD_CHANGED');
  }

  /** Logs a revocation and tells the running servers (their sockets of these sessions end). */
  private revoked(userId: number, sessions: number[], code: SessionEndCode): void {
    if (sessions.length === 0) return;
    this.d.logger.info({ event: 'auth.revoked', userId, sessions, code }, 'sessions revoked');
    this.d.events.emit('sessions:revoked', userId, sessions, code);
  }
}
