// Boots main/index.ts against a recording fake of the electron module: checks the wiring that the unit tests of the
// individual modules cannot see (security preferences, scheme registration before ready, IPC channels, first load).
import { describe, expect, it, vi } from 'vitest';
import { DESKTOP_CHANNELS } from '../protocol/desktop.js';

const rec = vi.hoisted(() => {
  const calls: Array<[string, ...unknown[]]> = [];
  const windows: Array<{ options: Record<string, unknown>; loaded: string[] }> = [];
  const ipc = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  const appListeners = new Map<string, (...args: unknown[]) => void>();
  return { calls, windows, ipc, appListeners };
});

vi.mock('electron-store', () => ({
  default: class {
    data = new Map<string, unknown>();
    get(k: string) {
      return this.data.get(k);
    }
    set(k: string, v: unknown) {
      this.data.set(k, v);
    }
    delete(k: string) {
      this.data.delete(k);
    }
  },
}));

vi.mock('electron-log/main', () => {
  const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
  return {
    default: {
      ...quiet,
      transports: { file: { getFile: () => ({ path: '/tmp/logs/main.log' }) }, console: {} },
      errorHandler: { startCatching: () => undefined },
    },
  };
});

vi.mock('electron', () => {
  const noop = () => undefined;
  const log =
    (name: string) =>
    (...args: unknown[]) =>
      void rec.calls.push([name, ...args]);
  class BrowserWindow {
    loaded: string[] = [];
    webContents = { send: log('send'), on: noop, reload: noop, setWindowOpenHandler: noop };
    constructor(public options: Record<string, unknown>) {
      rec.windows.push(this);
    }
    on = noop;
    once = noop;
    loadURL = async (url: string) => void this.loaded.push(url);
    isDestroyed = () => false;
    isMinimized = () => false;
    getNormalBounds = () => ({ x: 0, y: 0, width: 800, height: 600 });
    isMaximized = () => false;
    setOverlayIcon = noop;
  }
  class Tray {
    setImage = noop;
    setToolTip = noop;
    setContextMenu = noop;
    on = noop;
    isDestroyed = () => false;
  }
  class Notification {
    static isSupported = () => true;
    show = noop;
    on = noop;
    close = noop;
  }
  return {
    app: {
      enableSandbox: log('enableSandbox'),
      setAppUserModelId: noop,
      requestSingleInstanceLock: () => true,
      quit: log('quit'),
      exit: log('exit'),
      on: (event: string, l: (...args: unknown[]) => void) => void rec.appListeners.set(event, l),
      setAsDefaultProtocolClient: log('setAsDefaultProtocolClient'),
      whenReady: () => {
        rec.calls.push(['whenReady']);
        return Promise.resolve();
      },
      setLoginItemSettings: noop,
      getLoginItemSettings: () => ({ wasOpenedAtLogin: false }),
      getPath: () => '/tmp',
      isPackaged: false,
      setBadgeCount: log('setBadgeCount'),
      getPreferredSystemLanguages: () => ['en-US'],
    },
    protocol: { registerSchemesAsPrivileged: log('registerSchemesAsPrivileged'), handle: log('protocol.handle') },
    BrowserWindow,
    Tray,
    Notification,
    ipcMain: {
      handle: (c: string, l: (event: unknown, ...args: unknown[]) => Promise<unknown>) => void rec.ipc.set(c, l),
      removeHandler: noop,
      removeAllListeners: log('ipcMain.removeAllListeners'),
    },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: log('setApplicationMenu') },
    net: { fetch: noop, isOnline: () => true },
    powerMonitor: { on: log('powerMonitor.on') },
    safeStorage: {
      isEncryptionAvailable: () => false,
      encryptString: noop,
      decryptString: noop,
      getSelectedStorageBackend: () => 'basic_text',
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: log('setPermissionRequestHandler'),
        setPermissionCheckHandler: log('setPermissionCheckHandler'),
        webRequest: { onHeadersReceived: noop },
        on: log('session.on'),
        availableSpellCheckerLanguages: ['en-US'],
        setSpellCheckerLanguages: log('setSpellCheckerLanguages'),
      },
    },
    shell: { openExternal: log('openExternal'), openPath: log('openPath') },
    crashReporter: { start: log('crashReporter.start') },
    dialog: { showErrorBox: log('showErrorBox'), showMessageBox: async () => ({ response: 0 }) },
    nativeImage: { createFromBuffer: () => ({}) },
  };
});

describe('main/index.ts wiring', async () => {
  await import('./index.js');
  await vi.waitFor(() => expect(rec.windows).toHaveLength(1));
  const names = rec.calls.map((c) => c[0]);

  it('registers the app:// scheme and the sandbox before ready', () => {
    expect(names.indexOf('registerSchemesAsPrivileged')).toBeLessThan(names.indexOf('whenReady'));
    expect(names.indexOf('enableSandbox')).toBeLessThan(names.indexOf('whenReady'));
    expect(names).toContain('protocol.handle');
    expect(rec.calls).toContainEqual(['setAsDefaultProtocolClient', 'messenger']);
  });

  it('routes downloads through will-download (main/downloads.ts)', () => {
    expect(rec.calls.some((c) => c[0] === 'session.on' && c[1] === 'will-download')).toBe(true);
  });

  it('creates the window with every security preference on', () => {
    const prefs = rec.windows[0]?.options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(String((prefs as { preload: string }).preload)).toMatch(/dist-desktop[\\/]preload[\\/]index\.cjs$/);
    expect(rec.windows[0]?.loaded).toEqual(['app://messenger/index.html']);
  });

  it('installs permission handlers, web-contents hardening and every IPC channel', () => {
    expect(names).toContain('setPermissionRequestHandler');
    expect(names).toContain('setPermissionCheckHandler');
    expect(rec.appListeners.has('web-contents-created')).toBe(true);
    expect(rec.appListeners.has('second-instance')).toBe(true);
    expect([...rec.ipc.keys()].sort()).toEqual(Object.values(DESKTOP_CHANNELS).sort());
    expect(rec.calls).toContainEqual(['ipcMain.removeAllListeners', 'electron-store-get-data']);
  });

  it('answers the app page and refuses another origin', async () => {
    const own = { senderFrame: { url: 'app://messenger/index.html', parent: null } };
    const evil = { senderFrame: { url: 'https://evil.example/', parent: null } };
    const settings = rec.ipc.get(DESKTOP_CHANNELS.getSettings);
    expect(await settings?.(own)).toMatchObject({ ok: true, value: { doNotDisturb: false } });
    expect(await settings?.(evil)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(await rec.ipc.get(DESKTOP_CHANNELS.setUnreadCount)?.(own, 3)).toEqual({ ok: true, value: null });
    expect(rec.calls).toContainEqual(['setBadgeCount', 3]);
  });

  it('tells the renderer about Do Not Disturb switched from elsewhere', async () => {
    const own = { senderFrame: { url: 'app://messenger/index.html', parent: null } };
    await rec.ipc.get(DESKTOP_CHANNELS.setSettings)?.(own, { doNotDisturb: true });
    expect(rec.calls).toContainEqual(['send', 'desktop:event:settings-changed', expect.objectContaining({ doNotDisturb: true })]);
  });
});
