// Main process: files the renderer downloads (a file card's download is an <a download> on a blob: URL, which
// Electron turns into `will-download`). They go to the user's Downloads folder under their own name, never over an
// existing file ("report (1).pdf"), with progress on the taskbar/dock icon and a notification whose click shows the
// file in its folder.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NotificationLike, NotificationOptions } from './notifier.js';

export interface DownloadItemLike {
  getFilename(): string;
  getTotalBytes(): number;
  getReceivedBytes(): number;
  setSavePath(path: string): void;
  on(event: 'updated', listener: (event: unknown, state: 'progressing' | 'interrupted') => void): unknown;
  once(event: 'done', listener: (event: unknown, state: 'completed' | 'cancelled' | 'interrupted') => void): unknown;
}

export interface DownloadsDeps {
  session: { on(event: 'will-download', listener: (event: unknown, item: DownloadItemLike) => void): unknown };
  downloadsDir: () => string;
  /** The window whose taskbar/dock icon shows progress (-1 clears it). */
  setProgress: (fraction: number) => void;
  notify: (opts: NotificationOptions) => NotificationLike;
  showItemInFolder: (file: string) => void;
  exists?: (file: string) => boolean;
}

/** Only a name: the renderer's suggestion is never a path, and never names a hidden or empty file. */
export function safeName(raw: string): string {
  const base = path.basename(raw.replace(/\\/g, '/'));
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const clean = base.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069<>:"|?*]/g, '').replace(/^[\s.]+|[\s.]+$/g, '');
  return clean || 'download';
}

/** `dir/name`, or `dir/name (1).ext`, `(2)` ... : the first that does not exist yet. */
export function uniquePath(dir: string, name: string, exists: (file: string) => boolean = existsSync): string {
  const ext = path.extname(name);
  const stem = ext ? name.slice(0, -ext.length) : name;
  let candidate = path.join(dir, name);
  for (let n = 1; exists(candidate); n++) candidate = path.join(dir, `${stem} (${n})${ext}`);
  return candidate;
}

export function attachDownloads(deps: DownloadsDeps): { active(): number } {
  const exists = deps.exists ?? existsSync;
  const running = new Map<DownloadItemLike, number>();
  const reportProgress = () => {
    if (running.size === 0) return deps.setProgress(-1);
    let total = 0;
    let received = 0;
    for (const item of running.keys()) {
      total += item.getTotalBytes();
      received += item.getReceivedBytes();
    }
    // An unknown total (0) shows an indeterminate bar (any value > 1 on Windows/macOS).
    deps.setProgress(total > 0 ? received / total : 2);
  };
  deps.session.on('will-download', (_event, item) => {
    const target = uniquePath(deps.downloadsDir(), safeName(item.getFilename()), exists);
    item.setSavePath(target);
    running.set(item, 0);
    reportProgress();
    item.on('updated', () => reportProgress());
    item.once('done', (_e, state) => {
      running.delete(item);
      reportProgress();
      if (state !== 'completed') return;
      const note = deps.notify({ title: path.basename(target), body: 'Downloaded. Click to show it in its folder.', silent: true });
      note.on('click', () => deps.showItemInFolder(target));
      note.show();
    });
  });
  return { active: () => running.size };
}
