// Desktop flows of a running app, end to end: the real bundled main, preload and renderer (harness.ts), a real
// server behind a proxy that can freeze WebSockets, Bob talking over REST. Tests run in order on one app.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, TestUser } from '../../server/test/harness.js';
import { startFreezingProxy } from './freezing-proxy.js';
import type { FreezingProxy } from './freezing-proxy.js';
import { createRoom, directRoom, logIn, notificationsOf, openRoomName, roomRow, say, startServer, titled } from './fixtures.js';
import { buildApp, DesktopApp, newUserData } from './harness.js';
import type { Json } from './harness.js';

const suffix = Date.now().toString(36).slice(-5);
const OPS = `Ops ${suffix}`;
const LOBBY = `Lobby ${suffix}`;
let server: TestServer;
let proxy: FreezingProxy;
let alice: TestUser;
let bob: TestUser;
let ops: number;
let direct: number;
let app: DesktopApp;
let page: Page;

const bodyIs = (text: string) => (d: Json) => (d as { body?: string }).body?.includes(text) === true;
const tooltip = () => app.find('tray.tooltip').at(-1)?.data;
const badge = () => app.find('app.badge').at(-1)?.data;

beforeAll(async () => {
  const root = buildApp();
  server = await startServer();
  proxy = await startFreezingProxy(server.url);
  alice = await server.register();
  bob = await server.register();
  ops = await createRoom(server, bob, OPS, [alice]);
  await createRoom(server, bob, LOBBY, [alice]);
  direct = await directRoom(server, bob, alice);
  app = DesktopApp.launch({ root, userData: newUserData() });
  page = await app.page();
  await logIn(page, proxy.url, alice);
  // A plain-http server the page's CSP did not list yet: main adds it and reloads the page once.
  const reload = await app.waitFor('window.reload');
  await app.waitFor('window.loaded', () => true, { after: app.records.indexOf(reload) });
  await page.getByRole('navigation').waitFor();
});

afterAll(async () => {
  if (process.env['DESKTOP_E2E_DUMP'])
    (await import('node:fs')).writeFileSync(process.env['DESKTOP_E2E_DUMP'], JSON.stringify(app?.records, null, 1));
  await app?.quit().catch(() => app.kill());
  await proxy?.close();
  await server?.close();
});

describe('a running desktop app', () => {
  it('opens one sandboxed, isolated window on the app page, with the preload as the only bridge', async () => {
    const created = app.find('window.create').map((r) => r.data as { webPreferences: { [k: string]: Json } });
    expect(created).toHaveLength(1);
    expect(created[0]?.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(app.find('window.load').map((r) => r.data)).toEqual(['app://messenger/index.html']);
    expect(await page.evaluate(() => Object.keys((window as unknown as { desktop?: object }).desktop ?? {}))).toContain('notify');
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
  });

  it('closing the window keeps the app in the tray and says so once', async () => {
    await roomRow(page, LOBBY).click();
    await page.getByRole('heading', { name: LOBBY }).waitFor();
    expect(await app.command('window.close')).toBe(false);
    expect((await app.windowState()).visible).toBe(false);
    await app.waitFor('notification.show', titled('Messenger is still running'));
    await app.command('tray.click');
    expect((await app.windowState()).visible).toBe(true);
    expect(await app.command('window.close')).toBe(false);
    expect(app.find('notification.show', titled('Messenger is still running'))).toHaveLength(1);
  });

  it('a message for a room not in front shows a banner; its click reveals the window and opens the room', async () => {
    const mark = app.mark();
    await say(server, bob, ops, 'Deploy at five');
    const shown = await app.waitFor('notification.show', bodyIs('Deploy at five'), { after: mark });
    expect(shown.data).toMatchObject({ title: `${bob.username} in #${OPS}`, body: 'Deploy at five', silent: false });
    await app.command('notification.click', (shown.data as { id: number }).id);
    await page.getByRole('heading', { name: OPS }).waitFor();
    expect(await app.windowState()).toMatchObject({ visible: true, focused: true });
  });

  it('no banner for the room in front of a focused window', async () => {
    const mark = app.mark();
    await say(server, bob, ops, 'You are looking at this');
    await page.locator('.msg-body', { hasText: 'You are looking at this' }).waitFor();
    // Sentinel: a message elsewhere does raise a banner, so the first one had every chance to.
    await say(server, bob, direct, 'Psst, over here');
    await app.waitFor('notification.show', bodyIs('Psst, over here'), { after: mark });
    expect(notificationsOf(app, mark).map((n) => n.body)).toEqual(['Psst, over here']);
  });

  it('Do Not Disturb from the tray silences banners and shows in the tray', async () => {
    await app.command('tray.menu.click', ['Do Not Disturb']);
    await app.waitFor('tray.menu', (d) =>
      (d as Array<{ label: string; checked: boolean }>).some((i) => i.label === 'Do Not Disturb' && i.checked),
    );
    await expect.poll(tooltip).toContain('Do Not Disturb');
    await app.command('window.close');
    const mark = app.mark();
    await say(server, bob, ops, 'Quiet please');
    // Sentinel: the message reached the app (the unread count went up) without a banner.
    await app.waitFor('app.badge', (n) => typeof n === 'number' && n > 0, { after: mark });
    expect(notificationsOf(app, mark)).toEqual([]);
    await app.command('tray.menu.click', ['Do Not Disturb']);
    await expect.poll(tooltip).not.toContain('Do Not Disturb');
  });

  it('a burst in one room becomes one banner that counts, sounding once', async () => {
    const mark = app.mark();
    for (const text of ['one', 'two', 'three']) await say(server, bob, ops, `Burst ${text}`);
    await app.waitFor('notification.show', bodyIs('3 new messages'), { after: mark });
    const shown = notificationsOf(app, mark);
    expect(shown.map((n) => [n.title, n.body.split('\n')[0], n.silent])).toEqual([
      [`${bob.username} in #${OPS}`, 'Burst one', false],
      [`#${OPS}`, `2 new messages in #${OPS}`, true],
      [`#${OPS}`, `3 new messages in #${OPS}`, true],
    ]);
    const closed = app.find('notification.close', () => true, mark).map((r) => (r.data as { id: number }).id);
    expect(closed).toEqual(shown.slice(0, 2).map((n) => n.id));
  });

  it('tray and badge show the unread count the window shows, and clear once the room is read', async () => {
    // What the room list shows, room by room ("Ops … 3 unread …": rows are named by their content).
    const shownTotal = async () => {
      const labels = await page.locator('.room-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).innerText));
      return labels.reduce((sum, l) => sum + Number(/(\d+) unread/.exec(l)?.[1] ?? 0), 0);
    };
    // At least Quiet please and the three burst messages arrived while the window was hidden.
    await expect.poll(badge).toBeGreaterThanOrEqual(4);
    const hidden = await shownTotal();
    expect(badge()).toBe(hidden);
    expect(tooltip()).toBe(`Messenger — ${hidden} unread messages`);
    await app.command('tray.click');
    expect((await app.windowState()).visible).toBe(true);
    // Ops is in front again, so it is read; only the direct message still waits.
    await expect.poll(badge).toBe(1);
    expect(await shownTotal()).toBe(1);
    await expect.poll(tooltip).toBe('Messenger — 1 unread message');
  });

  it('after sleep the app reconnects and catches up at once instead of waiting for a dead socket to time out', async () => {
    expect(proxy.freezeWebSockets()).toBeGreaterThan(0);
    const mark = app.mark();
    await say(server, bob, direct, 'Sent while your lid was closed');
    await app.command('powerMonitor.emit', 'resume');
    // Socket.IO alone would notice the frozen connection only after ping interval + timeout (40 s).
    await app.waitFor('notification.show', bodyIs('Sent while your lid was closed'), { after: mark, timeout: 15_000 });
    await page
      .locator('.room-row')
      .filter({ has: page.getByText(bob.username, { exact: true }) })
      .click();
    await page.locator('.msg-body', { hasText: 'Sent while your lid was closed' }).waitFor();
    await expect.poll(badge).toBe(0);
    await expect.poll(tooltip).toBe('Messenger');
  });

  it('navigation away, window.open and <webview> are refused; web links go to the browser', async () => {
    const mark = app.mark();
    await page.evaluate(() => {
      location.href = 'https://example.com/phish';
    });
    await app.waitFor('navigation', () => true, { after: mark });
    expect(app.find('shell.openExternal', () => true, mark).map((r) => r.data)).toEqual(['https://example.com/phish']);
    expect(app.find('navigation', () => true, mark).map((r) => r.data)).toEqual([
      { url: 'https://example.com/phish', isMainFrame: true, prevented: true },
    ]);
    await page.evaluate(() => window.open('https://example.com/popup'));
    await app.waitFor('window-open', () => true, { after: mark });
    expect(app.find('window-open', () => true, mark).map((r) => r.data)).toEqual([{ url: 'https://example.com/popup', action: 'deny' }]);
    expect(app.find('shell.openExternal', () => true, mark).map((r) => r.data)).toEqual([
      'https://example.com/phish',
      'https://example.com/popup',
    ]);
    await page.evaluate(() => {
      const w = document.createElement('webview');
      w.setAttribute('src', 'https://example.com/embedded');
      document.body.append(w);
    });
    await app.waitFor('webview', () => true, { after: mark });
    expect(app.find('webview', () => true, mark).map((r) => r.data)).toEqual([{ src: 'https://example.com/embedded', attached: false }]);
    await expect.poll(() => page.locator('webview').count()).toBe(0);
    expect(page.url()).toMatch(/^http:\/\/messenger\.app\.localhost\//);
    expect(await openRoomName(page)).toBe(bob.username);
  });

  it('a crashed page offers a reload, and Help opens the logs folder', async () => {
    const mark = app.mark();
    await app.command('dialog.respond', 0);
    await app.command('window.crash');
    const asked = await app.waitFor('dialog.message', () => true, { after: mark });
    expect(asked.data).toMatchObject({ message: 'Messenger stopped working', buttons: ['Reload', 'Quit'] });
    await app.waitFor('window.reload', () => true, { after: mark });
    await roomRow(page, OPS).waitFor();

    await app.command('window.unresponsive');
    await app.waitFor('dialog.message', (d) => (d as { message: string }).message === 'Messenger is not responding', { after: mark });

    await app.command('menu.application.click', ['Help', 'Open logs folder']);
    const opened = await app.waitFor('shell.openPath', () => true, { after: mark });
    expect(opened.data).toMatch(/[\\/]logs$/);
  });

  it('right-click offers spelling suggestions, Add to dictionary and copy link', async () => {
    const mark = app.mark();
    await app.command('window.contextMenu', {
      isEditable: true,
      misspelledWord: 'tomorow',
      dictionarySuggestions: ['tomorrow', 'tomorrows'],
      editFlags: { canCut: true, canCopy: true, canPaste: true, canSelectAll: true },
    });
    const menu = await app.waitFor('menu.popup', () => true, { after: mark });
    expect((menu.data as Array<{ label: string }>).map((i) => i.label)).toEqual([
      'tomorrow',
      'tomorrows',
      'Add to dictionary',
      '',
      'Cut',
      'Copy',
      'Paste',
      'Select all',
    ]);
    await app.command('menu.popup.click', ['tomorrow']);
    await app.waitFor('webContents.replaceMisspelling', (w) => w === 'tomorrow', { after: mark });
    await app.command('window.contextMenu', { isEditable: true, misspelledWord: 'tomorow', dictionarySuggestions: ['tomorrow'] });
    await app.command('menu.popup.click', ['Add to dictionary']);
    await app.waitFor('session.addWord', (w) => w === 'tomorow', { after: mark });
    await app.command('window.contextMenu', { linkURL: 'https://example.com/doc' });
    await app.command('menu.popup.click', ['Copy link']);
    await app.waitFor('clipboard.writeText', (t) => t === 'https://example.com/doc', { after: mark });
  });

  it('logging out closes banners and clears the counts', async () => {
    await roomRow(page, LOBBY).click();
    await page.getByRole('heading', { name: LOBBY }).waitFor();
    await app.command('window.close');
    const mark = app.mark();
    await say(server, bob, ops, 'Still there?');
    const shown = await app.waitFor('notification.show', bodyIs('Still there?'), { after: mark });
    await expect.poll(badge).toBeGreaterThan(0);
    await app.command('tray.click');
    await page.getByRole('button', { name: 'Me and settings' }).click();
    const loggedOut = app.mark();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await app.waitFor('notification.close', (d) => (d as { id: number }).id === (shown.data as { id: number }).id, { after: loggedOut });
    await expect.poll(badge).toBe(0);
    await expect.poll(tooltip).toBe('Messenger');
  });
});
