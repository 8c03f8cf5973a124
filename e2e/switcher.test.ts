// Ctrl+K finds my rooms, people (opening or creating our direct room) and public rooms, in that order, and goes there.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../server/test/harness.js';
import { launchBrowser, newPerson, registerViaUi, shot, startServer } from './browser.js';

let server: TestServer;
let browser: Browser;
const s = Date.now().toString(36).slice(-4);

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const options = (page: Page) => page.getByRole('listbox', { name: 'Matches' }).getByRole('option');
const heading = (page: Page) => page.locator('.room-head h2').innerText();
/** The opened room's composer has the focus (not the button that opened the dialog, once the dialog has closed). */
const composerFocused = (page: Page) => expect.poll(() => page.evaluate(() => document.activeElement?.id ?? '')).toMatch(/^composer-/);

async function jump(page: Page, query: string): Promise<void> {
  // A pick closes the switcher once the room is open (after a join or a new direct room, a round trip later).
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  await page.keyboard.press('Control+K');
  await page.getByRole('combobox', { name: 'Room, person or public room' }).fill(query);
}

describe('quick switcher', () => {
  it('ranks my rooms, then people, then public rooms, and opens each kind', async () => {
    const zed = await server.register(`zeta${s}p`);
    await server.api
      .patch('/api/users/me')
      .set(zed.auth)
      .send({ displayName: `Zeta Person ${s}` });
    await server.api
      .post('/api/rooms')
      .set(zed.auth)
      .send({ name: `Zeta Plaza ${s}`, visibility: 'public' });
    const { page } = await newPerson(browser, server.url);
    await registerViaUi(page, `alice${s}`, 'Alice Archer');
    await page.getByRole('button', { name: 'New room' }).click();
    await page.getByLabel('Name').fill(`Zeta Team ${s}`);
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.getByRole('heading', { name: `Zeta Team ${s}` }).waitFor();
    await page.getByRole('dialog').waitFor({ state: 'detached' }); // the New room dialog has closed

    await jump(page, `zeta`);
    await expect.poll(() => options(page).count()).toBe(3);
    expect(await options(page).allInnerTexts()).toEqual([
      `Zeta Team ${s}`,
      expect.stringContaining(`Zeta Person ${s}`),
      expect.stringContaining(`Zeta Plaza ${s}`),
    ]);
    await shot(page, 'switcher');
    // The person: Down once, Enter -> our direct room, created on the spot.
    await page.keyboard.press('ArrowDown');
    expect(await options(page).nth(1).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Enter');
    await expect.poll(() => heading(page)).toBe(`Zeta Person ${s}`);
    await page.getByRole('dialog').waitFor({ state: 'detached' }); // the switcher closes once there
    await composerFocused(page);

    // Now the person shows once, as the direct room (a room of mine, so first by recency).
    await jump(page, `zeta person`);
    await expect.poll(() => options(page).allInnerTexts()).toEqual([`Zeta Person ${s}`]);
    await page.keyboard.press('Escape');

    // The public room: joined and opened.
    await jump(page, `plaza ${s}`);
    await expect.poll(() => options(page).count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => heading(page)).toBe(`Zeta Plaza ${s}`);
    await page.locator('.room-row', { hasText: `Zeta Plaza ${s}` }).waitFor();
    await composerFocused(page);

    // My own room, by a click.
    await jump(page, `team`);
    await options(page)
      .filter({ hasText: `Zeta Team ${s}` })
      .click();
    await expect.poll(() => heading(page)).toBe(`Zeta Team ${s}`);
    await composerFocused(page);

    // The same from the New direct message dialog, and from Browse public rooms: the room opens once the dialog has
    // closed, with the focus in its composer.
    const yan = await server.register(`yanni${s}`);
    await server.api
      .post('/api/rooms')
      .set(yan.auth)
      .send({ name: `Yard ${s}`, visibility: 'public' });
    await page.getByRole('button', { name: 'New direct message' }).click();
    await page.getByLabel('Search people by name').fill(`yanni${s}`);
    await page.locator('.picker-row', { hasText: `yanni${s}` }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect.poll(() => heading(page)).toContain(`yanni${s}`);
    await composerFocused(page);
    await page.getByRole('button', { name: 'Browse public rooms' }).click();
    await page.getByLabel('Search public rooms').fill(`Yard ${s}`);
    await page
      .getByRole('listitem')
      .filter({ hasText: `Yard ${s}` })
      .getByRole('button', { name: 'Join' })
      .click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect.poll(() => heading(page)).toBe(`Yard ${s}`);
    await composerFocused(page);
  });
});
