// Email in the browser, against a real SMTP server: "Forgot password?" -> the email the SMTP server received -> its
// link -> a new password -> logging in with it; and a confirmation link opened from an email.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/test/harness.js';
import { startSmtp, type TestSmtp } from '../server/test/smtp.js';
import { launchBrowser, newPerson, shot } from './browser.js';

let server: TestServer;
let smtp: TestSmtp;
let browser: Browser;

beforeAll(async () => {
  smtp = await startSmtp();
  server = await startTestServer({ WEB_DIR: path.resolve('renderer/dist'), SMTP_URL: smtp.url });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await smtp?.close();
});

/** The messenger link (`#/<route>/<token>`) in an email's text. */
function linkIn(text: string, route: string): string {
  const m = new RegExp(`https?://\\S+/#/${route}/[A-Za-z0-9_-]+`).exec(text);
  if (!m) throw new Error(`no ${route} link in: ${text}`);
  return m[0];
}

describe('forgot password', () => {
  it('asks for the address, emails a link, the link sets a new password, and the new password logs in', async () => {
    const user = await server.register();
    const { page, context, errors } = await newPerson(browser, server.url);
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await page.getByLabel('Email').fill(user.user.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText('If an account has this address, a link to reset its password is on its way.').waitFor();
    await shot(page, 'email-forgot-sent');

    const mail = await smtp.waitFor(user.user.email, (m) => m.subject.includes('Reset'));
    const link = linkIn(mail.text, 'reset-password');
    expect(link.startsWith(server.url)).toBe(true);

    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await page.getByLabel('New password again').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('Your password was changed').waitFor();
    await page
      .getByRole('button', { name: 'Go to login' })
      .or(page.getByRole('link', { name: 'Go to login' }))
      .first()
      .click();

    await page.getByLabel('Username or email').fill(user.username);
    await page.getByLabel('Password').fill('a brand new passphrase');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('navigation').waitFor();
    // The page's only failed request is the first session check (401: no session yet); no script errors.
    expect(errors.filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
    await context.close();
  });

  it('the login form says how long to wait after too many wrong passwords', async () => {
    const limited = await startTestServer({ WEB_DIR: path.resolve('renderer/dist'), LOGIN_LOCKOUT_AFTER: '1', LOGIN_LOCKOUT_MAX: '10m' });
    try {
      const user = await limited.register();
      const { page, context } = await newPerson(browser, limited.url);
      await page.getByLabel('Username or email').fill(user.username);
      // The owner, even with the right password, is told how long to wait ...
      await page.getByLabel('Password').fill(user.password);
      // ... after someone elsewhere guessed: each wrong password doubles the wait (1 s, 2 s, 4 s, then 8 s), so the
      // click below lands well inside the last one even on a loaded machine.
      for (;;) {
        const res = await limited.api.post('/api/auth/login').send({ login: user.username, password: 'a guess' });
        const retryAfter = (res.body as { error: { retryAfter?: number } }).error.retryAfter;
        if (res.status === 401) continue;
        expect(res.status).toBe(429);
        if (retryAfter! >= 7) break;
        await new Promise((r) => setTimeout(r, retryAfter! * 1000 + 50));
      }
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByText(/Too many attempts\. Please try again in \d+ seconds?\./).waitFor();
      await context.close();
    } finally {
      await limited.close();
    }
  });
});

describe('email confirmation', () => {
  it('the link from the registration email confirms the address', async () => {
    const user = await server.register();
    const mail = await smtp.waitFor(user.user.email, (m) => m.subject.includes('Confirm'));
    const { page, context } = await newPerson(browser, linkIn(mail.text, 'verify-email'));
    await page.getByText('Your email address is confirmed. Thank you!').waitFor();
    await page.getByRole('button', { name: 'Continue to Messenger' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    const me = await server.api.get('/api/users/me').set(user.auth);
    expect(me.body).toMatchObject({ emailVerified: true });
    await context.close();
  });
});
