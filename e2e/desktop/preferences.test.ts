// Desktop preferences end to end: main's own texts following the app's language, taskbar flash for direct messages
// and mentions, spell-check dictionaries, and close-to-tray from the settings screen (off at first on stock GNOME,
// with the reason said there). Real bundled main, preload and renderer; a real server (harness.ts, fixtures.ts).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, TestUser } from '../../server/test/harness.js';
import { createRoom, directRoom, logIn, say, startServer, storeFile } from './fixtures.js';
import { buildApp, DesktopApp, newUserData } from './harness.js';
import type { Json } from './harness.js';

const suffix = Date.now().toString(36).slice(-5);
const TEAM = `Team ${suffix}`;
let root: string;
let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let team: number;
let direct: number;
let app: DesktopApp;
let page: Page;
const profile = newUserData();
const running: DesktopApp[] = [];

type MenuItem = { label: string; submenu: MenuItem[] | null };
const trayLabels = () => ((app.find('tray.menu').at(-1)?.data ?? []) as MenuItem[]).map((i) => i.label).filter(Boolean);
const appMenuLabels = () => ((app.find('menu.application').at(-1)?.data ?? []) as MenuItem[]).map((i) => i.label);
const bodyIs = (text: string) => (d: Json) => (d as { body?: string }).body?.includes(text) === true;

async function openSettings(p: Page): Promise<void> {
  await p.getByRole('button', { name: /Me and settings|我的资料与设置/ }).click();
  await p.getByRole('dialog').waitFor();
}

async function closeSettings(p: Page): Promise<void> {
  await p.keyboard.press('Escape');
  await p.getByRole('dialog').waitFor({ state: 'hidden' });
}

beforeAll(async () => {
  root = buildApp();
  server = await startServer();
  alice = await server.register();
  bob = await server.register();
  team = await createRoom(server, bob, TEAM, [alice]);
  direct = await directRoom(server, bob, alice);
  app = DesktopApp.launch({ root, userData: profile, env: { XDG_CURRENT_DESKTOP: 'KDE' } });
  running.push(app);
  page = await app.page();
  await logInAndSettle(app, page);
});

/** Log in; main then allows the plain-http test server in the page's CSP and reloads the page once. */
async function logInAndSettle(a: DesktopApp, p: Page): Promise<void> {
  await logIn(p, server.url, alice);
  const reload = await a.waitFor('window.reload');
  await a.waitFor('window.loaded', () => true, { after: a.records.indexOf(reload) });
  await p.getByRole('navigation').waitFor();
}

afterAll(async () => {
  for (const a of running) await a.quit().catch(() => a.kill());
  await server?.close();
});

describe('desktop preferences', () => {
  it("main's tray and application menus follow the app's language", async () => {
    expect(trayLabels()).toEqual(['Open Messenger', 'Do Not Disturb', 'Quit']);
    await openSettings(page);
    const mark = app.mark();
    await page.getByLabel('Language', { exact: true }).selectOption('zh-CN');
    await app.waitFor('tray.menu', () => true, { after: mark });
    expect(trayLabels()).toEqual(['打开 Messenger', '勿扰模式', '退出']);
    await expect.poll(appMenuLabels).toEqual(['文件', '编辑', '视图', '窗口', '帮助']);
    // The tooltip is main's too.
    await app.command('tray.menu.click', ['勿扰模式']);
    await expect.poll(() => app.find('tray.tooltip').at(-1)?.data).toBe('Messenger — 勿扰模式');
    await app.command('tray.menu.click', ['勿扰模式']);

    const back = app.mark();
    await page.getByLabel('语言', { exact: true }).selectOption('en');
    await app.waitFor('tray.menu', () => true, { after: back });
    expect(trayLabels()).toEqual(['Open Messenger', 'Do Not Disturb', 'Quit']);
    await expect.poll(appMenuLabels).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    await closeSettings(page);
  });

  it('a direct message or a mention flashes the taskbar while the window is not focused; focus stops it', async () => {
    await app.command('window.blur');
    let mark = app.mark();
    await say(server, bob, direct, 'Got a minute?');
    await app.waitFor('notification.show', bodyIs('Got a minute?'), { after: mark });
    await app.waitFor('window.flash', () => true, { after: mark });
    expect(app.find('window.flash', () => true, mark).map((r) => r.data)).toEqual([true]);
    await app.command('window.focus');
    expect(app.find('window.flash', () => true, mark).map((r) => r.data)).toEqual([true, false]);

    // A plain room message raises a banner but no flash; a mention in the same room flashes.
    await app.command('window.blur');
    mark = app.mark();
    await say(server, bob, team, 'Lunch is here');
    await app.waitFor('notification.show', bodyIs('Lunch is here'), { after: mark });
    expect(app.find('window.flash', () => true, mark)).toEqual([]);
    await say(server, bob, team, `@${alice.username} can you review?`);
    await app.waitFor('notification.show', bodyIs('can you review?'), { after: mark });
    // The plain message's banner came first and raised no flash; this one does.
    await app.waitFor('window.flash', () => true, { after: mark });
    expect(app.find('window.flash', () => true, mark).map((r) => r.data)).toEqual([true]);
    await app.command('window.focus');
  });

  it('the flash can be turned off in settings', async () => {
    await openSettings(page);
    const flash = page.getByLabel('Flash the taskbar for direct messages and mentions');
    expect(await flash.isChecked()).toBe(true);
    await flash.click();
    await expect.poll(() => flash.isChecked()).toBe(false);
    await expect.poll(() => (storeFile(profile)['settings'] as { flashOnMention?: boolean }).flashOnMention).toBe(false);
    await closeSettings(page);
    await app.command('window.blur');
    const mark = app.mark();
    await say(server, bob, direct, 'Quietly now');
    await app.waitFor('notification.show', bodyIs('Quietly now'), { after: mark });
    // Main records a flash right after the banner it goes with; a round trip after the banner has seen both.
    await app.command('window.state');
    expect(app.find('window.flash', () => true, mark)).toEqual([]);
    await app.command('window.focus');
  });

  it('spell-check languages are chosen from the dictionaries Chromium has', async () => {
    // At start: the system's language (the stand-in's en-US).
    expect(app.find('session.spellCheckerLanguages').at(0)?.data).toEqual(['en-US']);
    await openSettings(page);
    const select = page.getByLabel('Spell-check languages');
    expect(await select.locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual([
      'en-US',
      'zh-CN',
      'de',
      'fr',
    ]);
    const mark = app.mark();
    await select.selectOption(['de', 'fr']);
    const applied = await app.waitFor('session.spellCheckerLanguages', () => true, { after: mark });
    expect(applied.data).toEqual(['de', 'fr']);
    await closeSettings(page);
  });

  it('close-to-tray off in settings: closing the window quits', async () => {
    await openSettings(page);
    const toggle = page.getByLabel('Keep running in the tray when the window is closed');
    await toggle.click();
    await expect.poll(() => toggle.isChecked()).toBe(false);
    await expect.poll(() => (storeFile(profile)['settings'] as { closeToTray?: boolean }).closeToTray).toBe(false);
    expect(await page.getByText('GNOME shows no tray icons').count()).toBe(0);
    await closeSettings(page);
    expect(await app.command('window.close').catch(() => true)).toBe(true);
    expect(await app.exitWithin()).toBe(0);
  });

  it('on stock GNOME close-to-tray starts off and the settings say why', async () => {
    const gnome = DesktopApp.launch({ root, userData: newUserData(), env: { XDG_CURRENT_DESKTOP: 'GNOME' } });
    running.push(gnome);
    const p = await gnome.page();
    await logInAndSettle(gnome, p);
    await openSettings(p);
    const toggle = p.getByLabel('Keep running in the tray when the window is closed');
    expect(await toggle.isChecked()).toBe(false);
    await p.getByText('GNOME shows no tray icons without the AppIndicator extension').waitFor();
    await toggle.click();
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await closeSettings(p);
    expect(await gnome.command('window.close')).toBe(false);
    expect((await gnome.windowState()).visible).toBe(false);
  });
});
