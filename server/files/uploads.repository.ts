// The only place with upload queries.
import type { Knex } from 'knex';
import { dialectOf } from '../db/knex.js';
import { num } from '../db/values.js';

export interface UploadRow {
  id: number;
  uploader_id: number;
  purpose: 'attachment' | 'avatar';
  name: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  storage_key: string;
  thumb_key: string | null;
  created_at: Date | number;
  message_id: number | null;
}

export type NewUpload = Omit<UploadRow, 'id' | 'message_id'>;

function normalise(r: UploadRow): UploadRow {
  return { ...r, id: num(r.id), size: num(r.size), message_id: r.message_id === null ? null : num(r.message_id) };
}

export class UploadsRepository {
  constructor(private readonly knex: Knex) {}

  async insert(row: NewUpload): Promise<UploadRow> {
    const [id] = await this.knex('uploads').insert({ ...row, message_id: null });
    return { ...row, id: num(id), message_id: null };
  }

  async findById(id: number): Promise<UploadRow | undefined> {
    const row = (await this.knex('uploads').where({ id }).first()) as UploadRow | undefined;
    return row && normalise(row);
  }

  /** Bytes the user holds in uploads (attached or not). */
  async usedBytes(userId: number): Promise<number> {
    const row = (await this.knex('uploads').where({ uploader_id: userId }).sum({ n: 'size' }).first()) as { n: unknown } | undefined;
    return num(row?.n ?? 0) || 0;
  }

  /** May `userId` read this attachment now: a member of the live room of a message (not recalled) that holds it. */
  async readableThroughMessage(messageId: number, userId: number): Promise<boolean> {
    const row = (await this.knex('messages as m')
      .join('rooms as r', 'r.id', 'm.room_id')
      .join('room_members as rm', (j) => j.on('rm.room_id', '=', 'm.room_id').andOnVal('rm.user_id', '=', userId))
      .where('m.id', messageId)
      .whereNull('m.deleted_at')
      .whereNull('r.deleted_at')
      .first('m.id')) as { id: number } | undefined;
    return row !== undefined;
  }

  /**
   * Uploads no one can reach any more: never attached after `orphanBefore`, or held by a recalled message or a
   * deleted room, or an avatar its user no longer shows.
   */
  async unreachable(orphanBefore: Date, limit: number): Promise<UploadRow[]> {
    const orphans = (await this.knex('uploads')
      .whereNull('message_id')
      .where('purpose', 'attachment')
      .where('created_at', '<', orphanBefore)
      .limit(limit)) as UploadRow[];
    const gone = (await this.knex('uploads as u')
      .join('messages as m', 'm.id', 'u.message_id')
      .join('rooms as r', 'r.id', 'm.room_id')
      .where((w) => w.whereNotNull('m.deleted_at').orWhereNotNull('r.deleted_at'))
      .limit(limit)
      .select('u.*')) as UploadRow[];
    // Avatars their user no longer shows (replaced or removed, when removing the old picture failed at the time).
    const url = dialectOf(this.knex) === 'mysql' ? "CONCAT('/api/files/', u.id)" : "'/api/files/' || u.id";
    const avatars = (await this.knex('uploads as u')
      .join('users as us', 'us.id', 'u.uploader_id')
      .where('u.purpose', 'avatar')
      .where('u.created_at', '<', orphanBefore)
      .where((w) => w.whereNull('us.avatar_url').orWhereRaw(`us.avatar_url <> ${url}`))
      .limit(limit)
      .select('u.*')) as UploadRow[];
    return [...orphans, ...gone, ...avatars].map(normalise);
  }

  /**
   * What a deleted account leaves that no one should keep: its avatars, uploads no message holds, and the files of
   * its recalled messages. Files in messages it kept stay with those messages.
   */
  async leftBy(userId: number): Promise<UploadRow[]> {
    const rows = (await this.knex('uploads as u')
      .leftJoin('messages as m', 'm.id', 'u.message_id')
      .where('u.uploader_id', userId)
      .where((w) => w.where('u.purpose', 'avatar').orWhereNull('u.message_id').orWhereNotNull('m.deleted_at'))
      .select('u.*')) as UploadRow[];
    return rows.map(normalise);
  }

  /** Bytes held in storage, from the database (originals; thumbnails are small and not counted). */
  async totalBytes(): Promise<number> {
    const row = (await this.knex('uploads').sum({ n: 'size' }).first()) as { n: unknown } | undefined;
    return num(row?.n ?? 0) || 0;
  }

  async forMessage(messageId: number): Promise<UploadRow[]> {
    return ((await this.knex('uploads').where({ message_id: messageId })) as UploadRow[]).map(normalise);
  }

  async delete(id: number): Promise<void> {
    await this.knex('uploads').where({ id }).delete();
  }
}
