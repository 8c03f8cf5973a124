// Files in the composer: each chosen file uploads at once (progress, cancel), failures say why and can be retried
// (one that failed for want of a network goes again by itself when the connection is back), and Send turns the
// uploaded ones into image/file messages through the outbox, the caption riding on the first.
import type { ApiClient } from '../../../client/api.js';
import type { Attachment } from '../../../protocol/types.js';
import { FileCache, uploadFile, UploadError, type UploadHandle } from '../lib/file-transfer.js';
import type { AppStore } from '../store/index.js';
import type { StagedFile } from '../store/attachments.js';

const PREVIEWABLE = /^image\/(jpeg|png|gif|webp)$/;

export type SendFn = (
  roomId: number,
  body: string,
  opts: { replyToId: number | null; kind: 'image' | 'file'; attachment: NonNullable<Attachment> },
) => void;

export class AttachmentsService {
  readonly cache = new FileCache();
  private readonly files = new Map<string, File>();
  private readonly running = new Map<string, UploadHandle>();
  private counter = 0;

  constructor(
    private readonly store: AppStore,
    private readonly api: () => ApiClient | null,
    private readonly send: SendFn,
  ) {}

  private get s() {
    return this.store.getState();
  }

  add(roomId: number, files: readonly File[]): void {
    for (const file of files) {
      const id = `f${Date.now().toString(36)}-${++this.counter}`;
      this.files.set(id, file);
      this.s.stageFile({
        id,
        roomId,
        name: file.name || 'file',
        size: file.size,
        previewUrl: PREVIEWABLE.test(file.type) ? URL.createObjectURL(file) : null,
        progress: 0,
        state: 'uploading',
      });
      this.start(roomId, id);
    }
  }

  private start(roomId: number, id: string): void {
    const api = this.api();
    const file = this.files.get(id);
    if (!file) return;
    if (!api) {
      this.s.patchStaged(roomId, id, { state: 'failed', error: 'NETWORK' });
      return;
    }
    this.s.patchStaged(roomId, id, { state: 'uploading', progress: 0, error: undefined });
    const handle = uploadFile(api, file, (progress) => this.s.patchStaged(roomId, id, { progress }));
    this.running.set(id, handle);
    handle.done.then(
      (upload) => this.s.patchStaged(roomId, id, { state: 'done', progress: 1, upload }),
      (err: unknown) => {
        if (err instanceof UploadError && err.code === 'CANCELLED') return;
        this.s.patchStaged(roomId, id, {
          state: 'failed',
          error: err instanceof UploadError && err.code !== 'CANCELLED' ? err.code : 'NETWORK',
        });
      },
    );
    void handle.done.finally(() => this.running.delete(id)).catch(() => undefined);
  }

  retry(roomId: number, id: string): void {
    this.start(roomId, id);
  }

  /** The connection is back: uploads that failed for want of it go again. */
  retryOffline(): void {
    for (const list of Object.values(this.s.attachments.staged)) {
      for (const f of list) if (f.state === 'failed' && f.error === 'NETWORK') this.start(f.roomId, f.id);
    }
  }

  remove(roomId: number, id: string): void {
    this.running.get(id)?.cancel();
    this.running.delete(id);
    this.files.delete(id);
    const staged = this.s.attachments.staged[roomId]?.find((f) => f.id === id);
    if (staged?.previewUrl) URL.revokeObjectURL(staged.previewUrl);
    this.s.unstage(roomId, id);
  }

  /** Sends every uploaded file of the room as a message; the caption goes with the first. True when something was sent. */
  sendStaged(roomId: number, caption: string, replyToId: number | null): boolean {
    const ready = (this.s.attachments.staged[roomId] ?? []).filter(
      (f): f is StagedFile & { upload: NonNullable<StagedFile['upload']> } => f.state === 'done' && f.upload !== undefined,
    );
    ready.forEach((f, i) => {
      const u = f.upload;
      const attachment = { id: u.id, name: u.name, mimeType: u.mimeType, size: u.size, width: u.width, height: u.height };
      this.send(roomId, i === 0 ? caption : '', {
        replyToId: i === 0 ? replyToId : null,
        kind: u.width !== null ? 'image' : 'file',
        attachment,
      });
      this.remove(roomId, f.id);
    });
    return ready.length > 0;
  }

  clear(): void {
    for (const [roomId, list] of Object.entries(this.s.attachments.staged)) for (const f of list) this.remove(Number(roomId), f.id);
    this.cache.clear();
  }
}
