// What the server sends by email (SMTP_URL): password-reset links asked for by the user, address verification, and
// a notice to the old address when it changes. Requests that name an address answer the same whether or not an
// account has it (no probing), are rate limited per address and per client, and never wait for the mail server.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AdminRepository } from '../admin/admin.repository.js';
import { hashResetToken as hashToken } from '../admin/admin.service.js';
import type { Config } from '../config.js';
import { transact } from '../db/transaction.js';
import { AppError } from '../errors.js';
import { consumeOrThrow } from '../limits.js';
import type { Logger } from '../logger.js';
import type { UsersRepository } from '../users/users.repository.js';
import type { EmailRepository } from './email.repository.js';
import type { Mailer } from './mailer.js';
import { emailChangedMail, passwordResetMail, verificationMail } from './templates.js';

export interface EmailDeps {
  knex: Knex;
  users: UsersRepository;
  /** Password-reset links share the administrators' table, TTL and redemption (POST /auth/password-reset). */
  resets: AdminRepository;
  repo: EmailRepository;
  /** Undefined without SMTP_URL: every email feature is off. */
  mailer: Mailer | undefined;
  config: Pick<Config, 'publicUrl' | 'passwordResetTtl' | 'emailVerification' | 'emailVerificationTtl'>;
  logger: Logger;
  limits: {
    /** Emails asked for one address (reset and verification requests together). */
    perAddress: RateLimiterAbstract;
    /** Emails asked for from one client address, whatever the addresses named. */
    perClient: RateLimiterAbstract;
  };
}

export class EmailService {
  constructor(private readonly d: EmailDeps) {}

  get enabled(): boolean {
    return this.d.mailer !== undefined;
  }

  get verification(): 'off' | 'optional' | 'required' {
    return this.d.config.emailVerification;
  }

  /** PUBLIC_URL, else the address the request came to (development only; config insists on PUBLIC_URL in production). */
  private link(origin: string, route: string, token: string): string {
    return `${this.d.config.publicUrl ?? origin}/#/${route}/${token}`;
  }

  private mailer(): Mailer {
    if (!this.d.mailer) throw new AppError('EMAIL_DISABLED', 'this server sends no email; ask an administrator for a reset link');
    return this.d.mailer;
  }

  private async limit(email: string, client: string): Promise<void> {
    await consumeOrThrow(this.d.limits.perClient, client);
    await consumeOrThrow(this.d.limits.perAddress, email);
  }

  /** POST /auth/password-reset/request: a one-time link to the address, if an active account has it. */
  async requestPasswordReset(email: string, client: string, origin: string): Promise<void> {
    const mailer = this.mailer();
    await this.limit(email, client);
    const user = await this.d.users.findByEmail(email);
    if (!user || user.status !== 'active') {
      this.d.logger.info({ event: 'email.reset_unknown', address: client }, 'password reset asked for an address no active account has');
      return;
    }
    const token = randomBytes(32).toString('base64url');
    const ttl = this.d.config.passwordResetTtl;
    await this.d.resets.createPasswordReset(user.id, hashToken(token), new Date(Date.now() + ttl * 1000));
    this.d.logger.info({ event: 'email.reset_requested', userId: user.id, address: client }, 'password reset link emailed');
    mailer.send(passwordResetMail(user.email, user.username, this.link(origin, 'reset-password', token), ttl));
  }

  /** A verification link to the account's current address (when verification is on). */
  async sendVerification(user: { id: number; username: string; email: string }, origin: string): Promise<void> {
    if (!this.d.mailer || this.verification === 'off') return;
    const token = randomBytes(32).toString('base64url');
    const ttl = this.d.config.emailVerificationTtl;
    await this.d.repo.createVerification(user.id, user.email, hashToken(token), new Date(Date.now() + ttl * 1000));
    this.d.mailer.send(verificationMail(user.email, user.username, this.link(origin, 'verify-email', token), ttl));
  }

  /** POST /auth/verify-email/resend: a new link, if an account has this address and has not confirmed it. */
  async resendVerification(email: string, client: string, origin: string): Promise<void> {
    this.mailer();
    await this.limit(email, client);
    const user = await this.d.users.findByEmail(email);
    if (!user || user.status !== 'active' || user.email_verified_at || this.verification === 'off') return;
    await this.sendVerification(user, origin);
  }

  /** POST /auth/verify-email: once per link, and only for the address it was sent to. */
  async verify(token: string): Promise<void> {
    const userId = await transact(this.d.knex, async (trx) => {
      const link = await this.d.repo.useVerification(hashToken(token), trx);
      if (!link) return undefined;
      return (await this.d.users.markEmailVerified(link.userId, link.email, trx)) ? link.userId : undefined;
    });
    if (userId === undefined) {
      throw new AppError(
        'VERIFICATION_LINK_INVALID',
        'this verification link is not valid: it is unknown, used, expired or for an old address',
      );
    }
    this.d.logger.info({ event: 'email.verified', userId }, 'email address confirmed');
  }

  /** After an address change: a notice to the old address, and a link to confirm the new one. */
  async emailChanged(user: { id: number; username: string; email: string }, oldEmail: string, origin: string): Promise<void> {
    if (!this.d.mailer || oldEmail === user.email) return;
    this.d.mailer.send(emailChangedMail(oldEmail, user.username, user.email));
    await this.sendVerification(user, origin);
  }
}
