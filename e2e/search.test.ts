// Search from the keyboard in Chromium against the real server: an old Chinese and an old English message are
// found (Ctrl+Shift+F everywhere, Ctrl+F in the open room), opened in context (the room scrolls back to them and
// marks them), and the searches are remembered.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, TestUser } from '../server/test/harness.js';
import { createRoom, send } from '../server/test/expect.js';
import { launchBrowser, newPerson, shot, startServer } from './browser.js';

let server: TestServer;
let browser: Browser;
let alice: TestUser;
let page: Page;
let errors: string[];

const CHINESE = '下周三在北京开会，记得带上电脑';
const ENGLISH = 'The quarterly budget spreadsheet is on the shared drive';

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  alice = await server.register();
  const bob = await server.register();
  const planning = (await createRoom(server, alice, { name: 'Planning', memberIds: [bob.id] })).id;
  const random = (await createRoom(server, alice, { name: 'Random', memberIds: [bob.id] })).id;
  // The two messages sit far behind the newest page of their room, so opening them needs around= and older pages.
  for (let i = 1; i <= 8; i++) await send(server, bob, planning, `warm-up ${i}`);
  await send(server, bob, planning, CHINESE);
  for (let i = 1; i <= 20; i++) await send(server, alice, planning, `filler before ${i}`);
  await send(server, alice, planning, ENGLISH);
  for (let i = 1; i <= 160; i++) await send(server, bob, planning, `later chatter ${i}`);
  await send(server, bob, random, '北京 has nice weather today');
  ({ page, errors } = await newPerson(browser, server.url));
  await page.getByLabel('Username or email').fill(alice.username);
  await page.getByLabel('Password').fill(alice.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation').waitFor();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The message was marked (for a moment, as a reply's original is), is inside the visible history, and has the focus. */
async function expectOpenedAt(text: string): Promise<void> {
  // The one marked with this text: the mark of a result opened a moment before may not have faded yet (2 s).
  const marked = page.locator('.msg.highlighted', { hasText: text });
  await marked.waitFor();
  const row = page.locator(`.msg[data-seq="${await marked.getAttribute('data-seq')}"]`);
  expect(await row.locator('.msg-body').innerText()).toBe(text);
  await expect
    .poll(async () => {
      const box = await row.boundingBox();
      const view = await page.locator('.message-scroller').boundingBox();
      return Boolean(box && view && box.y >= view.y && box.y + box.height <= view.y + view.height);
    })
    .toBe(true);
  await expect.poll(() => row.evaluate((el) => el === document.activeElement)).toBe(true);
}

describe('searching from the keyboard', () => {
  it('Ctrl+Shift+F finds a two-character Chinese word in every room, grouped by room, and Enter opens it in context', async () => {
    await page.keyboard.press('Control+Shift+F');
    const box = page.getByRole('combobox', { name: 'Search messages' });
    await box.waitFor();
    await box.fill('北京');
    const results = page.getByRole('listbox', { name: 'Search results' });
    await results.getByRole('option').nth(1).waitFor();
    expect(await results.getByRole('group').evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label')))).toEqual([
      'Random',
      'Planning',
    ]);
    expect(await results.locator('mark').allInnerTexts()).toEqual(['北京', '北京']);
    await shot(page, 'search-01-chinese');
    await box.press('ArrowDown'); // the Planning result
    expect(await results.getByRole('option', { selected: true }).innerText()).toContain(CHINESE);
    await box.press('Enter');
    await page.getByRole('heading', { name: 'Planning' }).waitFor();
    await expectOpenedAt(CHINESE);
    await shot(page, 'search-02-opened');
  });

  it('Ctrl+F searches the open room by an English prefix and opens that message', async () => {
    await page.keyboard.press('Control+F');
    const box = page.getByRole('combobox', { name: 'Search messages' });
    await page.getByRole('button', { name: 'In Planning', pressed: true }).waitFor();
    await box.fill('budg');
    const option = page.getByRole('option', { name: /quarterly budget/ });
    await option.waitFor();
    expect(await option.locator('mark').allInnerTexts()).toEqual(['budget']);
    await box.press('Enter');
    await expectOpenedAt(ENGLISH);
  });

  it('a room opened again from the list opens as usual: no jump back to the result, the composer has the focus', async () => {
    await page.locator('.room-row', { hasText: 'Random' }).click();
    await page.getByRole('heading', { name: 'Random' }).waitFor();
    await page.locator('.room-row', { hasText: 'Planning' }).click();
    await page.getByRole('heading', { name: 'Planning' }).waitFor();
    const composer = page.locator('textarea[id^="composer-"]');
    await expect.poll(() => composer.evaluate((el) => el === document.activeElement)).toBe(true);
    // Its messages are shown, and none is marked as an opened result is.
    await page.locator('.msg').first().waitFor();
    expect(await page.locator('.msg.highlighted').count()).toBe(0);
  });

  it('remembers recent searches, newest first', async () => {
    await page.keyboard.press('Control+Shift+F');
    const recent = page.getByRole('region', { name: 'Recent searches' });
    await recent.waitFor();
    expect(await recent.getByRole('listitem').allInnerTexts()).toEqual(['budg', '北京']);
    await recent.getByRole('button', { name: 'budg' }).click();
    await page.getByRole('option', { name: /quarterly budget/ }).waitFor();
    await page.keyboard.press('Escape');
    // (The first page load asks for a session it does not have: the browser logs that 401 itself.)
    expect(errors.filter((e) => !/Failed to load resource/i.test(e))).toEqual([]);
  });
});
