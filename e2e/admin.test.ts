// An invite-only server from the login screen's side: with registration closed the web client offers no
// "Create an account"; an administrator's invite link opens the registration form with the code filled in, and a
// colleague registers with it. (The administrator acts through /api/admin here; the admin area is not built yet.)
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Invite } from '../protocol/admin.js';
import type { TestServer, TestUser } from '../server/test/harness.js';
import { launchBrowser, newPerson, shot, startServer } from './browser.js';

let server: TestServer;
let browser: Browser;
let admin: TestUser;
const suffix = Date.now().toString(36).slice(-5);

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  admin = await server.register(`admin_${suffix}`);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const setMode = async (registration: string) => {
  const res = await server.api.put('/api/admin/settings').set(admin.auth).send({ registration });
  expect(res.status).toBe(200);
};

describe('registration control on the login screen', () => {
  it('closed: "Create an account" is not offered', async () => {
    expect(admin.user.role).toBe('admin');
    await setMode('closed');
    const { page, context } = await newPerson(browser, server.url);
    await page.getByRole('button', { name: /^log in$/i }).waitFor();
    // The button is there until the server's mode arrives, then it goes.
    await page.getByRole('button', { name: /create an account/i }).waitFor({ state: 'detached' });
    await shot(page, 'registration-closed');
    await context.close();
  });

  it('invite: a colleague opens the invite link and registers with the code filled in', async () => {
    await setMode('invite');
    const invite = (await server.api.post('/api/admin/invites').set(admin.auth).send({ maxUses: 1, expiresInHours: 24 })).body as Invite;
    const { page, context, errors } = await newPerson(browser, `${server.url}/#/invite/${invite.code}`);
    const code = page.getByLabel(/^invite code$/i);
    await code.waitFor();
    expect(await code.inputValue()).toBe(invite.code);
    const name = `colleague_${suffix}`;
    await page.getByLabel(/^username$/i).fill(name);
    await page.getByLabel(/display name/i).fill('Colleague');
    await page.getByLabel(/^email$/i).fill(`${name}@example.test`);
    await page.getByLabel(/^password$/i).fill('correct horse battery');
    await page.getByRole('button', { name: /^create account$/i }).click();
    await page.getByRole('navigation').waitFor();
    const listed = (await server.api.get('/api/admin/invites').set(admin.auth)).body as Invite[];
    expect(listed.find((i) => i.id === invite.id)?.uses).toBe(1);
    const users = await server.api.get('/api/admin/users').query({ q: name }).set(admin.auth);
    expect(users.body).toHaveLength(1);
    // A first visit's session restore answers 401 (no session yet); the browser logs that as a failed resource.
    expect(errors.filter((e) => !/Failed to load resource/i.test(e))).toEqual([]);
    await context.close();
  });
});
