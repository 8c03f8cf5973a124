// Who may read which stored bytes, decided on every request.
import type { UserSelf } from '../../protocol/types.js';
import { notFound } from '../errors.js';
import type { UsersService } from '../users/users.service.js';
import type { FileStore } from './file-store.js';
import type { UploadRow, UploadsRepository } from './uploads.repository.js';
import type { UploadsService } from './uploads.service.js';
import { THUMB_MIME } from './images.js';

export interface Readable {
  key: string;
  mime: string;
  name: string;
  size: number;
  /** Shown in the browser (raster images and their thumbnails); everything else is a download. */
  inline: boolean;
}

export class FilesService {
  constructor(
    private readonly repo: UploadsRepository,
    private readonly store: FileStore,
    private readonly uploads: UploadsService,
    private readonly users: UsersService,
  ) {}

  /**
   * Points the user's avatar at `upload` (or at nothing), tells everyone who sees the user (user:updated), and
   * removes the picture it replaces when that was one of ours.
   */
  async setAvatar(userId: number, upload: UploadRow | null): Promise<UserSelf> {
    const before = await this.users.me(userId);
    let me: UserSelf;
    try {
      me = await this.users.updateMe(userId, { avatarUrl: upload ? avatarUrl(upload.id) : null });
    } catch (err) {
      if (upload) await this.uploads.discard(upload);
      throw err;
    }
    const old = before.avatarUrl ? ownAvatarId(before.avatarUrl) : undefined;
    if (old !== undefined && old !== upload?.id) {
      const row = await this.repo.findById(old);
      if (row && row.uploader_id === userId && row.purpose === 'avatar') await this.uploads.discard(row);
    }
    return me;
  }

  /**
   * The uploader until the upload is attached; then members of the room whose (not recalled) message holds it.
   * Anyone else, and anything missing, gets the same 404: no one learns that a file exists.
   */
  private async authorised(userId: number, id: number): Promise<UploadRow> {
    const row = await this.repo.findById(id);
    if (!row) throw notFound('file');
    // Avatars are shown wherever their user is, so any signed-in user may read one.
    const ok =
      row.purpose === 'avatar' ||
      (row.message_id === null ? row.uploader_id === userId : await this.repo.readableThroughMessage(row.message_id, userId));
    if (!ok) throw notFound('file');
    return row;
  }

  async open(userId: number, id: number, variant: 'original' | 'thumbnail'): Promise<Readable> {
    const row = await this.authorised(userId, id);
    if (variant === 'thumbnail') {
      if (!row.thumb_key) throw notFound('thumbnail');
      const stat = await this.store.stat(row.thumb_key);
      if (!stat) throw notFound('file');
      return { key: row.thumb_key, mime: THUMB_MIME, name: row.name.replace(/\.[^.]*$/, '') + '.webp', size: stat.size, inline: true };
    }
    return { key: row.storage_key, mime: row.mime, name: row.name, size: row.size, inline: row.width !== null };
  }

  /** A recalled message's file is removed at once (the sweeper retries what fails here). */
  async discardForMessage(messageId: number): Promise<void> {
    for (const row of await this.repo.forMessage(messageId)) await this.uploads.discard(row);
  }
}

/** Our own avatars are served like files; clients fetch them with the bearer token. */
export const avatarUrl = (uploadId: number) => `/api/files/${uploadId}`;

function ownAvatarId(url: string): number | undefined {
  const m = /^\/api\/files\/([1-9][0-9]{0,15})$/.exec(url);
  return m ? Number(m[1]) : undefined;
}
