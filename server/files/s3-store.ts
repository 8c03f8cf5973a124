// An S3-compatible object store (AWS S3, MinIO, Ceph RGW, Garage, R2 ...): what several replicas share. Uploads
// stream through lib-storage's multipart upload, so memory per upload stays at one part whatever the file's size.
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { assertKey, type ByteRange, type FileStore } from './file-store.js';

export interface S3Options {
  bucket: string;
  /** Folder-like prefix inside the bucket ("" = the root). */
  prefix: string;
  region: string;
  endpoint: string | undefined;
  forcePathStyle: boolean;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
}

/** 5 MiB is S3's smallest part; one part in flight per upload keeps memory flat under many concurrent uploads. */
const PART_SIZE = 5 * 1024 * 1024;

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

export class S3FileStore implements FileStore {
  private readonly client: S3Client;

  constructor(private readonly o: S3Options) {
    this.client = new S3Client({
      region: o.region,
      endpoint: o.endpoint,
      forcePathStyle: o.forcePathStyle,
      credentials: o.accessKeyId && o.secretAccessKey ? { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } : undefined,
      // Checksums only where S3 requires them: many S3-compatible servers do not accept the aws-chunked trailers
      // the SDK sends by default.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  private keyOf(key: string): string {
    assertKey(key);
    return this.o.prefix ? `${this.o.prefix.replace(/\/+$/, '')}/${key}` : key;
  }

  async put(key: string, body: Readable): Promise<void> {
    await new Upload({
      client: this.client,
      params: { Bucket: this.o.bucket, Key: this.keyOf(key), Body: body },
      partSize: PART_SIZE,
      queueSize: 1,
    }).done();
  }

  async get(key: string, range?: ByteRange): Promise<Readable | undefined> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.o.bucket,
          Key: this.keyOf(key),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      return res.Body as Readable | undefined;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: this.keyOf(key) }));
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.o.bucket, Key: this.keyOf(key) }));
      return { size: res.ContentLength ?? 0 };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  close(): void {
    this.client.destroy();
  }
}
