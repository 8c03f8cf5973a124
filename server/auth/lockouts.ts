// The per-account login ceiling: wrong passwords for one account, from any address, make it wait before the next try,
// 1 s after LOGIN_LOCKOUT_AFTER failures, then 2 s, 4 s ... up to LOGIN_LOCKOUT_MAX. The wait is bounded, a correct
// password after it clears the count, and so does a password reset, so a stranger can slow an owner down but never lock
// them out for good. Kept in the database, the one store every node shares whether or not Redis is configured (a
// failed login already costs a bcrypt comparison, so one more indexed write costs little, and the count must not
// reset to a node's own memory while Redis is away, as the in-memory fallback of the other limits does).
import type { Knex } from 'knex';
import { AppError } from '../errors.js';

/** A run of failures older than this is forgotten: the next one starts a new count. */
const FORGET_AFTER_MS = 24 * 3600_000;

interface LockoutRow {
  failures: number;
  locked_until: Date | number | null;
}

export class LoginLockouts {
  constructor(
    private readonly knex: Knex,
    private readonly after: number,
    private readonly maxSeconds: number,
  ) {}

  /** The account's key; names that match no account get one too, so the answers do not tell the two apart. */
  static key(userId: number | undefined, login: string): string {
    return userId !== undefined ? `id:${userId}` : `login:${login.toLowerCase()}`.slice(0, 191);
  }

  /** Throws RATE_LIMITED (with retryAfter) while the account must wait. */
  async check(key: string): Promise<void> {
    const row = (await this.knex('login_lockouts').where({ lock_key: key }).first('locked_until')) as LockoutRow | undefined;
    const until = row?.locked_until ? new Date(row.locked_until).getTime() : 0;
    const waitMs = until - Date.now();
    if (waitMs > 0) {
      const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
      throw new AppError('RATE_LIMITED', `too many wrong passwords for this account; try again in ${retryAfter} s`, { retryAfter });
    }
  }

  /** Counts a wrong password (atomically, whichever node) and sets the next wait once past the threshold. */
  async fail(key: string): Promise<void> {
    const now = new Date();
    const stale = new Date(now.getTime() - FORGET_AFTER_MS);
    const table = this.knex('login_lockouts');
    await this.knex('login_lockouts').where({ lock_key: key }).where('updated_at', '<', stale).update({ failures: 0, locked_until: null });
    await table
      .insert({ lock_key: key, failures: 1, locked_until: null, updated_at: now })
      .onConflict('lock_key')
      .merge({ failures: this.knex.raw('?? + 1', ['login_lockouts.failures']), updated_at: now });
    const row = (await this.knex('login_lockouts').where({ lock_key: key }).first('failures')) as LockoutRow | undefined;
    const failures = Number(row?.failures ?? 0);
    if (failures >= this.after) {
      const seconds = Math.min(2 ** Math.min(failures - this.after, 30), this.maxSeconds);
      await this.knex('login_lockouts')
        .where({ lock_key: key })
        .update({ locked_until: new Date(now.getTime() + seconds * 1000) });
    }
    // Names that match no account leave rows behind; now and then, drop the ones nobody has tried for a day.
    if (Math.random() < 0.01) await this.knex('login_lockouts').where('updated_at', '<', stale).delete();
  }

  async clear(key: string, trx?: Knex.Transaction): Promise<void> {
    await (trx ?? this.knex)('login_lockouts').where({ lock_key: key }).delete();
  }
}
