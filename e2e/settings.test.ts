// The Me dialog: theme, sessions and preferences.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { shot } from './browser.js';
import { account, e2eSuite, openAs, post, privateRoom, realErrors, roomRow } from './fixture.js';

const e = e2eSuite();
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

describe('me and settings', () => {
  it('themes follow the system, and an explicit choice overrides it', async () => {
    const light = await openAs(e, await account(e, 'Alice Archer', 'alice'));
    const dark = await openAs(e, await account(e, 'Bob Baker', 'bob'), { colorScheme: 'dark' });
    expect(await background(light.page)).toBe('rgb(255, 255, 255)'); // light system
    expect(await background(dark.page)).toBe('rgb(23, 25, 29)'); // dark system
    await light.page.getByRole('button', { name: 'Me and settings' }).click();
    await light.page.getByLabel('Theme').selectOption('dark');
    await expect.poll(() => background(light.page)).toBe('rgb(23, 25, 29)');
    await light.page.getByLabel('Theme').selectOption('light');
    await expect.poll(() => background(light.page)).toBe('rgb(255, 255, 255)');
    await light.page.getByLabel('Theme').selectOption('system');
    await light.page.keyboard.press('Escape');
    expect(realErrors(light.errors)).toEqual([]);
    await Promise.all([light.context.close(), dark.context.close()]);
  });

  // History rows share one translation (i18n/shared.tsx) instead of each asking react-i18next: a language change must
  // still reach the rows already on screen.
  it('a language chosen in the Me dialog reaches the messages already on screen', async () => {
    const alice = await account(e, 'Alice Archer', 'alice');
    const bob = await account(e, 'Bob Baker', 'bob');
    const room = await privateRoom(e, alice, 'Words', [bob]);
    await post(e, bob, room.id, 'hello');
    await post(e, bob, room.id, 'again');
    const a = await openAs(e, alice);
    await roomRow(a.page, 'Words').click();
    await a.page.locator('.msg-body', { hasText: 'again' }).waitFor();
    const addReaction = (label: string) => a.page.locator(`.msg button[aria-label="${label}"]`).count();
    expect(await addReaction('Add reaction')).toBeGreaterThanOrEqual(2);
    await a.page.getByRole('button', { name: 'Me and settings' }).click();
    await a.page.getByLabel('Language').selectOption('zh-CN');
    await expect.poll(() => addReaction('添加表情回应')).toBeGreaterThanOrEqual(2);
    expect(await addReaction('Add reaction')).toBe(0);
    await a.page.keyboard.press('Escape');
    expect(realErrors(a.errors)).toEqual([]);
    await a.context.close();
  });

  it('the Me dialog shows profile, sessions and preferences', async () => {
    const alice = await openAs(e, await account(e, 'Alice Archer', 'alice'));
    await alice.page.getByRole('button', { name: 'Me and settings' }).click();
    await alice.page.getByRole('heading', { name: 'Active sessions' }).waitFor();
    await alice.page.getByText('This device').waitFor();
    await shot(alice.page, '10-me');
    await alice.page.keyboard.press('Escape');
    await alice.context.close();
  });
});
