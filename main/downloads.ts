// Main process: files the renderer downloads (a file card's download is an <a download> on a blob: URL, which
// Electron turns into `will-download`). By default they go to the user's Downloads folder under their own name, never
// over an existing file ("report (1).pdf"); with "Ask where to save each file" on, Electron's save dialog asks,
// starting there. Progress shows on the taskbar/dock icon and in the window (a DownloadInfo per change, which the
// renderer lists with "Show in folder"); a notification whose click shows the file in its folder says when it is done.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { DownloadInfo } from '../protocol/desktop.js';
import type { NotificationLike, NotificationOptions } from './notifier.js';

export interface DownloadItemLike {
  getFilename(): string;
  getTotalBytes(): number;
  getReceivedBytes(): number;
  setSavePath(path: string): void;
  /** The path chosen (by setSavePath or in the save dialog); '' while the dialog is open. */
  getSavePath(): string;
  /** Options of Electron's own save dialog, shown when no save path was set in will-download. */
  setSaveDialogOptions(options: { title?: string; defaultPath?: string }): void;
  on(event: 'updated', listener: (event: unknown, state: 'progressing' | 'interrupted') => void): unknown;
  once(event: 'done', listener: (event: unknown, state: 'completed' | 'cancelled' | 'interrupted') => void): unknown;
}

export interface DownloadsDeps {
  session: { on(event: 'will-download', listener: (event: unknown, item: DownloadItemLike) => void): unknown };
  downloadsDir: () => string;
  /** The "Ask where to save each file" setting, read at each download. */
  askWhere: () => boolean;
  /** The window whose taskbar/dock icon shows progress (-1 clears it). */
  setProgress: (fraction: number) => void;
  /** Each change of a download, for the window's downloads list. */
  onChange: (download: DownloadInfo) => void;
  notify: (opts: NotificationOptions) => NotificationLike;
  showItemInFolder: (file: string) => void;
  exists?: (file: string) => boolean;
}

export interface Downloads {
  active(): number;
  /** Shows a download of this run in its folder; false when there is no such download or it has no file yet. */
  showInFolder(id: number): boolean;
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

export function attachDownloads(deps: DownloadsDeps): Downloads {
  const exists = deps.exists ?? existsSync;
  const running = new Set<DownloadItemLike>();
  const saved = new Map<number, DownloadItemLike>();
  let nextId = 1;
  const reportProgress = () => {
    if (running.size === 0) return deps.setProgress(-1);
    let total = 0;
    let received = 0;
    for (const item of running) {
      total += item.getTotalBytes();
      received += item.getReceivedBytes();
    }
    // An unknown total (0) shows an indeterminate bar (any value > 1 on Windows/macOS).
    deps.setProgress(total > 0 ? received / total : 2);
  };
  deps.session.on('will-download', (_event, item) => {
    const id = nextId++;
    const suggested = uniquePath(deps.downloadsDir(), safeName(item.getFilename()), exists);
    // Electron's dialog confirms before replacing a file the user picks; the default path is a free one.
    if (deps.askWhere()) item.setSaveDialogOptions({ defaultPath: suggested });
    else item.setSavePath(suggested);
    const info = (state: DownloadInfo['state']): DownloadInfo => ({
      id,
      name: path.basename(item.getSavePath() || suggested),
      receivedBytes: item.getReceivedBytes(),
      totalBytes: item.getTotalBytes(),
      state,
    });
    saved.set(id, item);
    running.add(item);
    reportProgress();
    deps.onChange(info('progressing'));
    item.on('updated', (_e, state) => {
      reportProgress();
      deps.onChange(info(state === 'interrupted' ? 'interrupted' : 'progressing'));
    });
    item.once('done', (_e, state) => {
      running.delete(item);
      reportProgress();
      deps.onChange(info(state));
      if (state !== 'completed') return;
      const file = item.getSavePath();
      const note = deps.notify({ title: path.basename(file), body: 'Downloaded. Click to show it in its folder.', silent: true });
      note.on('click', () => deps.showItemInFolder(file));
      note.show();
    });
  });
  return {
    active: () => running.size,
    showInFolder(id) {
      const file = saved.get(id)?.getSavePath();
      if (!file) return false;
      deps.showItemInFolder(file);
      return true;
    },
  };
}
