// Receiving an upload: the multipart stream goes to a temporary file (never into memory), is sniffed by its bytes,
// images are cleaned and get a thumbnail, and only then do the bytes reach the FileStore and the row the database.
import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { fileTypeFromFile } from 'file-type';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Upload } from '../../protocol/types.js';
import { AppError } from '../errors.js';
import { iso } from '../db/values.js';
import { consumeOrThrow } from '../limits.js';
import type { Logger } from '../logger.js';
import type { FileStore } from './file-store.js';
import { cleanFilename, withExtension } from './filenames.js';
import { AVATAR_MIME, AVATAR_SIZE, processAvatar, processImage, RASTER } from './images.js';
import type { UploadRow, UploadsRepository } from './uploads.repository.js';

export interface UploadsDeps {
  repo: UploadsRepository;
  store: FileStore;
  /** Temporary files live here (one folder per process, so replicas sharing DATA_DIR never clear each other's). */
  tmpRoot: string;
  maxBytes: number;
  quotaBytes: number | undefined;
  limiter: RateLimiterAbstract;
  logger: Logger;
}

/** Room for the multipart framing around the file when judging Content-Length up front. */
const MULTIPART_OVERHEAD = 64 * 1024;

export function toUpload(r: UploadRow): Upload {
  return { id: r.id, name: r.name, mimeType: r.mime, size: r.size, width: r.width, height: r.height, createdAt: iso(r.created_at) };
}

const tooLarge = (max: number) =>
  new AppError('PAYLOAD_TOO_LARGE', `the file is larger than ${max} bytes`, {
    details: [{ path: 'file', message: `at most ${max} bytes` }],
  });
const overQuota = () =>
  new AppError('QUOTA_EXCEEDED', 'this upload would exceed your storage quota', { details: [{ path: 'file', message: 'quota exceeded' }] });
const badForm = (message: string) => new AppError('VALIDATION_FAILED', message, { details: [{ path: 'file', message }] });

interface Received {
  file: string;
  size: number;
  filename: string;
}

export class UploadsService {
  private readonly tmpDir: string;

  constructor(private readonly d: UploadsDeps) {
    this.tmpDir = path.join(d.tmpRoot, `${process.pid}-${randomBytes(4).toString('hex')}`);
  }

  /** Clears temporary folders that a crashed process left more than a day ago. */
  async start(): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
    const dayAgo = Date.now() - 24 * 3600_000;
    for (const entry of await readdir(this.d.tmpRoot).catch(() => [] as string[])) {
      const dir = path.join(this.d.tmpRoot, entry);
      if (dir === this.tmpDir) continue;
      const s = await stat(dir).catch(() => undefined);
      if (s && s.mtimeMs < dayAgo) await rm(dir, { recursive: true, force: true });
    }
  }

  async stop(): Promise<void> {
    await rm(this.tmpDir, { recursive: true, force: true });
  }

  /** POST /uploads (and PUT /users/me/avatar): the whole path from the request stream to a stored upload. */
  async receive(userId: number, req: IncomingMessage, purpose: 'attachment' | 'avatar' = 'attachment'): Promise<UploadRow> {
    await consumeOrThrow(this.d.limiter, String(userId));
    let limit = this.d.maxBytes;
    let quotaBound = false;
    if (this.d.quotaBytes !== undefined) {
      const left = this.d.quotaBytes - (await this.d.repo.usedBytes(userId));
      if (left <= 0) throw overQuota();
      if (left < limit) {
        limit = left;
        quotaBound = true;
      }
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit + MULTIPART_OVERHEAD) throw quotaBound ? overQuota() : tooLarge(this.d.maxBytes);

    const temps: string[] = [];
    const temp = () => {
      const file = path.join(this.tmpDir, randomUUID());
      temps.push(file);
      return file;
    };
    try {
      await mkdir(this.tmpDir, { recursive: true });
      const got = await this.readForm(req, limit, temp(), quotaBound);
      if (got.size === 0) throw badForm('the file is empty');
      return await this.store(userId, got, temp, purpose);
    } finally {
      await Promise.all(temps.map((f) => rm(f, { force: true })));
    }
  }

  /** Streams the one `file` part to `target`; rejects on a cut-off request, a second file, or too many bytes. */
  private readForm(req: IncomingMessage, limit: number, target: string, quotaBound: boolean): Promise<Received> {
    return new Promise<Received>((resolve, reject) => {
      let bb: busboy.Busboy;
      try {
        bb = busboy({
          headers: req.headers,
          defParamCharset: 'utf8',
          limits: { files: 1, fileSize: limit, fields: 0, parts: 4, headerPairs: 20, fieldNameSize: 32 },
        });
      } catch {
        reject(new AppError('UNSUPPORTED_MEDIA_TYPE', 'the body must be multipart/form-data with a "file" part'));
        return;
      }
      let failure: AppError | undefined;
      let writing: Promise<Received> | undefined;
      const fail = (err: AppError) => {
        failure ??= err;
        req.unpipe(bb);
        // Keep reading (and dropping) the rest so the client gets the answer instead of a reset connection.
        req.resume();
        reject(failure);
      };
      bb.on('file', (field, stream, info) => {
        if (field !== 'file' || writing) {
          stream.resume();
          fail(badForm('send exactly one part named "file"'));
          return;
        }
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
        });
        stream.on('limit', () => fail(quotaBound ? overQuota() : tooLarge(this.d.maxBytes)));
        writing = pipeline(stream, createWriteStream(target, { flags: 'wx', mode: 0o600 })).then(() => ({
          file: target,
          size,
          filename: info.filename ?? '',
        }));
        writing.catch(() => undefined);
      });
      bb.on('field', () => fail(badForm('send exactly one part named "file"')));
      bb.on('filesLimit', () => fail(badForm('send exactly one part named "file"')));
      bb.on('fieldsLimit', () => fail(badForm('send exactly one part named "file"')));
      bb.on('partsLimit', () => fail(badForm('send exactly one part named "file"')));
      bb.on('error', () => fail(badForm('the multipart body is malformed or was cut off')));
      bb.on('close', () => {
        if (failure) return;
        if (!writing) return fail(badForm('send exactly one part named "file"'));
        void writing.then(resolve, () => fail(badForm('the upload was cut off')));
      });
      req.on('aborted', () => fail(badForm('the upload was cut off')));
      req.pipe(bb);
    });
  }

  private async store(userId: number, got: Received, temp: () => string, purpose: 'attachment' | 'avatar'): Promise<UploadRow> {
    const sniffed = await fileTypeFromFile(got.file);
    let mime = sniffed?.mime ?? 'application/octet-stream';
    let name = cleanFilename(got.filename);
    let source = got.file;
    let thumb: string | undefined;
    let width: number | null = null;
    let height: number | null = null;
    let size = got.size;
    const raster = RASTER[mime];
    if (purpose === 'avatar') {
      source = temp();
      await processAvatar(got.file, mime, source);
      mime = AVATAR_MIME;
      width = height = AVATAR_SIZE;
      size = (await stat(source)).size;
      name = withExtension(name, 'webp');
    } else if (raster) {
      const clean = temp();
      thumb = temp();
      ({ width, height } = await processImage(got.file, mime, clean, thumb));
      source = clean;
      size = (await stat(clean)).size;
      name = withExtension(name, raster.ext);
    }
    const row = await this.d.repo.insert({
      uploader_id: userId,
      purpose,
      name,
      mime,
      size,
      width,
      height,
      storage_key: randomUUID(),
      thumb_key: thumb ? randomUUID() : null,
      created_at: new Date(),
    });
    // The row first, then the bytes: if this process dies in between, the sweeper finds the row and removes it.
    try {
      await this.d.store.put(row.storage_key, createReadStream(source));
      if (thumb && row.thumb_key) await this.d.store.put(row.thumb_key, createReadStream(thumb));
    } catch (err) {
      await this.discard(row);
      throw err;
    }
    return row;
  }

  /** Removes an upload's bytes, then its row (in that order, so a failure leaves a row the sweeper retries). */
  async discard(row: UploadRow): Promise<void> {
    await this.d.store.delete(row.storage_key);
    if (row.thumb_key) await this.d.store.delete(row.thumb_key);
    await this.d.repo.delete(row.id);
  }
}
