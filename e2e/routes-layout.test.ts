// Routes and window sizes: #/rooms/<id> survives reload, Back/Forward move between rooms, a shared link opens the room
// after sign-in (or says it is not available), removal is explained; the layout works at 360, 800 and 1280 px.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../server/test/harness.js';
import { launchBrowser, newPerson, registerViaUi, shot, startServer } from './browser.js';

// A send is confirmed once the socket is up; its first connect can take a while on a loaded machine.
const CONFIRM_MS = 30_000;

let server: TestServer;
let browser: Browser;
const suffix = Date.now().toString(36).slice(-5);
const LONG = 'A long message that should wrap across a few lines at any window size, never one word or one character per line.';

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const roomHeading = (page: Page) => page.locator('.room-head h2');
const hashRoom = async (page: Page) => /^#\/rooms\/(\d+)$/.exec(await page.evaluate(() => location.hash))?.[1];

async function createRoom(page: Page, name: string, member?: string): Promise<number> {
  await page.getByRole('button', { name: 'New room' }).click();
  await page.getByLabel('Name').fill(name);
  if (member) {
    await page.getByLabel('Add people').fill(member);
    await page.locator('.picker-row', { hasText: member }).click();
  }
  await page.getByRole('button', { name: 'Create room' }).click();
  await page.getByRole('heading', { name }).waitFor();
  await page.getByRole('dialog').waitFor({ state: 'detached' }); // closes once the room's first page is in
  await expect.poll(() => hashRoom(page)).toMatch(/^\d+$/);
  return Number(await hashRoom(page));
}

async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await page.locator('.msg:not(.pending) .msg-body', { hasText: text }).waitFor({ timeout: CONFIRM_MS });
}

/** Horizontal overflow of the page, and the width of the bubble holding `text`. */
async function measure(page: Page, text: string): Promise<{ overflow: number; bubble: number }> {
  return page.evaluate((t) => {
    const root = document.documentElement;
    const bubble = [...document.querySelectorAll('.bubble')].find((b) => b.textContent?.includes(t));
    return { overflow: root.scrollWidth - root.clientWidth, bubble: bubble?.getBoundingClientRect().width ?? 0 };
  }, text);
}

describe('routes', () => {
  let alice: Awaited<ReturnType<typeof newPerson>>;
  let roomA = 0;
  let roomB = 0;

  it('the open room is in the address; Back/Forward and reload keep it', async () => {
    await server.register(`bob_${suffix}`);
    alice = await newPerson(browser, server.url);
    await registerViaUi(alice.page, `alice_${suffix}`, 'Alice Archer');
    const { page } = alice;
    roomA = await createRoom(page, `Alpha ${suffix}`, `bob_${suffix}`);
    roomB = await createRoom(page, `Beta ${suffix}`);
    expect(roomB).not.toBe(roomA);
    await page.locator('.room-row', { hasText: `Alpha ${suffix}` }).click();
    await expect.poll(() => hashRoom(page)).toBe(String(roomA));
    await page.goBack();
    await expect.poll(() => roomHeading(page).innerText()).toBe(`Beta ${suffix}`);
    expect(await hashRoom(page)).toBe(String(roomB));
    await page.goForward();
    await expect.poll(() => roomHeading(page).innerText()).toBe(`Alpha ${suffix}`);
    await send(page, 'Hello from Alpha');
    await page.reload();
    await page.locator('.msg-body', { hasText: 'Hello from Alpha' }).waitFor();
    expect(await roomHeading(page).innerText()).toBe(`Alpha ${suffix}`);
  });

  it('a shared link opens the room after sign-in; for someone outside it, says it is not available', async () => {
    const bob = await newPerson(browser, `${server.url}/#/rooms/${roomA}`);
    await bob.page.getByLabel('Username or email').fill(`bob_${suffix}`);
    await bob.page.getByLabel('Password').fill('correct horse battery');
    await bob.page.getByRole('button', { name: 'Log in' }).click();
    await bob.page.locator('.msg-body', { hasText: 'Hello from Alpha' }).waitFor();
    expect(await roomHeading(bob.page).innerText()).toBe(`Alpha ${suffix}`);

    const carol = await newPerson(browser, `${server.url}/#/rooms/${roomB}`);
    await registerViaUi(carol.page, `carol_${suffix}`, 'Carol Chen');
    await carol.page.getByText('This room is not available.', { exact: false }).waitFor();
    await carol.context.close();

    // Removing a member asks first; the removed person is told, instead of the room silently vanishing.
    await alice.page.getByRole('button', { name: 'Members', exact: true }).click();
    await alice.page.getByRole('button', { name: `Remove bob_${suffix}` }).click();
    const confirm = alice.page.getByRole('alertdialog', { name: 'Remove member' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await alice.page.locator('.member', { hasText: `bob_${suffix}` }).count()).toBe(1);
    await alice.page.getByRole('button', { name: `Remove bob_${suffix}` }).click();
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await bob.page.getByText('You are no longer a member of this room.').waitFor();
    expect(await bob.page.locator('.room-row', { hasText: `Alpha ${suffix}` }).count()).toBe(0);
    await shot(bob.page, 'route-removed');
    await bob.context.close();
    await alice.page.getByRole('button', { name: 'Close Members' }).click();
    // Focus goes back to the button that opened the panel.
    expect(await alice.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Members');
  });
});

describe('layout', () => {
  let person: Awaited<ReturnType<typeof newPerson>>;
  let roomId = 0;

  it('360 px: one pane at a time, with a back button; nothing overflows, messages stay readable', async () => {
    person = await newPerson(browser, server.url);
    const { page } = person;
    await page.setViewportSize({ width: 360, height: 740 });
    await registerViaUi(page, `dana_${suffix}`, 'Dana Dale');
    roomId = await createRoom(page, `Small ${suffix}`, `alice_${suffix}`);
    // The conversation is the only pane: the rooms list is hidden until Back.
    expect(await page.getByRole('navigation').isVisible()).toBe(false);
    await send(page, LONG);
    await shot(page, 'layout-360-room');
    const m = await measure(page, LONG);
    expect(m.overflow).toBe(0);
    expect(m.bubble).toBeGreaterThanOrEqual(240);
    // The members/settings panel takes the whole pane and closes back to the conversation.
    await page.getByRole('button', { name: 'Room settings' }).click();
    await page.getByRole('button', { name: 'Leave room' }).waitFor();
    expect((await page.locator('.side-panel').boundingBox())?.width).toBe(360);
    await shot(page, 'layout-360-settings');
    await page.getByRole('button', { name: 'Close Room settings' }).click();
    await page.getByRole('button', { name: 'Back to rooms' }).click();
    await page.getByRole('navigation').waitFor();
    expect(await page.locator('.room-pane').isVisible()).toBe(false);
    expect(await page.evaluate(() => location.hash)).toBe('#/');
    expect((await measure(page, LONG)).overflow).toBe(0);
    await shot(page, 'layout-360-list');
    // Browser Back returns to the conversation.
    await page.goBack();
    await page.locator('.msg-body', { hasText: LONG }).waitFor();
    expect(await hashRoom(page)).toBe(String(roomId));
  });

  it('800 px: list and conversation side by side, the members panel overlays without squeezing messages', async () => {
    const { page } = person;
    await page.setViewportSize({ width: 800, height: 700 });
    await page.getByRole('navigation').waitFor();
    await page.getByRole('button', { name: 'Members', exact: true }).click();
    await page.locator('.member', { hasText: 'Alice Archer' }).waitFor();
    const m = await measure(page, LONG);
    expect(m.overflow).toBe(0);
    expect(m.bubble).toBeGreaterThanOrEqual(300);
    expect(await page.getByRole('button', { name: 'Back to rooms' }).isVisible()).toBe(false);
    await shot(page, 'layout-800-members');
  });

  it('1280 px: three columns', async () => {
    const { page } = person;
    await page.setViewportSize({ width: 1280, height: 800 });
    const m = await measure(page, LONG);
    expect(m.overflow).toBe(0);
    expect(m.bubble).toBeGreaterThanOrEqual(400);
    const panel = await page.locator('.side-panel').boundingBox();
    const main = await page.locator('.room-main').boundingBox();
    expect(panel && main && main.x + main.width <= panel.x + 1).toBe(true);
    await shot(page, 'layout-1280-members');
    await person.context.close();
  });
});
