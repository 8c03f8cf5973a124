// The only place with queries on settings, invites, the audit log and password-reset links.
import type { Knex } from 'knex';
import { isUniqueViolation } from '../errors.js';

export interface InviteRow {
  id: number;
  code: string;
  created_by: number | null;
  expires_at: Date | number | null;
  max_uses: number | null;
  uses: number;
  room_ids: string;
  revoked_at: Date | number | null;
  created_at: Date | number;
}

export interface AuditRow {
  id: number;
  actor_id: number | null;
  actor_name: string;
  action: string;
  target: string | null;
  ip: string | null;
  details: string | null;
  created_at: Date | number;
}

export interface AuditEntryInput {
  actorId: number | null;
  actorName: string;
  action: string;
  target?: string | null;
  ip?: string | null;
  details?: Record<string, unknown> | null;
}

export class AdminRepository {
  constructor(private readonly knex: Knex) {}

  async getSetting(key: string, trx?: Knex.Transaction): Promise<string | undefined> {
    const row = (await (trx ?? this.knex)('settings').where({ key }).first('value')) as { value: string } | undefined;
    return row?.value;
  }

  async setSetting(key: string, value: string, trx?: Knex.Transaction): Promise<void> {
    await (trx ?? this.knex)('settings').insert({ key, value, updated_at: new Date() }).onConflict('key').merge(['value', 'updated_at']);
  }

  /** Inserts the row only if the key is new; true when this call inserted it (the primary key decides a race). */
  async claimSetting(key: string, value: string): Promise<boolean> {
    try {
      await this.knex('settings').insert({ key, value, updated_at: new Date() });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async createInvite(input: {
    code: string;
    createdBy: number | null;
    expiresAt: Date | null;
    maxUses: number | null;
    roomIds: number[];
  }): Promise<InviteRow> {
    const [id] = await this.knex('invites').insert({
      code: input.code,
      created_by: input.createdBy,
      expires_at: input.expiresAt,
      max_uses: input.maxUses,
      uses: 0,
      room_ids: JSON.stringify(input.roomIds),
      revoked_at: null,
      created_at: new Date(),
    });
    return (await this.knex<InviteRow>('invites')
      .where({ id: Number(id) })
      .first())!;
  }

  async listInvites(): Promise<InviteRow[]> {
    return this.knex<InviteRow>('invites').whereNull('revoked_at').orderBy('id', 'desc').limit(500);
  }

  /** A room owner's own live invites to one room (an invite they made that joins exactly that room). */
  async listRoomInvites(userId: number, roomId: number): Promise<InviteRow[]> {
    return this.knex<InviteRow>('invites')
      .where({ created_by: userId, room_ids: JSON.stringify([roomId]) })
      .whereNull('revoked_at')
      .orderBy('id', 'desc')
      .limit(500);
  }

  async findInvite(id: number): Promise<InviteRow | undefined> {
    return this.knex<InviteRow>('invites').where({ id }).first();
  }

  async revokeInvite(id: number): Promise<number> {
    return this.knex('invites').where({ id }).whereNull('revoked_at').update({ revoked_at: new Date() });
  }

  /**
   * Spends one use of a live invite in the registration's transaction. The conditions sit in the UPDATE itself, so
   * two registrations racing for the last use cannot both get it. Undefined when the code is not usable.
   */
  async useInvite(code: string, trx: Knex.Transaction): Promise<InviteRow | undefined> {
    const now = new Date();
    const n = await trx('invites')
      .where({ code })
      .whereNull('revoked_at')
      .where((w) => w.whereNull('expires_at').orWhere('expires_at', '>', now))
      .where((w) => w.whereNull('max_uses').orWhereRaw('uses < max_uses'))
      .increment('uses', 1);
    if (!n) return undefined;
    return trx<InviteRow>('invites').where({ code }).first();
  }

  async audit(entry: AuditEntryInput): Promise<void> {
    await this.knex('audit_log').insert({
      actor_id: entry.actorId,
      actor_name: entry.actorName.slice(0, 64),
      action: entry.action,
      target: entry.target ?? null,
      ip: entry.ip?.slice(0, 64) ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
      created_at: new Date(),
    });
  }

  /** Newest first; `before` is an id cursor. */
  async listAudit(limit: number, before?: number): Promise<AuditRow[]> {
    const q = this.knex<AuditRow>('audit_log').orderBy('id', 'desc').limit(limit);
    if (before !== undefined) q.where('id', '<', before);
    return q;
  }

  async createPasswordReset(userId: number, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.knex('password_resets').insert({
      user_id: userId,
      token_hash: tokenHash,
      expires_at: expiresAt,
      used_at: null,
      created_at: new Date(),
    });
  }

  /** Marks a live link used (once: the condition is in the UPDATE) and returns its user; undefined otherwise. */
  async usePasswordReset(tokenHash: string, trx: Knex.Transaction): Promise<number | undefined> {
    const now = new Date();
    const n = await trx('password_resets')
      .where({ token_hash: tokenHash })
      .whereNull('used_at')
      .where('expires_at', '>', now)
      .update({ used_at: now });
    if (!n) return undefined;
    const row = (await trx('password_resets').where({ token_hash: tokenHash }).first('user_id')) as { user_id: number } | undefined;
    return row?.user_id;
  }
}
