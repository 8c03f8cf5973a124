// The only place with queries on email verification links (password-reset links live in AdminRepository).
import type { Knex } from 'knex';

export class EmailRepository {
  constructor(private readonly knex: Knex) {}

  async createVerification(userId: number, email: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.knex('email_verifications').insert({
      user_id: userId,
      email,
      token_hash: tokenHash,
      expires_at: expiresAt,
      used_at: null,
      created_at: new Date(),
    });
  }

  /** Marks a live link used (once: the condition is in the UPDATE) and returns whom and which address it confirms. */
  async useVerification(tokenHash: string, trx: Knex.Transaction): Promise<{ userId: number; email: string } | undefined> {
    const now = new Date();
    const n = await trx('email_verifications')
      .where({ token_hash: tokenHash })
      .whereNull('used_at')
      .where('expires_at', '>', now)
      .update({ used_at: now });
    if (!n) return undefined;
    const row = (await trx('email_verifications').where({ token_hash: tokenHash }).first('user_id', 'email')) as
      { user_id: number; email: string } | undefined;
    return row ? { userId: row.user_id, email: row.email } : undefined;
  }
}
