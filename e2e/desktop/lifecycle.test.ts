// Desktop app lifecycle, end to end: restart into the rooms, window bounds, deep links on a cold start and from a
// second instance, start hidden, a machine without a keyring, and a damaged or unreadable settings file.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, TestUser } from '../../server/test/harness.js';
import { createRoom, directRoom, logIn, openRoomName, roomRow, startServer, storeFile } from './fixtures.js';
import { buildApp, DesktopApp, newUserData } from './harness.js';

const suffix = Date.now().toString(36).slice(-5);
const OPS = `Ops ${suffix}`;
let root: string;
let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let ops: number;
let direct: number;
const running: DesktopApp[] = [];

function launch(opts: { userData: string; args?: string[]; env?: Record<string, string> }): DesktopApp {
  const app = DesktopApp.launch({ root, ...opts });
  running.push(app);
  return app;
}

beforeAll(async () => {
  root = buildApp();
  server = await startServer();
  alice = await server.register();
  bob = await server.register();
  ops = await createRoom(server, bob, OPS, [alice]);
  direct = await directRoom(server, bob, alice);
});

afterEach(async () => {
  for (const app of running.splice(0)) await app.quit().catch(() => app.kill());
});

afterAll(async () => {
  await server?.close();
});

describe('desktop app lifecycle', () => {
  const profile = newUserData();

  it('logs in once, keeps the session encrypted, and restarts straight into the rooms', async () => {
    const first = launch({ userData: profile });
    const login = await first.page();
    await login.getByRole('heading', { name: 'Log in' }).waitFor();
    expect(await login.getByText('no keyring').count()).toBe(0);
    await logIn(login, server.url, alice);
    expect(await login.getByText('no keyring').count()).toBe(0);
    const stored = storeFile(profile)['session'] as { serverUrl: string; encryptedRefreshToken: string };
    expect(stored.serverUrl).toBe(server.url);
    // The stand-in keychain prefixes its ciphertext like Chromium's (v11); the token itself is not in the file.
    expect(Buffer.from(stored.encryptedRefreshToken, 'base64').subarray(0, 3).toString()).toBe('v11');
    expect(readFileSync(join(profile, 'messenger.json'), 'utf8')).not.toMatch(/refreshToken"/);
    expect(await first.quit()).toBe(0);

    const second = launch({ userData: profile });
    const page = await second.page();
    await roomRow(page, OPS).waitFor();
    expect(await page.getByRole('heading', { name: 'Log in' }).count()).toBe(0);
  });

  it('a keychain that fails once is asked again; failing twice costs a login, never the stored session', async () => {
    const once = launch({ userData: profile, env: { STANDIN_KEYRING_FAILURES: '1' } });
    await roomRow(await once.page(), OPS).waitFor();
    expect(await once.quit()).toBe(0);

    const twice = launch({ userData: profile, env: { STANDIN_KEYRING_FAILURES: '2' } });
    await (await twice.page()).getByRole('heading', { name: 'Log in' }).waitFor();
    expect(await twice.quit()).toBe(0);
    expect(storeFile(profile)['session']).toMatchObject({ serverUrl: server.url });

    const later = launch({ userData: profile });
    await roomRow(await later.page(), OPS).waitFor();
  });

  it('puts the window back where it was', async () => {
    const first = launch({ userData: profile });
    await (await first.page()).getByRole('navigation').waitFor();
    await first.command('window.setBounds', { x: 240, y: 130, width: 1000, height: 700 });
    expect(await first.quit()).toBe(0);

    const second = launch({ userData: profile });
    const created = await second.waitFor('window.create');
    expect((created.data as { bounds: unknown }).bounds).toEqual({ x: 240, y: 130, width: 1000, height: 700 });
  });

  it('a room link opens that room on a cold start', async () => {
    const app = launch({ userData: profile, args: [`messenger://room/${ops}`] });
    const page = await app.page();
    await page.getByRole('heading', { name: OPS }).waitFor();
  });

  it('a room link from a second launch reaches the running app, which shows itself and opens the room', async () => {
    const first = launch({ userData: profile });
    const page = await first.page();
    await roomRow(page, OPS).click();
    await page.getByRole('heading', { name: OPS }).waitFor();
    await first.command('window.close');
    expect((await first.windowState()).visible).toBe(false);

    const second = launch({ userData: profile, args: [`messenger://room/${direct}`] });
    expect(await second.exitWithin()).toBe(0);
    expect(second.find('window.create')).toEqual([]);
    await first.waitFor('app.second-instance');
    await page.getByRole('heading', { name: bob.username }).waitFor();
    expect(await first.windowState()).toMatchObject({ visible: true, focused: true });
    expect(await openRoomName(page)).toBe(bob.username);
  });

  it('started hidden (at login), the app stays in the tray until asked', async () => {
    const app = launch({ userData: profile, args: ['--hidden'] });
    const page = await app.page();
    await roomRow(page, OPS).waitFor();
    expect((await app.windowState()).visible).toBe(false);
    expect(app.find('window.show')).toEqual([]);
    await app.command('tray.click');
    expect(await app.windowState()).toMatchObject({ visible: true, focused: true });
  });

  it('on stock GNOME, which shows no tray, closing the window quits instead of hiding it', async () => {
    const app = launch({ userData: newUserData(), env: { XDG_CURRENT_DESKTOP: 'GNOME' } });
    await (await app.page()).getByRole('heading', { name: 'Log in' }).waitFor();
    expect(await app.command('window.close').catch(() => 'exited')).not.toBe(false);
    expect(await app.exitWithin()).toBe(0);
  });

  it('without a keyring (basic_text) the session is kept for this run only and never written', async () => {
    const bare = newUserData();
    const env = { STANDIN_KEYRING: 'basic_text' };
    const first = launch({ userData: bare, env });
    const page = await first.page();
    // Said before logging in, and once more in the main window until dismissed.
    await page.getByText('you will stay logged in only until Messenger quits').waitFor();
    await logIn(page, server.url, alice);
    expect(storeFile(bare)['session']).toBeUndefined();
    const banner = page.getByRole('status').filter({ hasText: 'You are logged in until Messenger quits' });
    await banner.waitFor();
    await banner.getByRole('button', { name: 'OK' }).click();
    await expect.poll(() => banner.count()).toBe(0);
    await page.getByRole('button', { name: 'Me and settings' }).click();
    await page.getByText('you will need to log in again next time').waitFor();
    expect(await first.quit()).toBe(0);

    const second = launch({ userData: bare, env });
    const again = await second.page();
    await again.getByRole('heading', { name: 'Log in' }).waitFor();
    // The address is read from the main process after the screen renders; it fills in a moment later.
    await expect.poll(() => again.getByLabel('Server address').inputValue()).toBe(server.url);
  });

  it('a damaged settings file is set aside and the app starts at the login screen', async () => {
    const damaged = newUserData();
    writeFileSync(join(damaged, 'messenger.json'), '{"session": {"serverUrl": "http://x", "encrypted');
    const app = launch({ userData: damaged });
    await (await app.page()).getByRole('heading', { name: 'Log in' }).waitFor();
  });

  it('an unreadable settings file stops start-up with a dialog naming the reason, then exits', async () => {
    const broken = newUserData();
    // A directory where the file should be: unreadable even for root, like a file owned by root after `sudo messenger`.
    mkdirSync(join(broken, 'messenger.json'));
    const app = launch({ userData: broken });
    const shown = await app.waitFor('dialog.error');
    expect(shown.data).toMatchObject({ title: 'Messenger could not start' });
    expect((shown.data as { content: string }).content).toContain(join(broken, 'messenger.json'));
    expect(await app.exitWithin()).not.toBe(0);
    expect(app.find('window.create')).toEqual([]);
  });
});
