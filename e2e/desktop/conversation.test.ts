// Conversation features in the desktop app, end to end: the real bundled main, preload and renderer (harness.ts)
// against a real server, Alice at the desktop, Bob talking over REST. A mention in a room set to "mentions" raises a
// native banner and nothing else there does; Bob's reaction and his read receipt reach the window live; a room with
// unread messages opens under a "New messages" line; a link in a message opens in the OS browser, never the window.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, TestUser } from '../../server/test/harness.js';
import { createRoom, directRoom, logIn, notificationsOf, roomRow, say, startServer } from './fixtures.js';
import { APP_PAGE_ORIGIN, buildApp, DesktopApp, newUserData } from './harness.js';
import type { Json } from './harness.js';

const suffix = Date.now().toString(36).slice(-5);
const TEAM = `Team ${suffix}`;
const LOBBY = `Lobby ${suffix}`;
const NEWS = `News ${suffix}`;
let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let team: number;
let lobby: number;
let news: number;
let direct: number;
let app: DesktopApp;
let page: Page;

const bodyHas = (text: string) => (d: Json) => (d as { body?: string }).body?.includes(text) === true;
/** The message row whose body has this text. */
const message = (text: string) => page.locator('.msg', { has: page.locator('.msg-body', { hasText: text }) });

async function openRoom(name: string): Promise<void> {
  await roomRow(page, name).click();
  await page.getByRole('heading', { name }).waitFor();
}

/** Alice's room as the server has it (her notification level, her unread count). */
async function myRoom(id: number): Promise<{ notify: string; unreadCount: number }> {
  const res = await server.api.get('/api/rooms').set(alice.auth);
  const room = (res.body as Array<{ id: number; notify: string; unreadCount: number }>).find((r) => r.id === id);
  if (!room) throw new Error(`room ${id} not in Alice's list`);
  return room;
}

/** The newest message with this body in a room, as Bob reads it. */
async function find(roomId: number, body: string): Promise<{ id: number; seq: number }> {
  const res = await server.api.get(`/api/rooms/${roomId}/messages`).set(bob.auth);
  const hit = (res.body as { messages: Array<{ id: number; seq: number; body: string }> }).messages.filter((m) => m.body === body).at(-1);
  if (!hit) throw new Error(`no message "${body}" in room ${roomId}`);
  return hit;
}

beforeAll(async () => {
  const root = buildApp();
  server = await startServer();
  alice = await server.register();
  bob = await server.register();
  team = await createRoom(server, bob, TEAM, [alice]);
  lobby = await createRoom(server, bob, LOBBY, [alice]);
  news = await createRoom(server, bob, NEWS, [alice]);
  direct = await directRoom(server, bob, alice);
  app = DesktopApp.launch({ root, userData: newUserData() });
  page = await app.page();
  await logIn(page, server.url, alice);
  // A plain-http server the page's CSP did not list yet: main adds it and reloads the page once.
  const reload = await app.waitFor('window.reload');
  await app.waitFor('window.loaded', () => true, { after: app.records.indexOf(reload) });
  await page.getByRole('navigation').waitFor();
});

afterAll(async () => {
  await app?.quit().catch(() => app.kill());
  await server?.close();
});

describe('conversation features in the desktop app', () => {
  it('in a room set to "mentions", a mention raises a native banner and a plain message does not', async () => {
    await openRoom(TEAM);
    await page.getByRole('button', { name: 'Room settings' }).click();
    await page.getByRole('radio', { name: 'Only mentions and direct messages' }).check();
    await expect.poll(async () => (await myRoom(team)).notify).toBe('mentions');
    await openRoom(LOBBY);

    const mark = app.mark();
    await say(server, bob, team, 'Lunch is here, nobody in particular');
    // The sentinel: a later message of the same room, which arrives after the plain one and does notify.
    await say(server, bob, team, `@${alice.username} please review the draft`);
    await app.waitFor('notification.show', bodyHas('please review the draft'), { after: mark });
    const shown = notificationsOf(app, mark);
    expect(shown.map((n) => [n.title, n.body])).toEqual([[`${bob.username} in #${TEAM}`, `@${alice.username} please review the draft`]]);
  });

  it("Bob's reaction appears in the window, live, with his name", async () => {
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Ship it on Friday?');
    await box.press('Enter');
    await message('Ship it on Friday?').waitFor();
    const { id } = await find(lobby, 'Ship it on Friday?');
    const res = await server.api.put(`/api/messages/${id}/reactions/${encodeURIComponent('👍')}`).set(bob.auth);
    expect(res.status).toBe(200);
    const chip = message('Ship it on Friday?').getByRole('button', { name: new RegExp(`by ${bob.username}`) });
    await chip.waitFor();
    expect(await chip.innerText()).toMatch(/👍\uFE0F?\s*1/u);
    expect(await chip.getAttribute('aria-pressed')).toBe('false');
  });

  it('"Seen" appears under my message in a direct room when the peer reads it', async () => {
    await page
      .locator('.room-row')
      .filter({ has: page.getByText(bob.username, { exact: true }) })
      .click();
    await page.getByRole('heading', { name: bob.username }).waitFor();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Are you at your desk?');
    await box.press('Enter');
    await message('Are you at your desk?').waitFor();
    const seen = page.getByTestId('seen');
    expect(await seen.count()).toBe(0);
    const { seq } = await find(direct, 'Are you at your desk?');
    const res = await server.api.put(`/api/rooms/${direct}/read`).set(bob.auth).send({ seq });
    expect(res.status).toBe(200);
    await seen.waitFor();
    expect(await seen.innerText()).toBe('Seen');
    expect(await message('Are you at your desk?').locator('xpath=following-sibling::*[@data-testid="seen"]').count()).toBe(1);
  });

  it('a room with unread messages opens under a "New messages" line above the first unread one', async () => {
    await say(server, bob, news, 'Before the break');
    await openRoom(NEWS);
    await message('Before the break').waitFor();
    // Alice has read it (her marker moved on the server) before she looks elsewhere.
    await expect.poll(async () => (await myRoom(news)).unreadCount).toBe(0);
    await openRoom(LOBBY);
    await say(server, bob, news, 'First after the break');
    await say(server, bob, news, 'Second after the break');
    await expect.poll(() => roomRow(page, NEWS).innerText()).toMatch(/2 unread/);

    await roomRow(page, NEWS).click();
    const line = page.getByTestId('unread-line');
    await line.waitFor();
    expect(await line.innerText()).toBe('New messages');
    expect(await line.count()).toBe(1);
    // The line sits right above the first unread message, in its row; nothing Alice had read is below it.
    const row = page.locator('.chat-row', { has: line });
    expect(await row.locator('.msg-body').allInnerTexts()).toEqual(['First after the break']);
    expect(await line.locator('xpath=following-sibling::*[contains(concat(" ", @class, " "), " msg ")][1]').count()).toBe(1);
  });

  it('a link in a message opens in the OS browser, never inside the window', async () => {
    await openRoom(LOBBY);
    const url = `https://example.com/spec-${suffix}`;
    await say(server, bob, lobby, `The spec is at ${url} for review`);
    const link = message('The spec is at').getByRole('link', { name: url });
    await link.waitFor();
    const pages = page.context().pages().length;
    const mark = app.mark();
    await link.click();
    const opened = await app.waitFor('shell.openExternal', () => true, { after: mark });
    expect(opened.data).toBe(url);
    expect(app.find('window-open', () => true, mark).map((r) => r.data)).toEqual([{ url, action: 'deny' }]);
    // The window did not try to go there itself, and no window or tab was opened for it.
    expect(app.find('navigation', () => true, mark)).toEqual([]);
    expect(page.url().startsWith(APP_PAGE_ORIGIN)).toBe(true);
    expect(page.context().pages()).toHaveLength(pages);
    await page.getByRole('heading', { name: LOBBY }).waitFor();
  });
});
