// Error messages where the user needs them: change password says which field is wrong (empty, wrong current
// password), and the session list drops the sessions a password change ended.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../server/test/harness.js';
import { launchBrowser, newPerson, shot, startServer } from './browser.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('change password', () => {
  it('refuses empty fields and a wrong current password next to the field, then signs the other sessions out', async () => {
    const user = await server.register(); // its registration is a second session, "elsewhere"
    const { page, context } = await newPerson(browser, server.url);
    await page.getByLabel('Username or email').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation').waitFor();
    await page.getByRole('button', { name: 'Me and settings' }).click();
    const sessions = page.locator('.session');
    await expect.poll(() => sessions.count()).toBe(2);

    const current = page.getByLabel('Current password');
    const next = page.getByLabel('New password');
    const submit = page.getByRole('button', { name: 'Change password' });
    await submit.click();
    // Both fields say what is wrong, each tied to its input.
    expect(await current.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#me-cur-error').innerText()).toBe('is required');
    expect(await next.getAttribute('aria-invalid')).toBe('true');

    await current.fill('not the password');
    await next.fill('a brand new passphrase');
    await submit.click();
    await page.locator('#me-cur-error', { hasText: 'The current password is not correct.' }).waitFor();
    expect(await page.getByText('You are not allowed to do that.').count()).toBe(0);
    await shot(page, 'account-wrong-password');

    await current.fill(user.password);
    await submit.click();
    await page.getByText('Password changed. Your other sessions were signed out.').waitFor();
    await expect.poll(() => sessions.count()).toBe(1);
    expect(await sessions.innerText()).toContain('This device');
    await context.close();
  });
});
