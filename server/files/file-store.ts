// Where the bytes of uploads live. One small interface, so a folder (one node) and an object store (several
// replicas) are interchangeable; the database holds only metadata and the key.
import type { Readable } from 'node:stream';

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface FileStore {
  /** Stores the stream under `key`. Nothing is visible under the key until the whole stream was written. */
  put(key: string, body: Readable): Promise<void>;
  /** The bytes (or a range of them); undefined when the key does not exist. */
  get(key: string, range?: ByteRange): Promise<Readable | undefined>;
  /** Removes the object; removing a missing key is not an error (two sweepers may race). */
  delete(key: string): Promise<void>;
  stat(key: string): Promise<{ size: number } | undefined>;
}

/** Keys are made by the server (random), never from a filename: letters, digits and dashes only. */
export const STORAGE_KEY = /^[a-z0-9][a-z0-9-]{7,99}$/;

export function assertKey(key: string): void {
  if (!STORAGE_KEY.test(key)) throw new Error(`invalid storage key`);
}
