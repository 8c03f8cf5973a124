// Shared set-up of the desktop end-to-end tests: a real server (with the stand-in's app origin allowed, as the real
// app://messenger always is), people who talk to the desktop user over REST, and UI steps.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestServer } from '../../server/test/harness.js';
import type { TestServer, TestUser } from '../../server/test/harness.js';
import { APP_PAGE_ORIGIN } from './harness.js';
import type { DesktopApp, Json } from './harness.js';

export async function startServer(): Promise<TestServer> {
  return startTestServer({ WEB_DIR: resolve('renderer/dist'), CORS_ORIGINS: APP_PAGE_ORIGIN });
}

export async function say(server: TestServer, from: TestUser, roomId: number, body: string): Promise<void> {
  const res = await server.api.post(`/api/rooms/${roomId}/messages`).set(from.auth).send({ clientId: randomUUID(), body });
  if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`);
}

export async function createRoom(server: TestServer, owner: TestUser, name: string, members: TestUser[]): Promise<number> {
  const res = await server.api
    .post('/api/rooms')
    .set(owner.auth)
    .send({ name, visibility: 'private', memberIds: members.map((m) => m.id) });
  if (res.status !== 201) throw new Error(`create room failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { id: number }).id;
}

export async function directRoom(server: TestServer, from: TestUser, to: TestUser): Promise<number> {
  const res = await server.api.post('/api/rooms/direct').set(from.auth).send({ userId: to.id });
  if (res.status !== 201 && res.status !== 200) throw new Error(`direct room failed: ${res.status}`);
  return (res.body as { id: number }).id;
}

export async function logIn(page: Page, serverUrl: string, user: TestUser): Promise<void> {
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  await page.getByLabel('Server address').fill(serverUrl);
  await page.getByLabel(/^username or email$/i).fill(user.username);
  await page.getByLabel(/^password$/i).fill(user.password);
  await page.getByRole('button', { name: /^log in$/i }).click();
  await page.getByRole('navigation').waitFor();
}

export const roomRow = (page: Page, name: string) => page.locator('.room-row', { hasText: name });

/** The heading of the room in front. */
export async function openRoomName(page: Page): Promise<string> {
  return (await page.locator('.room-pane h2').first().innerText()).trim();
}

export function storeFile(userData: string): { [k: string]: Json } {
  return JSON.parse(readFileSync(join(userData, 'messenger.json'), 'utf8')) as { [k: string]: Json };
}

export const titled = (title: string) => (d: Json) => (d as { title?: string }).title === title;

export function notificationsOf(app: DesktopApp, after = 0): Array<{ id: number; title: string; body: string; silent: boolean }> {
  return app
    .find('notification.show', () => true, after)
    .map((r) => r.data as { id: number; title: string; body: string; silent: boolean });
}
