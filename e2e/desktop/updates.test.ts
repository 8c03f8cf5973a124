// Automatic updates end to end: the real electron-updater inside the bundled main process, against a real generic
// feed (latest-linux.yml and an "AppImage") served by an HTTP server in this test. The stand-in acts out an installed
// AppImage (STANDIN_PACKAGED, APPIMAGE, app-update.yml in the resources folder as electron-builder writes it).
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer, TestUser } from '../../server/test/harness.js';
import { logIn, startServer } from './fixtures.js';
import { buildApp, DesktopApp, newUserData, TIMEOUT } from './harness.js';
import type { Json } from './harness.js';

let root: string;
let server: TestServer;
let alice: TestUser;
let feed: Server;
let feedUrl: string;
const feedRequests: string[] = [];
const work = mkdtempSync(join(tmpdir(), 'desktop-e2e-update-'));
const running: DesktopApp[] = [];

// The "new version": started by the update with APPIMAGE_EXIT_AFTER_INSTALL (as electron-builder's AppRun, it then
// only integrates and exits), and once more by the relaunch after quitting, when it says it runs.
const started = join(work, 'new-version-started');
const NEW_APPIMAGE = `#!/bin/sh\n[ -n "$APPIMAGE_EXIT_AFTER_INSTALL" ] && exit 0\necho "0.2.0" > '${started}'\n`;

function writeFeed(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const file = Buffer.from(NEW_APPIMAGE);
  writeFileSync(join(dir, 'Messenger-0.2.0.AppImage'), file);
  const sha512 = createHash('sha512').update(file).digest('base64');
  writeFileSync(
    join(dir, 'latest-linux.yml'),
    [
      'version: 0.2.0',
      'files:',
      '  - url: Messenger-0.2.0.AppImage',
      `    sha512: ${sha512}`,
      `    size: ${file.length}`,
      'path: Messenger-0.2.0.AppImage',
      `sha512: ${sha512}`,
      "releaseDate: '2026-11-30T00:00:00.000Z'",
      '',
    ].join('\n'),
  );
}

/** An installed AppImage: the file itself, and the resources folder with the app-update.yml electron-builder writes. */
function installed(name: string): { env: Record<string, string>; appImage: string } {
  const dir = join(work, name);
  const resources = join(dir, 'resources');
  mkdirSync(resources, { recursive: true });
  writeFileSync(
    join(resources, 'app-update.yml'),
    'owner: messenger\nrepo: messenger\nprovider: github\nupdaterCacheDirName: messenger-updater\n',
  );
  const appImage = join(dir, 'Messenger.AppImage');
  writeFileSync(appImage, '#!/bin/sh\necho "0.1.0"\n');
  chmodSync(appImage, 0o755);
  return {
    appImage,
    env: {
      STANDIN_PACKAGED: '1',
      STANDIN_RESOURCES: resources,
      APPIMAGE: appImage,
      XDG_CACHE_HOME: join(dir, 'cache'),
      MESSENGER_UPDATE_URL: feedUrl,
    },
  };
}

function launch(userData: string, env: Record<string, string>): DesktopApp {
  const app = DesktopApp.launch({ root, userData, env });
  running.push(app);
  return app;
}

async function logInAndSettle(app: DesktopApp): Promise<Awaited<ReturnType<DesktopApp['page']>>> {
  const page = await app.page();
  await logIn(page, server.url, alice);
  const reload = await app.waitFor('window.reload');
  await app.waitFor('window.loaded', () => true, { after: app.records.indexOf(reload) });
  await page.getByRole('navigation').waitFor();
  return page;
}

const trayLabels = (app: DesktopApp) =>
  ((app.find('tray.menu').at(-1)?.data ?? []) as Array<{ label: string }>).map((i) => i.label).filter(Boolean);
/** A request main made for this file of the feed (electron-updater adds ?noCache=... to the channel file). */
const feedRequest = (name: string) => (d: Json) => typeof d === 'string' && d.split('?')[0] === `${feedUrl}/${name}`;

beforeAll(async () => {
  root = buildApp();
  server = await startServer();
  alice = await server.register();
  const dir = join(work, 'feed');
  writeFeed(dir);
  feed = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0]!.slice(1);
    feedRequests.push(name);
    const file = join(dir, name);
    if (!/^[\w.-]+$/.test(name) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((r) => feed.listen(0, '127.0.0.1', r));
  feedUrl = `http://127.0.0.1:${(feed.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const app of running.splice(0)) await app.quit().catch(() => app.kill());
});

afterAll(async () => {
  await new Promise((r) => feed?.close(r));
  await server?.close();
});

describe('automatic updates', () => {
  it('checks the configured feed, downloads quietly, offers "Restart to update", and restarts into the new version', async () => {
    const { env, appImage } = installed('on');
    const app = launch(newUserData(), env);
    // The check goes to the configured generic feed, then the file is downloaded; no dialog at any point.
    // Chromium may take a while to start on a loaded machine; the check starts once the window is created.
    await app.waitFor('net.request', feedRequest('latest-linux.yml'), { timeout: 3 * TIMEOUT });
    await app.waitFor('net.request', feedRequest('Messenger-0.2.0.AppImage'));
    await app.waitFor('tray.menu', (d) => (d as Array<{ label: string }>).some((i) => i.label === 'Restart to update'));
    expect(trayLabels(app)).toEqual(['Restart to update', 'Open Messenger', 'Do Not Disturb', 'Quit']);
    const help = () =>
      (app.find('menu.application').at(-1)?.data as Array<{ label: string; submenu: Array<{ label: string }> }>)
        .find((m) => m.label === 'Help')
        ?.submenu.map((i) => i.label);
    await expect.poll(help).toEqual(['Restart to update', 'Open logs folder']);
    expect(app.find('dialog.message')).toEqual([]);
    expect(app.find('dialog.error')).toEqual([]);

    // Downloaded before the window logged in: the banner still says so, and restarts only when asked.
    const page = await logInAndSettle(app);
    await page.getByText('Version 0.2.0 is ready.').waitFor();
    expect(app.find('app.quit')).toEqual([]);
    await page.getByRole('button', { name: 'Restart to update' }).click();
    expect(await app.exitWithin()).toBe(0);
    // The AppImage was replaced by the downloaded one, and started again after the old one quit.
    expect(readFileSync(appImage, 'utf8')).toBe(NEW_APPIMAGE);
    expect(app.find('app.relaunch').map((r) => r.data)).toEqual([{ execPath: appImage, args: [] }]);
    const deadline = Date.now() + TIMEOUT;
    while (!existsSync(started) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(started, 'utf8').trim()).toBe('0.2.0');
  });

  it('turned off in settings, nothing is checked until it is turned on again', async () => {
    const { env } = installed('off');
    const profile = newUserData();
    writeFileSync(join(profile, 'messenger.json'), JSON.stringify({ settings: { autoUpdate: false } }));
    const app = launch(profile, env);
    const page = await logInAndSettle(app);
    await page.getByRole('button', { name: /Me and settings/ }).click();
    const toggle = page.getByLabel('Download updates automatically');
    expect(await toggle.isChecked()).toBe(false);
    // Main decided at start (its log says so), and asked no feed.
    await expect.poll(() => app.output.join('')).toContain('automatic updates are off');
    expect(app.find('net.request')).toEqual([]);
    const mark = app.mark();
    await toggle.click();
    await app.waitFor('net.request', feedRequest('latest-linux.yml'), { after: mark });
  });
});
