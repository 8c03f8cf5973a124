// The Me dialog: theme, sessions and preferences.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { shot } from './browser.js';
import { account, e2eSuite, openAs, realErrors } from './fixture.js';

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
