// The web login's server address: signing in to another server works when both sides allow it (our CONNECT_ORIGINS,
// its CORS_ORIGINS), and otherwise says precisely why, next to the field.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/test/harness.js';
import { launchBrowser, newPerson, shot } from './browser.js';

// A send is confirmed once the socket is up; its first connect can take a while on a loaded machine.
const CONFIRM_MS = 30_000;

let a: TestServer; // serves the page
let b: TestServer; // allows a's origin
let c: TestServer; // allows someone else only
let plain: Server; // answers, but is no messenger server
let browser: Browser;
const urls = { closed: '', unlisted: '' };

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

beforeAll(async () => {
  const [pa, pb, pc, closed, unlisted] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const url = (p: number) => `http://127.0.0.1:${p}`;
  urls.closed = url(closed);
  urls.unlisted = url(unlisted);
  plain = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html', 'Access-Control-Allow-Origin': '*' });
    res.end('<h1>It works!</h1>');
  });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  const plainUrl = url((plain.address() as AddressInfo).port);
  const web = path.resolve('renderer/dist');
  [a, b, c] = await Promise.all([
    startTestServer({ WEB_DIR: web, PORT: String(pa), CONNECT_ORIGINS: [url(pb), url(pc), urls.closed, plainUrl].join(',') }),
    startTestServer({ PORT: String(pb), CORS_ORIGINS: url(pa) }),
    startTestServer({ PORT: String(pc), CORS_ORIGINS: 'https://elsewhere.example' }),
  ]);
  Object.assign(urls, { b: b.url, c: c.url, plain: plainUrl });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([a?.close(), b?.close(), c?.close()]);
  await new Promise((resolve) => plain?.close(resolve));
});

async function logIn(page: Page, server: string, login: string, password: string): Promise<void> {
  await page.getByLabel('Server address').fill(server);
  await page.getByLabel('Username or email').fill(login);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** The message tied to the server address field (aria-describedby), once it appears. */
async function addressError(page: Page): Promise<string> {
  const field = page.getByLabel('Server address');
  await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
  const id = await field.getAttribute('aria-describedby');
  return page.locator(`[id="${id}"]`).innerText();
}

describe('web login to another server', () => {
  it('says why it cannot, per cause, next to the address', async () => {
    const { page, context } = await newPerson(browser, a.url);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    const cases: [string, RegExp][] = [
      [urls.unlisted, /may not connect to that server.*CONNECT_ORIGINS/],
      [urls.closed, /Nothing answers at that address/],
      [(urls as Record<string, string>)['c']!, /refuses sign-ins from this page.*CORS_ORIGINS/],
      [(urls as Record<string, string>)['plain']!, /not a Messenger server/],
    ];
    for (const [server, expected] of cases) {
      await logIn(page, server, 'someone', 'some password');
      expect(await addressError(page), server).toMatch(expected);
    }
    await shot(page, 'server-address-refused');
    await context.close();
  });

  it('signs in where that server allows it, and chats there', async () => {
    const user = await b.register();
    const { page, context, errors } = await newPerson(browser, a.url);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await logIn(page, b.url, user.username, user.password);
    await page.getByRole('navigation').waitFor();
    await page.getByRole('button', { name: 'New room' }).click();
    await page.getByLabel('Name').fill('Across origins');
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.getByRole('heading', { name: 'Across origins' }).waitFor();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Hello from another origin');
    await box.press('Enter');
    await page.locator('.msg:not(.pending) .msg-body', { hasText: 'Hello from another origin' }).waitFor({ timeout: CONFIRM_MS });
    // Stored on b, not on a.
    const rooms = (await b.api.get('/api/rooms').set(user.auth)).body as { name: string }[];
    expect(rooms.map((r) => r.name)).toContain('Across origins');
    expect(
      errors.filter((e) => !/401/.test(e)),
      errors.join('\n'),
    ).toEqual([]);
    await context.close();
  });
});
