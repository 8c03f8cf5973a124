// The only place with session queries. A session (family) is a chain of refresh-token rows; its id is the first row's.
import type { Knex } from 'knex';
import { Batcher } from '../db/batcher.js';
import { dialectOf } from '../db/knex.js';
import { SessionModel, type UserModel } from '../db/models.js';
import { isSessionEndCode, type SessionEndCode } from '../../protocol/errors.js';

export type SessionRow = SessionModel;

export class SessionsRepository {
  constructor(private readonly knex: Knex) {}

  async create(
    input: { userId: number; tokenHash: string; deviceName: string | null; expiresAt: Date },
    trx?: Knex.Transaction,
  ): Promise<SessionRow> {
    const db = trx ?? this.knex;
    const now = new Date();
    const row = await SessionModel.query(db).insertAndFetch({
      family_id: null,
      user_id: input.userId,
      refresh_token_hash: input.tokenHash,
      device_name: input.deviceName,
      created_at: now,
      last_used_at: now,
      expires_at: input.expiresAt,
      revoked_at: null,
      revoked_reason: null,
      replaced_by: null,
    });
    await SessionModel.query(db).findById(row.id).patch({ family_id: row.id });
    row.family_id = row.id;
    return row;
  }

  async findByTokenHash(tokenHash: string, trx?: Knex.Transaction): Promise<SessionRow | undefined> {
    const q = SessionModel.query(trx ?? this.knex).where('refresh_token_hash', tokenHash);
    // Row lock on MySQL so two refreshes of one token serialise; SQLite transactions are already serial.
    return (trx && dialectOf(this.knex) === 'mysql' ? q.forUpdate() : q).first();
  }

  /** Spends `old` and writes its successor in the same family. Returns undefined if `old` was spent meanwhile. */
  async rotate(old: SessionRow, tokenHash: string, expiresAt: Date, trx: Knex.Transaction): Promise<SessionRow | undefined> {
    const now = new Date();
    const next = await SessionModel.query(trx).insertAndFetch({
      family_id: old.family_id ?? old.id,
      user_id: old.user_id,
      refresh_token_hash: tokenHash,
      device_name: old.device_name,
      created_at: old.created_at,
      last_used_at: now,
      expires_at: expiresAt,
      revoked_at: null,
      revoked_reason: null,
      replaced_by: null,
    });
    const spent = await SessionModel.query(trx)
      .findById(old.id)
      .whereNull('replaced_by')
      .whereNull('revoked_at')
      .patch({ replaced_by: next.id, last_used_at: now });
    return spent === 1 ? next : undefined;
  }

  /** The row that replaced `row` (its successor in the chain), if any. */
  async successor(row: SessionRow, trx?: Knex.Transaction): Promise<SessionRow | undefined> {
    if (row.replaced_by === null) return undefined;
    const q = SessionModel.query(trx ?? this.knex).findById(row.replaced_by);
    return trx && dialectOf(this.knex) === 'mysql' ? q.forUpdate() : q;
  }

  /** Revokes every row of the given families (only those of `userId`). Returns the families that were live. */
  async revokeFamilies(userId: number, familyIds: readonly number[], code: SessionEndCode, trx?: Knex.Transaction): Promise<number[]> {
    if (familyIds.length === 0) return [];
    const db = trx ?? this.knex;
    const live = await SessionModel.query(db)
      .distinct('family_id')
      .where('user_id', userId)
      .whereIn('family_id', [...familyIds])
      .whereNull('revoked_at');
    await SessionModel.query(db)
      .where('user_id', userId)
      .whereIn('family_id', [...familyIds])
      .whereNull('revoked_at')
      .patch({ revoked_at: new Date(), revoked_reason: code });
    return live.map((r) => r.family_id as number);
  }

  /** Revokes all of a user's sessions, except `keepFamilyId` if given. Returns the families revoked. */
  async revokeAllForUser(userId: number, code: SessionEndCode, keepFamilyId?: number, trx?: Knex.Transaction): Promise<number[]> {
    const db = trx ?? this.knex;
    const q = SessionModel.query(db).distinct('family_id').where('user_id', userId).whereNull('revoked_at');
    if (keepFamilyId !== undefined) q.whereNot('family_id', keepFamilyId);
    const families = (await q).map((r) => r.family_id as number);
    return this.revokeFamilies(userId, families, code, trx);
  }

  /**
   * Why a session that failed the live check is dead: the code it was revoked with, SESSION_EXPIRED, or undefined
   * when there is no such session of this user. Only runs on the refusal path, so it costs nothing on the hot one.
   */
  async endCode(userId: number, familyId: number): Promise<SessionEndCode | undefined> {
    const row = await SessionModel.query(this.knex).where('family_id', familyId).where('user_id', userId).orderBy('id', 'desc').first();
    if (!row) return undefined;
    if (row.revoked_at) return isSessionEndCode(row.revoked_reason) ? row.revoked_reason : 'SESSION_REVOKED';
    return 'SESSION_EXPIRED';
  }

  /**
   * Sessions revoked at or after `since` (a range scan on sessions_revoked_at_index): what every node reads once a
   * second to end sockets whose revocation it did not hear about (another process, or Redis was down).
   */
  async revokedSince(since: Date): Promise<{ familyId: number; userId: number; code: SessionEndCode }[]> {
    const rows = (await this.knex('sessions').where('revoked_at', '>=', since).distinct('family_id', 'user_id', 'revoked_reason')) as {
      family_id: number;
      user_id: number;
      revoked_reason: string | null;
    }[];
    return rows.map((r) => ({
      familyId: r.family_id,
      userId: r.user_id,
      code: isSessionEndCode(r.revoked_reason) ? r.revoked_reason : 'SESSION_REVOKED',
    }));
  }

  /** The live (current) row of each of the user's sessions. */
  async listLive(userId: number): Promise<SessionRow[]> {
    return SessionModel.query(this.knex)
      .where('user_id', userId)
      .whereNull('revoked_at')
      .whereNull('replaced_by')
      .where('expires_at', '>', new Date())
      .orderBy('last_used_at', 'desc');
  }

  /**
   * Is this session still live, and is its user still active? One indexed lookup per authenticated request, batched
   * with the lookups of other requests when many arrive at once (a reconnect storm after a restart).
   */
  /** Returns the session's user (read in the same query; the socket handshake needs it), or undefined if it is not live. */
  async check(userId: number, familyId: number): Promise<UserModel | undefined> {
    const row = await this.live.load(familyId);
    return row && row.session_user_id === userId ? row : undefined;
  }

  private readonly live = new Batcher<number, UserModel & { session_family_id: number; session_user_id: number }>(async (familyIds) => {
    const rows = (await this.knex('sessions as s')
      .join('users as u', 'u.id', 's.user_id')
      .whereIn('s.family_id', familyIds)
      .whereNull('s.revoked_at')
      .whereNull('s.replaced_by')
      .andWhere('s.expires_at', '>', new Date())
      .select('u.*', 's.family_id as session_family_id', 's.user_id as session_user_id')) as (UserModel & {
      session_family_id: number;
      session_user_id: number;
    })[];
    return new Map(rows.map((r) => [r.session_family_id, r]));
  });
}
