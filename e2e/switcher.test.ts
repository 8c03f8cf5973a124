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

    // My own room, by a click.
    await jump(page, `team`);
    await options(page)
      .filter({ hasText: `Zeta Team ${s}` })
      .click();
    await expect.poll(() => heading(page)).toBe(`Zeta Team ${s}`);
  });
});
