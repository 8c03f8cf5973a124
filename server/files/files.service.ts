// Who may read which stored bytes, decided on every request.
import { notFound } from '../errors.js';
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
  ) {}

  /**
   * The uploader until the upload is attached; then members of the room whose (not recalled) message holds it.
   * Anyone else, and anything missing, gets the same 404: no one learns that a file exists.
   */
  private async authorised(userId: number, id: number): Promise<UploadRow> {
    const row = await this.repo.findById(id);
    if (!row) throw notFound('file');
    const ok = row.message_id === null ? row.uploader_id === userId : await this.repo.readableThroughMessage(row.message_id, userId);
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
