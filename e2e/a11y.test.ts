// Accessibility of every main screen, in both themes: axe-core (run inside the real page) finds no critical or serious
// violation, each screen has exactly one level-one heading, focus returns to the opener when a dialog closes, and new
// messages in the open room are announced through a polite live region.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../server/test/harness.js';
import { audit, type Finding } from './axe.js';
import { launchBrowser, newPerson, registerViaUi, startServer } from './browser.js';

// A send is confirmed once the socket is up; its first connect can take a while on a loaded machine.
const CONFIRM_MS = 30_000;

let server: TestServer;
let browser: Browser;
const suffix = Date.now().toString(36).slice(-5);

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.each(['light', 'dark'] as const)('%s theme', (colorScheme) => {
  it('every main screen passes axe with no serious or critical violation', async () => {
    const person = await newPerson(browser, server.url, { colorScheme });
    const { page } = person;
    const found: Record<string, Finding[]> = {};
    const check = (screen: string) => audit(page, screen, found);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await check('login');
    await page.getByRole('button', { name: 'Create an account' }).click();
    await check('register');
    await page.getByRole('button', { name: 'Log in' }).last().click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();

    await registerViaUi(page, `a11y_${colorScheme}_${suffix}`, `A11y ${colorScheme}`);
    await check('empty room list');

    const opener = page.getByRole('button', { name: 'New room' });
    await opener.click();
    await page.getByRole('dialog', { name: 'New room' }).waitFor();
    await check('create room dialog');
    await page.getByLabel('Name').fill(`Access ${colorScheme}`);
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.getByRole('heading', { name: `Access ${colorScheme}` }).waitFor();
    const box = page.getByRole('textbox', { name: 'Message' });
    for (const text of ['First message', 'Second message, a little longer']) {
      await box.fill(text);
      await box.press('Enter');
      await page.locator('.msg:not(.pending) .msg-body', { hasText: text }).waitFor({ timeout: CONFIRM_MS });
    }
    await page.mouse.move(1, 1);
    await check('room');

    await page.getByRole('button', { name: 'Members', exact: true }).click();
    await page.locator('.member').first().waitFor();
    await check('members panel');
    await page.getByRole('button', { name: 'Room settings' }).click();
    await page.getByRole('button', { name: 'Leave room' }).waitFor();
    await check('settings panel');
    await page.getByRole('button', { name: 'Close Room settings' }).click();

    for (const [button, dialog] of [
      ['New direct message', 'New direct message'],
      ['Browse public rooms', 'Public rooms'],
      ['Me and settings', 'Me'],
    ] as const) {
      await page.getByRole('button', { name: button }).click();
      await page.getByRole('dialog', { name: dialog }).waitFor();
      await check(dialog);
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      // Focus is back on the button that opened the dialog.
      expect(
        await page.evaluate(() => {
          const el = document.activeElement;
          return el?.getAttribute('aria-label') ?? el?.textContent;
        }),
      ).toContain(button);
    }

    await page.keyboard.press('Control+K');
    await page.getByRole('combobox', { name: 'Room, person or public room' }).fill('a');
    await page.getByRole('option').first().waitFor();
    await check('quick switcher');
    await page.keyboard.press('Escape');

    await page.setViewportSize({ width: 360, height: 740 });
    await check('narrow room');
    await page.getByRole('button', { name: 'Back to rooms' }).click();
    await check('narrow room list');
    expect(found).toEqual({});
    await person.context.close();
  });
});

describe('screen-reader announcements', () => {
  it('a new message in the open room is announced politely; mine and other rooms are not', async () => {
    const bob = await server.register(`bob_${suffix}`);
    const { page } = await newPerson(browser, server.url);
    await registerViaUi(page, `alice_${suffix}`, 'Alice Archer');
    const [alice] = (
      await server.api
        .get('/api/users')
        .query({ q: `alice_${suffix}` })
        .set(bob.auth)
    ).body as { id: number }[];
    const room = async (name: string) =>
      (
        (
          await server.api
            .post('/api/rooms')
            .set(bob.auth)
            .send({ name, visibility: 'private', memberIds: [alice!.id] })
        ).body as { id: number }
      ).id;
    const open = await room(`Open ${suffix}`);
    const other = await room(`Other ${suffix}`);
    let n = 0;
    const post = (roomId: number, body: string) =>
      server.api
        .post(`/api/rooms/${roomId}/messages`)
        .set(bob.auth)
        .send({ clientId: `c${(n += 1)}`, body });

    await post(open, 'Before Alice looked');
    await page.locator('.room-row', { hasText: `Open ${suffix}` }).click();
    await page.locator('.msg-body', { hasText: 'Before Alice looked' }).waitFor();
    const region = page.getByTestId('announcer');
    expect(await region.getAttribute('aria-live')).toBe('polite');
    expect(await region.innerText()).toBe(''); // opening a room reads nothing out

    await post(open, 'Lunch at noon?');
    await expect.poll(() => region.innerText()).toBe(`bob_${suffix}: Lunch at noon?`);

    await post(other, 'Elsewhere');
    // Sentinel: the other room's unread count has arrived, so its message has been processed.
    await expect.poll(() => page.locator('.room-row', { hasText: `Other ${suffix}` }).innerText()).toContain('1 unread');
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Sure');
    await box.press('Enter');
    await page.locator('.msg:not(.pending) .msg-body', { hasText: 'Sure' }).waitFor({ timeout: CONFIRM_MS });
    expect(await region.innerText()).toBe(`bob_${suffix}: Lunch at noon?`);
  });
});
