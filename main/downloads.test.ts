import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DownloadInfo } from '../protocol/desktop.js';
import { attachDownloads, safeName, uniquePath, type DownloadItemLike } from './downloads.js';

class FakeItem extends EventEmitter implements DownloadItemLike {
  savePath = '';
  received = 0;
  constructor(
    private readonly name: string,
    readonly total: number,
  ) {
    super();
  }
  getFilename = () => this.name;
  getTotalBytes = () => this.total;
  getReceivedBytes = () => this.received;
  dialog: { defaultPath?: string } | null = null;
  setSavePath = (p: string) => {
    this.savePath = p;
  };
  getSavePath = () => this.savePath;
  setSaveDialogOptions = (o: { defaultPath?: string }) => {
    this.dialog = o;
  };
}

describe('desktop downloads', () => {
  it('names: never a path, never hidden, never over an existing file', () => {
    expect(safeName('../../etc/passwd')).toBe('passwd');
    expect(safeName('..\\..\\x.exe')).toBe('x.exe');
    expect(safeName('in\u202Efdp.exe')).toBe('infdp.exe');
    expect(safeName('...')).toBe('download');
    const dir = mkdtempSync(path.join(tmpdir(), 'dl-'));
    writeFileSync(path.join(dir, 'report.pdf'), 'x');
    writeFileSync(path.join(dir, 'report (1).pdf'), 'x');
    expect(uniquePath(dir, 'report.pdf')).toBe(path.join(dir, 'report (2).pdf'));
    expect(uniquePath(dir, 'new.pdf')).toBe(path.join(dir, 'new.pdf'));
  });

  it('saves to the Downloads folder, shows progress on the icon, and a click on the notification shows the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dl-'));
    writeFileSync(path.join(dir, 'Plan.pdf'), 'already here');
    const session = new EventEmitter();
    const progress: number[] = [];
    const shown: string[] = [];
    const notes: { title: string; click?: () => void; shown: boolean }[] = [];
    const changes: DownloadInfo[] = [];
    let ask = false;
    const downloads = attachDownloads({
      session: session as never,
      downloadsDir: () => dir,
      askWhere: () => ask,
      onChange: (d) => changes.push(d),
      setProgress: (f) => progress.push(f),
      showItemInFolder: (f) => shown.push(f),
      notify: (o) => {
        const note: { title: string; click?: () => void; shown: boolean } = { title: o.title, shown: false };
        notes.push(note);
        return { show: () => (note.shown = true), close: () => undefined, on: (_e, l) => (note.click = l) };
      },
    });
    const item = new FakeItem('Plan.pdf', 1000);
    session.emit('will-download', {}, item);
    expect(item.savePath).toBe(path.join(dir, 'Plan (1).pdf'));
    item.received = 500;
    item.emit('updated', {}, 'progressing');
    expect(progress.at(-1)).toBe(0.5);
    item.received = 1000;
    item.emit('done', {}, 'completed');
    expect(progress.at(-1)).toBe(-1);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.shown).toBe(true);
    notes[0]!.click!();
    expect(shown).toEqual([path.join(dir, 'Plan (1).pdf')]);
    expect(changes.map((c) => [c.id, c.name, c.receivedBytes, c.state])).toEqual([
      [1, 'Plan (1).pdf', 0, 'progressing'],
      [1, 'Plan (1).pdf', 500, 'progressing'],
      [1, 'Plan (1).pdf', 1000, 'completed'],
    ]);
    expect(downloads.showInFolder(1)).toBe(true);
    expect(downloads.showInFolder(7)).toBe(false);
    expect(shown).toEqual([path.join(dir, 'Plan (1).pdf'), path.join(dir, 'Plan (1).pdf')]);

    const cancelled = new FakeItem('x.bin', 10);
    session.emit('will-download', {}, cancelled);
    cancelled.emit('done', {}, 'cancelled');
    expect(notes).toHaveLength(1);
    expect(changes.at(-1)).toMatchObject({ id: 2, name: 'x.bin', state: 'cancelled' });

    // Asking where: no save path is set, so Electron's dialog opens at a free name in Downloads.
    ask = true;
    const asked = new FakeItem('Plan.pdf', 10);
    session.emit('will-download', {}, asked);
    expect(asked.savePath).toBe('');
    expect(asked.dialog).toEqual({ defaultPath: path.join(dir, 'Plan (1).pdf') });
    asked.savePath = '/elsewhere/chosen.pdf';
    asked.emit('done', {}, 'completed');
    expect(changes.at(-1)).toMatchObject({ id: 3, name: 'chosen.pdf', state: 'completed' });
  });
});
