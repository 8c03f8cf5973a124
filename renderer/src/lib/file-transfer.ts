// Moving files between the renderer and the server: uploads with progress (XMLHttpRequest, because fetch cannot
// report upload progress), and downloads fetched with the bearer token into blob: URLs, cached so scrolling back
// through history does not fetch an image twice.
import type { ApiClient } from '../../../client/api.js';
import { isErrorResponse, type ErrorCode } from '../../../protocol/errors.js';
import type { Upload } from '../../../protocol/types.js';

export class UploadError extends Error {
  constructor(
    readonly code: ErrorCode | 'NETWORK' | 'CANCELLED',
    message: string,
  ) {
    super(message);
  }
}

export interface UploadHandle<T = Upload> {
  done: Promise<T>;
  cancel(): void;
}

/**
 * Sends one file as multipart part `file` (to POST /uploads, or PUT /users/me/avatar); `onProgress` gets 0..1.
 * A 401 TOKEN_EXPIRED is retried once with a fresh token.
 */
export function uploadFile<T = Upload>(
  api: ApiClient,
  file: File,
  onProgress: (fraction: number) => void,
  target: { method: 'POST' | 'PUT'; path: string; ok: number } = { method: 'POST', path: '/uploads', ok: 201 },
): UploadHandle<T> {
  let xhr: XMLHttpRequest | undefined;
  let cancelled = false;
  const attempt = (token: string | null) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const req = new XMLHttpRequest();
      xhr = req;
      req.open(target.method, `${api.serverUrl}/api${target.path}`);
      if (token) req.setRequestHeader('Authorization', `Bearer ${token}`);
      req.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(e.loaded / e.total);
      };
      req.onload = () => {
        let body: unknown = null;
        try {
          body = JSON.parse(req.responseText);
        } catch {
          // A proxy's error page: judged by its status below.
        }
        resolve({ status: req.status, body });
      };
      req.onerror = () => reject(new UploadError('NETWORK', 'network error'));
      req.onabort = () => reject(new UploadError('CANCELLED', 'cancelled'));
      const form = new FormData();
      form.append('file', file, file.name);
      req.send(form);
    });
  const done = (async () => {
    let res = await attempt(await api.accessToken());
    if (res.status === 401 && isErrorResponse(res.body) && res.body.error.code === 'TOKEN_EXPIRED' && !cancelled) {
      res = await attempt(await api.accessToken(true));
    }
    if (res.status === target.ok) return res.body as T;
    if (isErrorResponse(res.body)) throw new UploadError(res.body.error.code, res.body.error.message);
    if (res.status === 413) throw new UploadError('PAYLOAD_TOO_LARGE', 'too large');
    throw new UploadError(res.status >= 500 || res.status === 0 ? 'NETWORK' : 'VALIDATION_FAILED', `HTTP ${res.status}`);
  })();
  return {
    done,
    cancel: () => {
      cancelled = true;
      xhr?.abort();
    },
  };
}

/** Object URLs of fetched files, least recently used dropped (and revoked) beyond `max`. */
export class FileCache {
  private readonly entries = new Map<string, Promise<string>>();

  constructor(private readonly max = 300) {}

  get(api: ApiClient, path: string): Promise<string> {
    const hit = this.entries.get(path);
    if (hit) {
      this.entries.delete(path);
      this.entries.set(path, hit);
      return hit;
    }
    const url = api.blob(path).then((blob) => URL.createObjectURL(blob));
    // A failure is not cached: the next look tries again (offline now, online later).
    url.catch(() => this.entries.delete(path));
    this.entries.set(path, url);
    while (this.entries.size > this.max) {
      const [oldest, value] = this.entries.entries().next().value as [string, Promise<string>];
      this.entries.delete(oldest);
      void value.then((u) => URL.revokeObjectURL(u)).catch(() => undefined);
    }
    return url;
  }

  clear(): void {
    for (const value of this.entries.values()) void value.then((u) => URL.revokeObjectURL(u)).catch(() => undefined);
    this.entries.clear();
  }
}

export const fileUrl = (id: number) => `/files/${id}`;
export const thumbnailUrl = (id: number) => `/files/${id}/thumbnail`;

export function formatBytes(n: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}
