// Stand-in DownloadItem: a download Chromium starts in a window's page (an <a download> on a blob: URL) becomes
// Electron's session 'will-download' with an item main sets a save path on, or leaves without one so that the
// save dialog asks (Electron's own routine, here the stand-in's dialog.showSaveDialog, answered by the test).
// The bytes arrive all at once from Chromium, so there is one 'updated' step before 'done'.
import { EventEmitter } from 'node:events';
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Download } from 'playwright-core';
import { record } from './channel.js';
import type { Json } from './channel.js';
import { electronEvent } from './window.js';
import type { WebContents } from './window.js';

type State = 'progressing' | 'completed' | 'cancelled' | 'interrupted';
export interface SaveDialogOptions {
  title?: string;
  defaultPath?: string;
}

export class DownloadItem extends EventEmitter {
  private savePath = '';
  private dialogOptions: SaveDialogOptions = {};
  private received = 0;
  private total = 0;
  private state: State = 'progressing';

  constructor(private readonly download: Download) {
    super();
  }
  getFilename(): string {
    return this.download.suggestedFilename();
  }
  getURL(): string {
    return this.download.url();
  }
  getTotalBytes(): number {
    return this.total;
  }
  getReceivedBytes(): number {
    return this.received;
  }
  getState(): State {
    return this.state;
  }
  getSavePath(): string {
    return this.savePath;
  }
  setSavePath(path: string): void {
    this.savePath = path;
  }
  setSaveDialogOptions(options: SaveDialogOptions): void {
    this.dialogOptions = { ...options };
  }
  getSaveDialogOptions(): SaveDialogOptions {
    return { ...this.dialogOptions };
  }
  cancel(): void {
    void this.download.cancel();
  }
  progress(bytes: number): void {
    this.total = bytes;
    this.received = bytes;
    this.emit('updated', electronEvent(), 'progressing');
  }
  finish(state: Exclude<State, 'progressing'>): void {
    this.state = state;
    this.emit('done', electronEvent(), state);
    // Recorded after main's listeners ran, so a test waiting for it sees what main did about it.
    record('download.done', { name: this.getFilename(), savePath: this.savePath, state });
  }
}

export async function runDownload(
  download: Download,
  wc: WebContents,
  deps: {
    willDownload: (event: ReturnType<typeof electronEvent>, item: DownloadItem, wc: WebContents) => void;
    showSaveDialog: (options: SaveDialogOptions) => Promise<{ canceled: boolean; filePath?: string }>;
  },
): Promise<void> {
  const item = new DownloadItem(download);
  const event = electronEvent();
  deps.willDownload(event, item, wc);
  record('download.start', { name: item.getFilename(), savePath: item.getSavePath() || null } as { [k: string]: Json });
  if (event.defaultPrevented) {
    await download.cancel();
    return;
  }
  if (!item.getSavePath()) {
    const choice = await deps.showSaveDialog(item.getSaveDialogOptions());
    if (choice.canceled || !choice.filePath) {
      await download.cancel();
      item.finish('cancelled');
      return;
    }
    item.setSavePath(choice.filePath);
  }
  if (await download.failure()) {
    item.finish('interrupted');
    return;
  }
  const tmp = await download.path();
  item.progress(statSync(tmp).size);
  // Electron creates the folder of the save path when it is missing.
  mkdirSync(dirname(item.getSavePath()), { recursive: true });
  await download.saveAs(item.getSavePath());
  item.finish('completed');
}
