// Two people exchange a screenshot and a PDF in Chromium against the real server: the image shows inline (fetched
// with the bearer token into a blob: URL, its box reserved before it loads), opens in the viewer, and the PDF
// downloads with its bytes intact. Drag-and-drop and paste attach too.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResult, MyRoom, UserPublic } from '../protocol/types.js';
import type { TestServer } from '../server/test/harness.js';
import { pdf } from '../server/test/files.js';
import { launchBrowser, newPerson, registerViaUi, shot, startServer } from './browser.js';

let server: TestServer;
let browser: Browser;
const suffix = Date.now().toString(36).slice(-5);
const ROOM = `Files ${suffix}`;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const roomRow = (page: Page, name: string) => page.locator('.room-row', { hasText: name });

describe('a screenshot and a PDF between two browsers', () => {
  let alice: Awaited<ReturnType<typeof newPerson>>;
  let bob: Awaited<ReturnType<typeof newPerson>>;
  let screenshot: Buffer;

  it('both register; Alice has a room with Bob', async () => {
    alice = await newPerson(browser, server.url);
    bob = await newPerson(browser, server.url);
    await registerViaUi(alice.page, `alice_${suffix}`, 'Alice Archer');
    await registerViaUi(bob.page, `bob_${suffix}`, 'Bob Baker');
    const login = await server.api.post('/api/auth/login').send({ login: `alice_${suffix}`, password: 'correct horse battery' });
    const auth = { Authorization: `Bearer ${(login.body as AuthResult).accessToken}` };
    const bobUser = (
      (
        await server.api
          .get('/api/users')
          .query({ q: `bob_${suffix}` })
          .set(auth)
      ).body as UserPublic[]
    )[0]!;
    const room = await server.api
      .post('/api/rooms')
      .set(auth)
      .send({ name: ROOM, visibility: 'private', memberIds: [bobUser.id] });
    expect((room.body as MyRoom).name).toBe(ROOM);
    await roomRow(alice.page, ROOM).click();
    await roomRow(bob.page, ROOM).click();
    await bob.page.getByRole('heading', { name: ROOM }).waitFor();
  });

  it('Alice attaches a screenshot and a PDF, sees them upload, adds a caption and sends', async () => {
    const { page } = alice;
    screenshot = await page.screenshot();
    await page.getByTestId('attach-input').setInputFiles([
      { name: 'screenshot.png', mimeType: 'image/png', buffer: screenshot },
      { name: 'Plan 2027.pdf', mimeType: 'application/pdf', buffer: pdf() },
    ]);
    await expect.poll(() => page.getByTestId('staged-file').count()).toBe(2);
    await expect.poll(() => page.locator('.staged.done').count(), { timeout: 20_000 }).toBe(2);
    await shot(page, 'files-01-staged');
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Here is the plan');
    await box.press('Enter');
    await expect.poll(() => page.getByTestId('staged-file').count()).toBe(0);
  });

  it('Bob sees the image inline at thumbnail size with its box reserved, and the PDF as a card', async () => {
    const { page } = bob;
    const image = page.locator('.msg:not(.pending) .inline-image img');
    await image.waitFor({ timeout: 20_000 });
    expect(await image.getAttribute('src')).toMatch(/^blob:/);
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    // The box was laid out from the message's width/height, so it has the screenshot's shape (1180x760 -> 320 wide).
    const frame = await page.locator('.inline-image').boundingBox();
    expect(Math.round(frame!.width)).toBe(320);
    expect(Math.abs(frame!.height - (320 * 760) / 1180)).toBeLessThan(2);
    await page.locator('.msg-body', { hasText: 'Here is the plan' }).waitFor();
    await page.locator('.file-card', { hasText: 'Plan 2027.pdf' }).waitFor();
    await shot(page, 'files-02-received');
  });

  it('the viewer opens at full size on click and Esc closes it', async () => {
    const { page } = bob;
    await page.getByRole('button', { name: 'Open image screenshot.png' }).click();
    const viewer = page.getByRole('dialog', { name: 'screenshot.png' });
    await viewer.waitFor();
    const full = viewer.locator('img.viewer-image');
    await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1180);
    await shot(page, 'files-03-viewer');
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
  });

  it('Bob downloads the PDF: same bytes, under its name', async () => {
    const { page } = bob;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download Plan 2027.pdf' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('Plan 2027.pdf');
    expect(await readFile((await download.path())!)).toEqual(pdf());
  });

  it('the room list previews the last attachment', async () => {
    await expect.poll(() => roomRow(alice.page, ROOM).innerText()).toContain('[file] Plan 2027.pdf');
  });

  it('dropping a file onto the room and pasting one attach them too', async () => {
    const { page } = alice;
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(['dropped'], 'dropped.txt', { type: 'text/plain' }));
      const zone = document.querySelector('.drop-zone')!;
      zone.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: data }));
      zone.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
    });
    await page.locator('.staged', { hasText: 'dropped.txt' }).waitFor();
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(['pasted'], 'pasted.txt', { type: 'text/plain' }));
      const box = document.querySelector('.composer textarea')!;
      box.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: data }));
    });
    await page.locator('.staged', { hasText: 'pasted.txt' }).waitFor();
    await expect.poll(() => page.locator('.staged.done').count(), { timeout: 20_000 }).toBe(2);
    await page.getByRole('button', { name: 'Send' }).click();
    await bob.page.locator('.file-card', { hasText: 'pasted.txt' }).waitFor({ timeout: 20_000 });
    await bob.page.locator('.file-card', { hasText: 'dropped.txt' }).waitFor();
    // The boot-time session probe answers 401 before login ("Failed to load resource"); anything else, a CSP
    // refusal of a blob: image included, is a defect.
    expect([...alice.errors, ...bob.errors].filter((e) => !/Failed to load resource/i.test(e))).toEqual([]);
  });

  it('Alice picks a picture, zooms and drags the square onto one part of it; Bob sees exactly that part beside her messages', async () => {
    const { page } = alice;
    // Left half red, right half blue: only a crop that was really moved to the right comes out all blue.
    const halves = await sharp({ create: { width: 400, height: 200, channels: 3, background: { r: 220, g: 20, b: 20 } } })
      .composite([{ input: { create: { width: 200, height: 200, channels: 3, background: { r: 20, g: 40, b: 230 } } }, left: 200, top: 0 }])
      .png()
      .toBuffer();
    await page.locator('.me-button').click();
    await page.getByTestId('avatar-input').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: halves });
    const cropArea = page.getByRole('img', { name: 'New picture, cropped to a square' });
    await cropArea.waitFor();
    const zoom = page.getByRole('slider', { name: 'Zoom' });
    await zoom.focus();
    await page.keyboard.press('End');
    expect(await zoom.inputValue()).toBe('4');
    const stage = (await page.getByTestId('avatar-crop').boundingBox())!;
    await page.mouse.move(stage.x + stage.width / 2, stage.y + stage.height / 2);
    await page.mouse.down();
    await page.mouse.move(stage.x - 200, stage.y + stage.height / 2, { steps: 12 });
    await page.mouse.up();
    await shot(page, 'files-04-avatar-crop');
    await page.getByRole('button', { name: 'Use this picture' }).click();
    await page.getByRole('button', { name: 'Remove picture' }).waitFor();
    await page.keyboard.press('Escape');

    const avatar = bob.page.locator('.msg:not(.own) .avatar img').first();
    await avatar.waitFor({ timeout: 20_000 });
    expect(await avatar.getAttribute('src')).toMatch(/^blob:/);
    await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(256);
    const colours = await avatar.evaluate((img: HTMLImageElement) => {
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const at = (x: number, y: number) => [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3)];
      return [at(8, 128), at(128, 128), at(247, 128)];
    });
    for (const [r, , b] of colours) {
      expect(b).toBeGreaterThan(150);
      expect(r).toBeLessThan(100);
    }
    await shot(bob.page, 'files-04-avatar');
  });

  it('Alice removes her picture, then links one that cannot load: Bob sees her initials both times', async () => {
    const { page } = alice;
    const bobsView = bob.page.locator('.msg:not(.own) .avatar').first();
    await page.locator('.me-button').click();
    await page.getByRole('button', { name: 'Remove picture' }).click();
    await page.getByRole('button', { name: 'Choose a picture…' }).waitFor();
    await expect.poll(() => bobsView.locator('img').count(), { timeout: 20_000 }).toBe(0);
    expect(await bobsView.textContent()).toBe('A');

    // Every picture Bob's page tries beside Alice's messages, to see the link arrive although it never shows.
    await bob.page.evaluate(() => {
      const tried: string[] = [];
      (window as unknown as { triedAvatars: string[] }).triedAvatars = tried;
      new MutationObserver((changes) => {
        for (const c of changes) for (const n of c.addedNodes) if (n instanceof HTMLImageElement && n.closest('.avatar')) tried.push(n.src);
      }).observe(document.body, { childList: true, subtree: true });
    });
    await page.getByLabel('Avatar URL').fill('https://127.0.0.1:9/missing.png');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.keyboard.press('Escape');
    // The link reaches Bob before a message Alice sends after saving (one ordered stream); his page tries the link,
    // it fails to load, and the initials stay.
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('picture sentinel');
    await box.press('Enter');
    await bob.page.locator('.msg', { hasText: 'picture sentinel' }).waitFor({ timeout: 20_000 });
    expect(await bob.page.evaluate(() => (window as unknown as { triedAvatars: string[] }).triedAvatars)).toContain(
      'https://127.0.0.1:9/missing.png',
    );
    await expect.poll(() => bobsView.locator('img').count(), { timeout: 20_000 }).toBe(0);
    expect(await bobsView.textContent()).toBe('A');
  });
});
