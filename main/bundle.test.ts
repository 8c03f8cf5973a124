// Builds main + preload exactly as `npm run build:desktop` does, then boots the bundled main in plain Node with a fake
// `electron` module: catches what type-checks cannot, e.g. an ESM-only dependency that does not bundle, or a preload
// that requires something a sandbox refuses.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

const FAKE_ELECTRON = `
const noop = () => undefined;
const seen = (globalThis.__seen = []);
class BrowserWindow {
  constructor(o) { seen.push(['window', o.webPreferences]); this.webContents = { send: noop, on: noop, reload: noop }; }
  on() {} once() {} loadURL(u) { seen.push(['load', u]); return Promise.resolve(); }
  isDestroyed() { return false; } isMinimized() { return false; } isMaximized() { return false; }
  getNormalBounds() { return { x: 0, y: 0, width: 800, height: 600 }; }
}
class Tray { setImage() {} setToolTip() {} setContextMenu() {} on() {} isDestroyed() { return false; } }
class Notification { static isSupported() { return true; } show() {} on() {} close() {} }
export const app = { enableSandbox: noop, setAppUserModelId: noop, requestSingleInstanceLock: () => true, quit: noop,
  exit: (c) => seen.push(['exit', c]), on: noop, setAsDefaultProtocolClient: noop, whenReady: () => Promise.resolve(),
  setLoginItemSettings: noop, getLoginItemSettings: () => ({ wasOpenedAtLogin: false }), getPath: () => process.env.FAKE_USER_DATA,
  getVersion: () => '0.0.0', isPackaged: false, setBadgeCount: noop };
export const protocol = { registerSchemesAsPrivileged: noop, handle: noop };
export const ipcMain = { handle: (c) => seen.push(['ipc', c]), removeHandler: noop, on: noop, removeAllListeners: noop };
export const Menu = { buildFromTemplate: (t) => t, setApplicationMenu: noop };
export const net = { fetch: noop, isOnline: () => true };
export const powerMonitor = { on: noop };
export const safeStorage = { isEncryptionAvailable: () => false, encryptString: noop, decryptString: noop, getSelectedStorageBackend: () => 'basic_text' };
export const screen = { getAllDisplays: () => [] };
export const session = { defaultSession: { setPermissionRequestHandler: noop, setPermissionCheckHandler: noop, webRequest: { onHeadersReceived: noop }, on: noop } };
export const shell = { openExternal: noop, openPath: noop };
export const nativeImage = { createFromBuffer: () => ({}) };
export { BrowserWindow, Tray, Notification };
export default { app, protocol, ipcMain, Menu, net, powerMonitor, safeStorage, screen, session, shell, nativeImage, BrowserWindow, Tray, Notification };
`;

describe('desktop bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'desktop-bundle-'));
  const out = join(dir, 'out');

  it('builds a preload that requires only electron', () => {
    execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'build-desktop.ts')], {
      cwd: root,
      env: { ...process.env, DESKTOP_OUT_DIR: out },
      stdio: 'pipe',
    });
    const preload = readFileSync(join(out, 'preload', 'index.cjs'), 'utf8');
    expect([...preload.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld');
  }, 60_000);

  it('boots the bundled main with electron-store inside and registers the IPC contract', () => {
    writeFileSync(join(dir, 'fake-electron.mjs'), FAKE_ELECTRON);
    writeFileSync(
      join(dir, 'hooks.mjs'),
      `export async function resolve(s, c, n) { return s === 'electron' ? { url: new URL('./fake-electron.mjs', import.meta.url).href, shortCircuit: true } : n(s, c); }`,
    );
    writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module'; register('./hooks.mjs', import.meta.url);`);
    writeFileSync(
      join(dir, 'run.mjs'),
      `await import(${JSON.stringify(join(out, 'main', 'index.mjs'))}); setTimeout(() => { console.log(JSON.stringify(globalThis.__seen)); process.exit(0); }, 300);`,
    );
    const stdout = execFileSync(process.execPath, ['--import', join(dir, 'register.mjs'), join(dir, 'run.mjs')], {
      env: { ...process.env, FAKE_USER_DATA: join(dir, 'userData'), MESSENGER_DEV_URL: '' },
      encoding: 'utf8',
    });
    const seen = JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as Array<[string, unknown]>;
    expect(seen.filter(([k]) => k === 'ipc')).toHaveLength(10);
    expect(seen).toContainEqual(['load', 'app://messenger/index.html']);
    expect(seen.find(([k]) => k === 'window')?.[1]).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(seen.some(([k]) => k === 'exit')).toBe(false);
  }, 60_000);
});
