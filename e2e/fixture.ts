// The shared fixture of the browser scenarios: one server (fresh database) and one Chromium per file, people made
// through the API (fast) or the UI, and pages logged in through the real login screen. Every scenario sets up its
// own people and rooms, so each file and each scenario runs alone.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { TestServer } from '../server/test/harness.js';
import { launchBrowser, newPerson, startServer } from './browser.js';

export interface E2e {
  readonly server: TestServer;
  readonly browser: Browser;
}

/** Starts the server and the browser for this file (beforeAll) and stops them after it (afterAll). */
export function e2eSuite(): E2e {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('e2eSuite: the server is not started yet');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('e2eSuite: the browser is not started yet');
      return browser;
    },
  };
}

let counter = 0;
/** A username no other scenario (or run against the same database) uses. */
export function uniqueUsername(prefix: string): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36).slice(-5)}${counter}`;
}

export interface Account {
  id: number;
  username: string;
  displayName: string;
  password: string;
  auth: { Authorization: string };
}

/** Registers someone through the API. */
export async function account(e: E2e, displayName: string, prefix = 'user'): Promise<Account> {
  const username = uniqueUsername(prefix);
  const password = 'correct horse battery';
  const res = await fetch(`${e.server.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, email: `${username}@example.test`, password, displayName }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { user: { id: number }; accessToken: string };
  return { id: body.user.id, username, displayName, password, auth: { Authorization: `Bearer ${body.accessToken}` } };
}

/** A REST call as `who`; resolves with the JSON answer. */
export async function call<T>(e: E2e, who: Account, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${e.server.url}/api${path}`, {
    method,
    headers: { ...who.auth, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export async function privateRoom(e: E2e, owner: Account, name: string, members: Account[]): Promise<{ id: number; name: string }> {
  return call(e, owner, 'POST', '/rooms', { name, visibility: 'private', memberIds: members.map((m) => m.id) });
}

export async function post(e: E2e, who: Account, roomId: number, body: string): Promise<{ id: number; seq: number }> {
  return call(e, who, 'POST', `/rooms/${roomId}/messages`, { clientId: `e2e-${uniqueUsername('m')}`, body });
}

export interface Person {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

/** Opens a page for `who` and logs in through the login screen. */
export async function openAs(
  e: E2e,
  who: Account,
  opts: { locale?: string; colorScheme?: 'light' | 'dark'; permissions?: string[] } = {},
): Promise<Person> {
  const person = await newPerson(e.browser, e.server.url, opts);
  await person.page.getByLabel(/username or email|用户名或邮箱/i).fill(who.username);
  await person.page.getByLabel(/^password$|^密码$/i).fill(who.password);
  await person.page.getByRole('button', { name: /^log in$|^登录$/i }).click();
  await person.page.getByRole('navigation').waitFor();
  return person;
}

export const roomRow = (page: Page, name: string) => page.locator('.room-row', { hasText: name });
export const bodies = (page: Page) => page.locator('.msg:not(.pending) .msg-body').allInnerTexts();

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: /^message$|^消息$/i });
  await box.fill(text);
  await box.press('Enter');
}

/** Console errors that mean something (a network failure while a test takes the page offline does not). */
export function realErrors(errors: string[]): string[] {
  return errors.filter((x) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED|net::ERR/i.test(x));
}
