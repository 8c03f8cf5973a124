// When a session ends elsewhere, the web client says the true reason, in the user's language: the server's code
// travels on the open socket (session:revoked) to the login screen.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { AuthResult } from '../protocol/types.js';
import { en } from '../renderer/src/i18n/en.js';
import { zhCN } from '../renderer/src/i18n/zh-CN.js';
import type { TestServer } from '../server/test/harness.js';
import { launchBrowser, newPerson, registerViaUi, startServer } from './browser.js';

let server: TestServer;
let browser: Browser;
const suffix = Date.now().toString(36).slice(-5);
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function loginElsewhere(username: string): Promise<AuthResult> {
  const res = await server.api.post('/api/auth/login').send({ login: username, password: PASSWORD });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return res.body as AuthResult;
}

describe('the login screen tells why the session ended', () => {
  it('in English: the password was changed from another device', async () => {
    const { page, context } = await newPerson(browser, server.url);
    const username = `pw_${suffix}`;
    await registerViaUi(page, username, 'Pat Word', PASSWORD);
    const other = await loginElsewhere(username);
    const res = await server.api
      .post('/api/users/me/password')
      .set({ Authorization: `Bearer ${other.accessToken}` })
      .send({ currentPassword: PASSWORD, newPassword: 'a different password' });
    if (res.status !== 204) throw new Error(`password change failed: ${res.status}`);
    await page.getByRole('alert').filter({ hasText: en.login.ended.PASSWORD_CHANGED }).waitFor();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await context.close();
  });

  it('in Chinese: the account was disabled by an administrator', async () => {
    const { page, context } = await newPerson(browser, server.url, { locale: 'zh-CN' });
    const username = `dis_${suffix}`;
    await registerViaUi(page, username, '停用者', PASSWORD);
    const { user } = await loginElsewhere(username);
    await server.server.services.auth.setAccountStatus(user.id, 'disabled');
    await page
      .getByRole('alert')
      .filter({ hasText: zhCN.login.ended.ACCOUNT_DISABLED as string })
      .waitFor();
    await context.close();
  });
});
