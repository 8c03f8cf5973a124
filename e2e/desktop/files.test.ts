// Files in the desktop app, end to end: the real bundled main, preload and renderer against a real server; Bob talks
// over REST. A screenshot shows inline, a PDF downloads through will-download to the Downloads folder (never over a
// file already there, or where the save dialog says when "Ask where to save each file" is on), progress reaches the
// taskbar and the window's downloads list, and "Show in folder" reaches the shell. A file dragged from the OS onto
// the window attaches and never navigates the window to file://.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, Upload } from '../../protocol/types.js';
import type { TestServer, TestUser } from '../../server/test/harness.js';
import { pdf, png } from '../../server/test/files.js';
import { createRoom, logIn, roomRow, startServer } from './fixtures.js';
import { buildApp, DesktopApp, newUserData, TIMEOUT } from './harness.js';

const suffix = Date.now().toString(36).slice(-5);
const ROOM = `Files ${suffix}`;
const PDF_NAME = 'Plan 2027.pdf';
let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let room: number;
let app: DesktopApp;
let page: Page;
let userData: string;
let downloadsDir: string;

async function uploadAndSend(from: TestUser, name: string, bytes: Buffer, kind: 'image' | 'file'): Promise<Upload> {
  const up = await server.api.post('/api/uploads').set(from.auth).attach('file', bytes, name);
  if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${JSON.stringify(up.body)}`);
  const upload = up.body as Upload;
  const sent = await server.api
    .post(`/api/rooms/${room}/messages`)
    .set(from.auth)
    .send({ clientId: `${kind}-${upload.id}`, kind, attachmentId: upload.id, body: '' });
  if (sent.status !== 201) throw new Error(`send failed: ${sent.status} ${JSON.stringify(sent.body)}`);
  return upload;
}

const downloadSends = (after = 0) =>
  app
    .find('send', (d) => (d as { channel: string }).channel === 'desktop:event:download', after)
    .map((r) => (r.data as { payload: { id: number; name: string; receivedBytes: number; totalBytes: number; state: string } }).payload);

/** Clicks the PDF card's download button and waits until main says how that download ended. */
async function downloadPdf(): Promise<{ after: number; done: { name: string; savePath: string; state: string } }> {
  const after = app.mark();
  await page.getByRole('button', { name: `Download ${PDF_NAME}` }).click();
  const done = await app.waitFor('download.done', () => true, { after });
  return { after, done: done.data as { name: string; savePath: string; state: string } };
}

beforeAll(async () => {
  const root = buildApp();
  server = await startServer();
  alice = await server.register();
  bob = await server.register();
  room = await createRoom(server, bob, ROOM, [alice]);
  userData = newUserData();
  downloadsDir = join(userData, 'Downloads');
  app = DesktopApp.launch({ root, userData });
  page = await app.page();
  await logIn(page, server.url, alice);
  // A plain-http server the page's CSP did not list yet: main adds it and reloads the page once.
  const reload = await app.waitFor('window.reload');
  await app.waitFor('window.loaded', () => true, { after: app.records.indexOf(reload) });
  await page.getByRole('navigation').waitFor();
  await roomRow(page, ROOM).click();
  await page.getByRole('heading', { name: ROOM }).waitFor();
});

afterAll(async () => {
  if (process.env['DESKTOP_E2E_DUMP'])
    (await import('node:fs')).writeFileSync(process.env['DESKTOP_E2E_DUMP'], JSON.stringify(app?.records, null, 1));
  await app?.quit().catch(() => app.kill());
  await server?.close();
});

describe('files in the desktop app', () => {
  it('Bob sends a screenshot and a PDF: the image shows inline, the PDF downloads to Downloads with progress', async () => {
    await uploadAndSend(bob, 'screenshot.png', await png(640, 400), 'image');
    await uploadAndSend(bob, PDF_NAME, pdf(), 'file');
    const image = page.locator('.msg .inline-image img').first();
    await image.waitFor({ timeout: TIMEOUT });
    expect(await image.getAttribute('src')).toMatch(/^blob:/);
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    const { after, done } = await downloadPdf();
    expect(done).toMatchObject({ name: PDF_NAME, state: 'completed', savePath: join(downloadsDir, PDF_NAME) });
    expect(app.find('dialog.save', () => true, after)).toEqual([]);
    expect(readFileSync(join(downloadsDir, PDF_NAME)).equals(pdf())).toBe(true);

    // Progress reached the renderer (start, bytes, end) and the taskbar (full, then cleared).
    const sends = downloadSends(after);
    expect(sends.map((s) => [s.name, s.state, s.receivedBytes])).toEqual([
      [PDF_NAME, 'progressing', 0],
      [PDF_NAME, 'progressing', pdf().length],
      [PDF_NAME, 'completed', pdf().length],
    ]);
    const progress = app.find('window.progress', () => true, after).map((r) => r.data);
    expect(progress).toContain(1);
    expect(progress.at(-1)).toBe(-1);

    // The window lists it as done; "Show in folder" reaches the shell with the saved file.
    const list = page.getByRole('region', { name: 'Downloads' });
    const row = list.getByTestId('download').filter({ hasText: PDF_NAME });
    await row.getByText('Done').waitFor();
    const shown = app.mark();
    await row.getByRole('button', { name: 'Show in folder' }).click();
    const opened = await app.waitFor('shell.showItemInFolder', () => true, { after: shown });
    expect(opened.data).toBe(join(downloadsDir, PDF_NAME));
  });

  it('a second download of the same file never overwrites the first: "Plan 2027 (1).pdf"', async () => {
    writeFileSync(join(downloadsDir, PDF_NAME), 'my edited copy');
    const { done } = await downloadPdf();
    expect(done).toMatchObject({ state: 'completed', savePath: join(downloadsDir, 'Plan 2027 (1).pdf') });
    expect(readFileSync(join(downloadsDir, PDF_NAME), 'utf8')).toBe('my edited copy');
    expect(readFileSync(join(downloadsDir, 'Plan 2027 (1).pdf')).equals(pdf())).toBe(true);
    await page.getByRole('region', { name: 'Downloads' }).getByText('Plan 2027 (1).pdf').waitFor();
  });

  it('with "Ask where to save each file" on, the save dialog decides; Cancel cancels; off again saves to Downloads', async () => {
    await page.locator('.me-button').click();
    const ask = page.getByRole('checkbox', { name: 'Ask where to save each file' });
    expect(await ask.isChecked()).toBe(false);
    await ask.click();
    await expect.poll(() => ask.isChecked()).toBe(true);
    await page.keyboard.press('Escape');
    await expect
      .poll(
        () =>
          (
            app.find('send', (d) => (d as { channel: string }).channel === 'desktop:event:settings-changed').at(-1)?.data as
              { payload?: { askWhereToSave?: boolean } } | undefined
          )?.payload?.askWhereToSave,
      )
      .toBe(true);

    const elsewhere = join(mkdtempSync(join(tmpdir(), 'desktop-e2e-chosen-')), 'chosen.pdf');
    await app.command('dialog.saveAnswer', elsewhere);
    const chosen = await downloadPdf();
    const dialog = app.find('dialog.save', () => true, chosen.after);
    // The dialog opens at a free name in Downloads.
    expect(dialog.map((r) => (r.data as { defaultPath: string }).defaultPath)).toEqual([join(downloadsDir, 'Plan 2027 (2).pdf')]);
    expect(chosen.done).toMatchObject({ state: 'completed', savePath: elsewhere });
    expect(readFileSync(elsewhere).equals(pdf())).toBe(true);
    await page
      .getByRole('region', { name: 'Downloads' })
      .getByTestId('download')
      .filter({ hasText: 'chosen.pdf' })
      .getByText('Done')
      .waitFor();

    await app.command('dialog.saveAnswer', null);
    const cancelled = await downloadPdf();
    expect(cancelled.done.state).toBe('cancelled');
    expect(downloadSends(cancelled.after).at(-1)).toMatchObject({ state: 'cancelled' });
    await page.getByRole('region', { name: 'Downloads' }).getByText('Cancelled').waitFor();

    await page.locator('.me-button').click();
    await ask.click();
    await expect.poll(() => ask.isChecked()).toBe(false);
    await page.keyboard.press('Escape');
    await expect
      .poll(
        () =>
          (
            app.find('send', (d) => (d as { channel: string }).channel === 'desktop:event:settings-changed').at(-1)?.data as
              { payload?: { askWhereToSave?: boolean } } | undefined
          )?.payload?.askWhereToSave,
      )
      .toBe(false);
    const back = await downloadPdf();
    expect(app.find('dialog.save', () => true, back.after)).toEqual([]);
    expect(back.done).toMatchObject({ state: 'completed', savePath: join(downloadsDir, 'Plan 2027 (2).pdf') });
  });

  it('a file dragged from the OS onto the room attaches; dropped elsewhere it is refused; the window never goes to file://', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'desktop-e2e-drag-'));
    const file = join(dir, 'dragged.png');
    writeFileSync(file, await png(200, 120));
    const urlBefore = page.url();
    const cdp: CDPSession = await page.context().newCDPSession(page);
    const drag = async (x: number, y: number) => {
      const data = { items: [], files: [file], dragOperationsMask: 1 };
      for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
    };
    const after = app.mark();
    // How each drag event left the page: a dragover nobody cancels lets the browser open the file itself.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      for (const type of ['dragover', 'drop'])
        window.addEventListener(type, (e) => seen.push(`${type}:${e.defaultPrevented ? 'cancelled' : 'open'}`));
    });

    // Onto the room list: no drop zone there; the page refuses it instead of letting Chromium open the file.
    const list = (await page.getByRole('navigation').boundingBox())!;
    await drag(list.x + list.width / 2, list.y + list.height - 20);
    // Onto the room: it attaches, with its preview in the composer.
    const pane = (await page.locator('.drop-zone').boundingBox())!;
    await drag(pane.x + pane.width / 2, pane.y + pane.height / 2);
    await page.getByTestId('staged-file').filter({ hasText: 'dragged.png' }).waitFor();
    // Over the list the page cancelled the drag (so the drop was refused, not opened); over the room it took it.
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.filter((s) => s.startsWith('dragover')).length).toBeGreaterThanOrEqual(2);
    expect(seen.filter((s) => s.endsWith(':open'))).toEqual([]);
    expect(seen.filter((s) => s.startsWith('drop'))).toEqual(['drop:cancelled']);
    await expect.poll(() => page.getByTestId('staged-file').count()).toBe(1);
    expect(page.url()).toBe(urlBefore);
    expect(app.find('navigation', () => true, after)).toEqual([]);

    // Sent, it reaches Bob as an image.
    await page.locator('.staged.done').waitFor({ timeout: TIMEOUT });
    await page.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(async () => {
        const res = await server.api.get(`/api/rooms/${room}/messages`).set(bob.auth);
        return (res.body as { messages: Message[] }).messages.some((m) => m.kind === 'image' && m.attachment?.name === 'dragged.png');
      })
      .toBe(true);

    // A page-initiated file:// load is refused by Chromium itself; one the browser starts on a drop goes to main's
    // will-navigate, whose guard stops it.
    await page.evaluate(() => {
      location.href = 'file:///etc/hosts';
    });
    expect(await app.command('window.willNavigate', `file://${file}`)).toBe(true);
    expect(await app.command('window.willNavigate', 'file:///etc/hosts')).toBe(true);
    expect(page.url()).toBe(urlBefore);
    await cdp.detach();
  });
});
