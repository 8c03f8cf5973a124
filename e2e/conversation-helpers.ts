// Small helpers for the conversation e2e files: people signed in through the UI, set-up through the REST API
// (what is being tested is what the other person sees), and a record of the notifications a page raises.
import type { Browser, Page } from 'playwright-core';
import type { TestServer, TestUser } from '../server/test/harness.js';
import { newPerson } from './browser.js';

export type Person = Awaited<ReturnType<typeof newPerson>> & { user: TestUser };

/**
 * A person signed in through the login screen. With `recordNotifications`, the page may notify and every banner it
 * raises is kept in `window.__notes` (the real Notification is still constructed).
 */
export async function signIn(
  browser: Browser,
  server: TestServer,
  user: TestUser,
  opts: { recordNotifications?: boolean; locale?: string } = {},
): Promise<Person> {
  const person = await newPerson(browser, server.url, { locale: opts.locale });
  if (opts.recordNotifications) {
    await person.context.grantPermissions(['notifications'], { origin: server.url });
    await person.context.addInitScript(() => {
      const w = window as unknown as { __notes: { title: string; body: string; tag: string }[]; Notification: typeof Notification };
      const Real = w.Notification;
      w.__notes = [];
      w.Notification = class extends Real {
        constructor(title: string, options?: NotificationOptions) {
          w.__notes.push({ title, body: options?.body ?? '', tag: options?.tag ?? '' });
          super(title, options);
        }
      };
    });
    await person.page.reload();
  }
  const { page } = person;
  await page.getByLabel(/^username or email$|^用户名或邮箱$/i).fill(user.username);
  await page.getByLabel(/^password$|^密码$/i).fill(user.password);
  await page.getByRole('button', { name: /^log in$|^登录$/i }).click();
  await page.getByRole('navigation').waitFor();
  return { ...person, user };
}

export const notes = (page: Page) =>
  page.evaluate(() => (window as unknown as { __notes: { title: string; body: string; tag: string }[] }).__notes);

export async function api<T>(server: TestServer, user: TestUser, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(server.url + path, {
    method,
    headers: { ...user.auth, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

let sent = 0;
/** Post a message as `user` (a fresh clientId each time); the server answers the stored Message. */
export function post(server: TestServer, user: TestUser, roomId: number, body: string, extra: Record<string, unknown> = {}) {
  sent += 1;
  return api<{ id: number; seq: number }>(server, user, 'POST', `/api/rooms/${roomId}/messages`, {
    clientId: `e2e-${Date.now().toString(36)}-${sent}`,
    body,
    ...extra,
  });
}

/** A room in the list, by its name (not by its preview text). */
export const roomRow = (page: Page, name: string) => page.locator('.room-row', { has: page.locator('.room-name', { hasText: name }) });

/** The message row whose body has this text. */
export const message = (page: Page, text: string) => page.locator('.msg', { has: page.locator('.msg-body', { hasText: text }) });

/** Whether an element is entirely inside the message list's viewport. */
export function inView(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel)?.getBoundingClientRect();
    const view = document.querySelector('.message-scroller')?.getBoundingClientRect();
    return !!el && !!view && el.top >= view.top - 1 && el.bottom <= view.bottom + 1;
  }, selector);
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: /^message$|^消息$/i });
  await box.fill(text);
  await box.press('Enter');
}
