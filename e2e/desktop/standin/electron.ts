// Stand-in for the `electron` module, for the desktop end-to-end harness (e2e/desktop/harness.ts). The bundled main
// process runs in Node with this in place of Electron: windows are real Chromium pages (window.ts); tray,
// notifications, power monitor, dialogs, shell, badge and the keychain record what happens and take the test's
// commands (channel.ts). Only what main/ and electron-store use is here; anything else fails loudly as undefined.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { RequestOptions } from 'node:http';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { onCommand, record } from './channel.js';
import type { Json } from './channel.js';
import {
  attachContext,
  BrowserWindow,
  electronEvent,
  onAllWindowsClosed,
  onWebContentsCreated,
  schemes,
  toAppUrl,
  windows,
} from './window.js';
import type { WebContents } from './window.js';

const env = process.env;
const USER_DATA = env.STANDIN_USER_DATA ?? join(process.cwd(), '.standin-user-data');
mkdirSync(USER_DATA, { recursive: true });
// Where a packaged app's resources are (electron-updater reads app-update.yml there).
(process as { resourcesPath?: string }).resourcesPath = env.STANDIN_RESOURCES ?? join(USER_DATA, 'resources');

// Electron keeps the main process alive after an uncaught error or a rejected promise nobody handles (it prints it,
// or shows a dialog); plain Node would exit. Keep Electron's behaviour, so a start-up that never finishes shows as one.
process.on('unhandledRejection', (err) => record('main.unhandled-rejection', String(err)));
process.on('uncaughtException', (err) => record('main.uncaught-exception', String(err)));

// ---------- app ----------
let context: BrowserContext | null = null;
let readyPromise: Promise<void> | null = null;
let quitting = false;
const LOCK = join(USER_DATA, 'SingletonLock');
const INBOX = join(USER_DATA, 'SingletonInbox');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let relaunchWith: { execPath: string; args: string[] } | null = null;

class App extends EventEmitter {
  // STANDIN_PACKAGED=1 acts out an installed build (auto-update runs only there).
  isPackaged = env.STANDIN_PACKAGED === '1';
  name = 'Messenger';

  getAppPath(): string {
    return process.cwd();
  }
  /** As in Electron: the new process starts once this one has exited. */
  relaunch(opts: { execPath?: string; args?: string[] } = {}): void {
    relaunchWith = { execPath: opts.execPath ?? process.execPath, args: opts.args ?? process.argv.slice(1) };
    record('app.relaunch', relaunchWith);
  }

  whenReady(): Promise<void> {
    readyPromise ??= launch().then(() => {
      this.emit('ready');
    });
    return readyPromise;
  }
  isReady(): boolean {
    return context !== null;
  }
  getName(): string {
    return this.name;
  }
  getVersion(): string {
    return '0.1.0';
  }
  getLocale(): string {
    return env.STANDIN_LOCALE ?? 'en-US';
  }
  getPreferredSystemLanguages(): string[] {
    return [this.getLocale()];
  }
  getPath(name: string): string {
    const paths: Record<string, string> = {
      userData: USER_DATA,
      home: join(USER_DATA, 'home'),
      logs: join(USER_DATA, 'logs'),
      crashDumps: join(USER_DATA, 'Crashpad'),
      temp: join(USER_DATA, 'tmp'),
      appData: join(USER_DATA, '..'),
      downloads: join(USER_DATA, 'Downloads'),
    };
    const p = paths[name];
    if (!p) throw new Error(`app.getPath(${name}) is not in the stand-in`);
    return p;
  }
  setAppLogsPath(): void {}
  enableSandbox(): void {
    record('app.enableSandbox');
  }
  setAppUserModelId(id: string): void {
    record('app.appUserModelId', id);
  }
  setAsDefaultProtocolClient(scheme: string, ...rest: unknown[]): boolean {
    record('app.defaultProtocolClient', [scheme, ...(rest as Json[])]);
    return true;
  }
  setLoginItemSettings(s: Record<string, Json>): void {
    record('app.loginItem', s);
  }
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin: boolean } {
    return { openAtLogin: false, wasOpenedAtLogin: env.STANDIN_OPENED_AT_LOGIN === '1' };
  }
  setBadgeCount(count: number): boolean {
    record('app.badge', count);
    return true;
  }
  requestSingleInstanceLock(): boolean {
    for (;;) {
      try {
        const fd = openSync(LOCK, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        process.on('exit', () => rmSync(LOCK, { force: true }));
        startInbox();
        record('app.lock', true);
        return true;
      } catch {
        const holder = Number(readFileSync(LOCK, 'utf8'));
        if (holder && alive(holder)) {
          // Hand our command line to the holder, as Chromium's process singleton does.
          mkdirSync(INBOX, { recursive: true });
          writeFileSync(join(INBOX, `${process.pid}-${Date.now()}.json`), JSON.stringify(process.argv));
          record('app.lock', false);
          return false;
        }
        rmSync(LOCK, { force: true });
      }
    }
  }
  quit(): void {
    record('app.quit');
    setImmediate(() => void quit());
  }
  exit(code = 0): void {
    record('app.exit', code);
    void shutdown(code);
  }
  focus(): void {}
}
export const app = new App();

function startInbox(): void {
  mkdirSync(INBOX, { recursive: true });
  setInterval(() => {
    for (const name of readdirSync(INBOX)) {
      const file = join(INBOX, name);
      const argv = JSON.parse(readFileSync(file, 'utf8')) as string[];
      rmSync(file);
      record('app.second-instance', argv);
      app.emit('second-instance', electronEvent(), argv, process.cwd(), {});
    }
  }, 100).unref();
}

async function launch(): Promise<void> {
  const dir = join(USER_DATA, 'Chromium');
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, 'DevToolsActivePort'), { force: true });
  context = await chromium.launchPersistentContext(dir, {
    executablePath: env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: null,
    locale: env.STANDIN_LOCALE ?? 'en-US',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--remote-debugging-port=0',
      // The route-fulfilled app page counts as a public address; Electron's app:// page is not one. Without this,
      // Local Network Access would stop the page from reaching the test server on loopback.
      '--disable-features=LocalNetworkAccessChecks',
    ],
  });
  context.setDefaultTimeout(30_000);
  await attachContext(context, invoke);
  // The test drives the same pages over CDP, as a user would with mouse and keyboard.
  let port = '';
  for (let i = 0; i < 100 && !port; i++) {
    if (existsSync(join(dir, 'DevToolsActivePort'))) port = readFileSync(join(dir, 'DevToolsActivePort'), 'utf8').split('\n')[0] ?? '';
    if (!port) await new Promise((r) => setTimeout(r, 50));
  }
  record('app.ready', { cdp: `http://127.0.0.1:${port}` });
}

async function quit(): Promise<void> {
  if (quitting) return;
  const ev = electronEvent();
  app.emit('before-quit', ev);
  if (ev.defaultPrevented) return;
  quitting = true;
  for (const w of BrowserWindow.getAllWindows()) {
    if (!w.close()) {
      quitting = false;
      record('app.quit-cancelled');
      return;
    }
  }
  app.emit('will-quit', electronEvent());
  app.emit('quit', electronEvent(), 0);
  await shutdown(0);
}

async function shutdown(code: number): Promise<void> {
  record('app.exited', code);
  await context?.close().catch(() => undefined);
  if (relaunchWith) spawn(relaunchWith.execPath, relaunchWith.args, { detached: true, stdio: 'ignore' }).unref();
  process.exit(code);
}

onWebContentsCreated((wc) => app.emit('web-contents-created', electronEvent(), wc));
onAllWindowsClosed(() => {
  if (!quitting) app.emit('window-all-closed');
});

// ---------- ipc ----------
type InvokeListener = (event: unknown, ...args: unknown[]) => unknown;
const invokeHandlers = new Map<string, InvokeListener>();
class IpcMain extends EventEmitter {
  handle(channel: string, listener: InvokeListener): void {
    if (invokeHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    invokeHandlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    invokeHandlers.delete(channel);
  }
  override removeAllListeners(channel?: string): this {
    record('ipcMain.removeAllListeners', channel ?? null);
    return super.removeAllListeners(channel);
  }
}
export const ipcMain = new IpcMain();

async function invoke(wc: WebContents, frameUrl: string, topFrame: boolean, channel: string, args: unknown[]): Promise<unknown> {
  const handler = invokeHandlers.get(channel);
  if (!handler) throw new Error(`No handler registered for '${channel}'`);
  const event = { sender: wc, senderFrame: { url: frameUrl, parent: topFrame ? null : {} }, processId: 1, frameId: 1 };
  const result = await handler(event, ...args);
  record('ipc', { channel, ok: (result as { ok?: Json } | null)?.ok ?? null });
  return result;
}

// ---------- protocol, session ----------
export const protocol = {
  registerSchemesAsPrivileged(schemesToRegister: Array<{ scheme: string }>): void {
    record(
      'protocol.privileged',
      schemesToRegister.map((s) => s.scheme),
    );
  },
  handle(scheme: string, handler: (request: { url: string; method: string; headers: Headers }) => Promise<Response> | Response): void {
    schemes.set(scheme, handler);
    record('protocol.handle', scheme);
  },
  isProtocolHandled: (scheme: string) => schemes.has(scheme),
};

// Session events (main listens for will-download): kept, and recorded, so the wiring shows in the log.
const sessionEvents = new EventEmitter();

export const session = {
  // electron-updater downloads through its own partition (net.request below).
  fromPartition: (partition: string) => ({ partition }),
  defaultSession: {
    on(event: string, listener: (...args: unknown[]) => void) {
      sessionEvents.on(event, listener);
      record('session.on', event);
      return this;
    },
    setPermissionRequestHandler: () => record('session.permissionRequestHandler'),
    setPermissionCheckHandler: () => record('session.permissionCheckHandler'),
    webRequest: { onHeadersReceived: () => undefined },
    setSpellCheckerLanguages: (langs: string[]) => record('session.spellCheckerLanguages', langs),
    getSpellCheckerLanguages: () => ['en-US'],
    availableSpellCheckerLanguages: ['en-US', 'zh-CN', 'de', 'fr'],
    addWordToSpellCheckerDictionary: (word: string) => {
      record('session.addWord', word);
      return true;
    },
  },
};

// ---------- notifications, tray, menus ----------
const notifications: Notification[] = [];
export class Notification extends EventEmitter {
  static isSupported(): boolean {
    return env.STANDIN_NOTIFICATIONS !== 'off';
  }
  readonly id = notifications.length + 1;
  constructor(readonly options: { title?: string; body?: string; silent?: boolean }) {
    super();
    notifications.push(this);
  }
  show(): void {
    record('notification.show', {
      id: this.id,
      title: this.options.title ?? '',
      body: this.options.body ?? '',
      silent: this.options.silent ?? false,
    });
  }
  close(): void {
    record('notification.close', { id: this.id });
    this.emit('close', electronEvent());
  }
}
onCommand('notification.click', (args) => {
  const n = notifications.find((x) => x.id === args);
  if (!n) throw new Error(`no notification ${String(args)}`);
  n.emit('click', electronEvent());
  return settled(null);
});

interface MenuItemOptions {
  label?: string;
  role?: string;
  type?: string;
  checked?: boolean;
  enabled?: boolean;
  visible?: boolean;
  click?: (item: MenuItem, win: BrowserWindow | null, event: unknown) => void;
  submenu?: MenuItemOptions[] | Menu;
}
export class MenuItem {
  label: string;
  role: string | null;
  type: string;
  checked: boolean;
  enabled: boolean;
  click: MenuItemOptions['click'];
  submenu: Menu | null;
  constructor(o: MenuItemOptions) {
    this.label = o.label ?? o.role ?? '';
    this.role = o.role ?? null;
    this.type = o.type ?? 'normal';
    this.checked = o.checked ?? false;
    this.enabled = o.enabled ?? true;
    this.click = o.click;
    this.submenu = o.submenu instanceof Menu ? o.submenu : o.submenu ? Menu.buildFromTemplate(o.submenu) : null;
  }
}
let applicationMenu: Menu | null = null;
export class Menu {
  items: MenuItem[] = [];
  static buildFromTemplate(template: MenuItemOptions[]): Menu {
    const m = new Menu();
    m.items = template.map((o) => new MenuItem(o));
    return m;
  }
  static setApplicationMenu(menu: Menu | null): void {
    applicationMenu = menu;
    record('menu.application', menu ? describe(menu) : null);
  }
  static getApplicationMenu(): Menu | null {
    return applicationMenu;
  }
  popup(): void {
    record('menu.popup', describe(this));
    popups.push(this);
  }
  append(item: MenuItem): void {
    this.items.push(item);
  }
}
/** Context menus as they pop up; the test clicks in the latest one. */
const popups: Menu[] = [];
function describe(menu: Menu): Json {
  return menu.items.map((i) => ({
    label: i.label,
    type: i.type,
    checked: i.checked,
    enabled: i.enabled,
    submenu: i.submenu ? describe(i.submenu) : null,
  }));
}
/** A click on a menu item by its label path; a checkbox flips before its handler runs, as in Electron. */
function clickMenu(menu: Menu | null, path: string[]): void {
  let items = menu?.items ?? [];
  let item: MenuItem | undefined;
  for (const label of path) {
    item = items.find((i) => i.label === label);
    if (!item) throw new Error(`no menu item ${label} in ${JSON.stringify(items.map((i) => i.label))}`);
    items = item.submenu?.items ?? [];
  }
  if (!item?.click) throw new Error(`menu item ${path.join(' > ')} has no click handler`);
  if (item.type === 'checkbox') item.checked = !item.checked;
  item.click(item, BrowserWindow.getFocusedWindow(), {});
}
onCommand('menu.application.click', (args) => (clickMenu(applicationMenu, args as string[]), null));
onCommand('menu.popup.click', (args) => (clickMenu(popups.at(-1) ?? null, args as string[]), null));

const trays: Tray[] = [];
export class Tray extends EventEmitter {
  private menu: Menu | null = null;
  private destroyed = false;
  tooltip = '';
  constructor(image: NativeImage) {
    super();
    trays.push(this);
    record('tray.create', image.label);
  }
  setImage(image: NativeImage): void {
    record('tray.image', image.label);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
    record('tray.tooltip', text);
  }
  setContextMenu(menu: Menu | null): void {
    this.menu = menu;
    record('tray.menu', menu ? describe(menu) : null);
  }
  setTitle(): void {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
  }
  clickMenu(path: string[]): void {
    clickMenu(this.menu, path);
  }
}
onCommand('tray.click', () => {
  const t = trays.at(-1);
  if (!t) throw new Error('no tray');
  t.emit('click', electronEvent(), {});
  return settled(null);
});
onCommand('tray.menu.click', (args) => {
  const t = trays.at(-1);
  if (!t) throw new Error('no tray');
  t.clickMenu(args as string[]);
  return settled(null);
});

let imageCount = 0;
export class NativeImage {
  constructor(
    readonly label: string,
    private readonly data: Buffer,
  ) {}
  toPNG(): Buffer {
    return this.data;
  }
  isEmpty(): boolean {
    return this.data.length === 0;
  }
  getSize(): { width: number; height: number } {
    return { width: 0, height: 0 };
  }
}
export const nativeImage = {
  createFromBuffer: (buf: Buffer) => new NativeImage(`image-${++imageCount}:${buf.length}`, buf),
  createFromPath: (p: string) => new NativeImage(p, Buffer.alloc(0)),
  createEmpty: () => new NativeImage('empty', Buffer.alloc(0)),
};

// ---------- power, network, screen ----------
export const powerMonitor = new EventEmitter();
onCommand('powerMonitor.emit', (args) => {
  powerMonitor.emit(String(args), electronEvent());
  return null;
});

let online = true;
export const net = {
  fetch: (input: string | URL | Request, init?: RequestInit) => fetch(input, init),
  /** Electron's ClientRequest behaves enough like Node's for electron-updater's downloads; plain http only here. */
  request(options: RequestOptions & { session?: unknown; redirect?: string; url?: string }) {
    const { session: _session, redirect: _redirect, url, ...rest } = options;
    const target =
      url ?? `${rest.protocol ?? 'http:'}//${rest.hostname ?? rest.host}${rest.port ? `:${rest.port}` : ''}${rest.path ?? '/'}`;
    record('net.request', target);
    return url ? httpRequest(url, rest) : httpRequest(rest);
  },
  isOnline: () => online,
  get online() {
    return online;
  },
};
onCommand('net.setOnline', (args) => {
  online = args === true;
  return null;
});

const displays = env.STANDIN_DISPLAYS
  ? (JSON.parse(env.STANDIN_DISPLAYS) as Array<{ x: number; y: number; width: number; height: number }>)
  : [{ x: 0, y: 0, width: 1920, height: 1080 }];
export const screen = {
  getAllDisplays: () => displays.map((workArea, i) => ({ id: i + 1, bounds: workArea, workArea, scaleFactor: 1 })),
  getPrimaryDisplay: () => ({ id: 1, bounds: displays[0], workArea: displays[0], scaleFactor: 1 }),
};

// ---------- keychain ----------
// STANDIN_KEYRING: gnome_libsecret (default), kwallet, basic_text (no keyring), unavailable (encryption off).
const keyring = env.STANDIN_KEYRING ?? 'gnome_libsecret';
// STANDIN_KEYRING_FAILURES: how many of the next keychain calls fail (a keyring still unlocking at login).
let failures = Number(env.STANDIN_KEYRING_FAILURES ?? 0);
export const safeStorage = {
  isEncryptionAvailable: () => keyring !== 'unavailable',
  getSelectedStorageBackend: () => keyring,
  encryptString(text: string): Buffer {
    if (failures > 0) {
      failures--;
      throw new Error('Error while encrypting the text provided to safeStorage.encryptString.');
    }
    return Buffer.concat([Buffer.from('v11'), Buffer.from(text, 'utf8').map((b) => b ^ 0x5a)]);
  },
  decryptString(data: Buffer): string {
    if (failures > 0) {
      failures--;
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    }
    if (data.subarray(0, 3).toString() !== 'v11')
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(data.subarray(3).map((b) => b ^ 0x5a)).toString('utf8');
  },
};
onCommand('safeStorage.fail', (args) => {
  failures = Number(args);
  return null;
});

// ---------- shell, dialog, crash reporter ----------
export const shell = {
  openExternal: async (url: string) => void record('shell.openExternal', url),
  openPath: async (p: string) => {
    record('shell.openPath', p);
    return '';
  },
  showItemInFolder: (p: string) => void record('shell.showItemInFolder', p),
  beep: () => undefined,
};

let dialogResponse = 0;
export const dialog = {
  showErrorBox: (title: string, content: string) => void record('dialog.error', { title, content }),
  showMessageBox: async (...args: unknown[]) => {
    const opts = (args.length > 1 ? args[1] : args[0]) as { [k: string]: Json };
    record('dialog.message', { message: opts.message ?? '', detail: opts.detail ?? '', buttons: opts.buttons ?? [] });
    return { response: dialogResponse, checkboxChecked: false };
  },
  showMessageBoxSync: (...args: unknown[]) => {
    const opts = (args.length > 1 ? args[1] : args[0]) as { [k: string]: Json };
    record('dialog.message', { message: opts.message ?? '', detail: opts.detail ?? '', buttons: opts.buttons ?? [] });
    return dialogResponse;
  },
};
onCommand('dialog.respond', (args) => {
  dialogResponse = Number(args);
  return null;
});

export const clipboard = {
  writeText: (text: string) => void record('clipboard.writeText', text),
};

/** Electron's own (Squirrel) updater; electron-updater emits before-quit-for-update on it. */
export const autoUpdater = new EventEmitter();

export const crashReporter = {
  start: (opts: { [k: string]: Json }) => void record('crashReporter.start', opts),
};

// ---------- window commands (what the user does with the window) ----------
function mainWindow(): BrowserWindow {
  const w = BrowserWindow.getAllWindows()[0];
  if (!w) throw new Error('no window');
  return w;
}
onCommand('window.state', () => windows.map((w) => w.snapshot()));
// Each waits until the page has seen the change, so the test's next step meets the state it just set.
async function settled<T extends Json>(result: T): Promise<T> {
  // A reaction of main may itself be async (an IPC event queued for the page): let it start, then wait for it.
  await new Promise((r) => setImmediate(r));
  await Promise.all(BrowserWindow.getAllWindows().flatMap((w) => [w.settled, w.webContents.delivered()]));
  return result;
}
onCommand('window.close', () => settled(mainWindow().close()));
onCommand('window.minimize', () => settled((mainWindow().minimize(), null)));
onCommand('window.blur', () => settled((mainWindow().blur(), null)));
onCommand('window.focus', () => settled((mainWindow().focus(), null)));
onCommand('window.setBounds', (args) => (mainWindow().setBounds(args as { x: number; y: number; width: number; height: number }), null));
onCommand('window.crash', () => {
  mainWindow().webContents.emit('render-process-gone', electronEvent(), { reason: 'crashed', exitCode: 139 });
  return null;
});
// A right-click: Chromium hands main the params of what is under the pointer.
onCommand('window.contextMenu', (args) => {
  const params = {
    isEditable: false,
    selectionText: '',
    misspelledWord: '',
    dictionarySuggestions: [],
    linkURL: '',
    mediaType: 'none',
    x: 0,
    y: 0,
    editFlags: { canCut: false, canCopy: false, canPaste: false, canSelectAll: false },
    ...(args as { [k: string]: Json }),
  };
  mainWindow().webContents.emit('context-menu', electronEvent(), params);
  return null;
});
onCommand('window.unresponsive', () => (mainWindow().emit('unresponsive'), null));
onCommand('window.url', () => toAppUrl(mainWindow().webContents.page?.url() ?? ''));
onCommand('app.quit', () => (app.quit(), null));
onCommand('app.activate', () => (app.emit('activate', electronEvent(), true), null));

export { BrowserWindow };
export const webContents = { getAllWebContents: () => BrowserWindow.getAllWindows().map((w) => w.webContents) };

const electron = {
  app,
  autoUpdater,
  BrowserWindow,
  clipboard,
  crashReporter,
  dialog,
  ipcMain,
  Menu,
  MenuItem,
  nativeImage,
  net,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
  webContents,
};
// For `require('electron')` (standin/cjs/electron): the same objects, not a second copy.
(globalThis as { __electronStandin?: typeof electron }).__electronStandin = electron;
export default electron;
