// Main process entry: composes the injectable modules of main/ with the real Electron objects. Kept to wiring only;
// every decision worth testing lives in a module that takes its dependencies as arguments.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  app,
  type BrowserWindow,
  clipboard,
  crashReporter,
  dialog,
  ipcMain,
  Menu,
  net,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
} from 'electron';
import Store from 'electron-store';
import { autoUpdater } from 'electron-updater';
import { DESKTOP_EVENTS, ServerUrl } from '../protocol/desktop.js';
import type { DesktopEventPayloads, DesktopHandlers, DesktopResult, DesktopSession, DesktopEvent } from '../protocol/desktop.js';
import { createAppProtocolHandler, APP_PRIVILEGES } from './app-protocol.js';
import { createAttention } from './attention.js';
import { createAuthClient } from './auth-client.js';
import { contextMenuTemplate } from './context-menu.js';
import { attachDownloads } from './downloads.js';
import { mainStrings, pickLocale } from './i18n.js';
import { claimSingleInstance, createRoomRouter, PROTOCOL_SCHEME } from './instance.js';
import { registerIpcHandlers } from './ipc.js';
import { applyStartAtLogin, shouldStartHidden } from './login-item.js';
import { appMenuTemplate } from './menus.js';
import { logFilePath, setupLogging } from './logging.js';
import { createNotifier } from './notifier.js';
import { watchRendererHealth } from './renderer-health.js';
import { createResumeSignal, ONLINE_POLL_MS } from './resume.js';
import { APP_ORIGIN, APP_SCHEME, buildCsp, isTrustedSender, LOOPBACK_ORIGINS, originOf } from './security.js';
import { createSessionManager } from './session-manager.js';
import { createSessionStore } from './session-store.js';
import type { KeyValueStore } from './session-store.js';
import { createSettingsService, machineDefaults, stockGnome } from './settings.js';
import { spellCheckLanguages } from './spellcheck.js';
import { appIcon, createTray } from './tray.js';
import { createUpdateService } from './updater.js';
import { createMainWindow, hardenApp } from './window.js';
import { parseWindowState, restoreBounds, trackWindowState, WINDOW_STATE_KEY } from './window-state.js';

const PRODUCT = 'Messenger';
const ROOT = resolve(import.meta.dirname, '..', '..'); // dist-desktop/main/ -> app root (also inside app.asar)
const RENDERER_DIST = join(ROOT, 'renderer', 'dist');
const PRELOAD = join(ROOT, 'dist-desktop', 'preload', 'index.cjs');

const log = setupLogging();
// Crash dumps stay on this machine (app.getPath('crashDumps')); nothing is uploaded anywhere.
crashReporter.start({ uploadToServer: false });

const devUrlParse = process.env.MESSENGER_DEV_URL ? ServerUrl.safeParse(process.env.MESSENGER_DEV_URL) : null;
if (devUrlParse && !devUrlParse.success) log.error('MESSENGER_DEV_URL must be an http(s) URL; ignoring it');
const devUrl = devUrlParse?.success ? devUrlParse.data : null;
const devOrigin = devUrl ? originOf(devUrl) : null;
const appOrigins = devOrigin ? [APP_ORIGIN, devOrigin] : [APP_ORIGIN];

// Must happen before `ready`: the app:// scheme gets a real, secure origin; every renderer is sandboxed.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_PRIVILEGES }]);
app.enableSandbox();
if (process.platform === 'win32') app.setAppUserModelId('com.messenger.desktop');

let win: BrowserWindow | null = null;
let quitting = false;
// Main's own texts follow the app's language setting (read once the settings are open); the system's until then.
let strings = mainStrings(pickLocale(null, app.getPreferredSystemLanguages()));
const router = createRoomRouter((roomId) => send(DESKTOP_EVENTS.openRoom, roomId));

function send<E extends DesktopEvent>(channel: E, payload: DesktopEventPayloads[E]): void {
  if (win && !win.isDestroyed()) win.webContents.send(channel, payload);
}

function reveal(): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

const instance = claimSingleInstance(
  {
    requestSingleInstanceLock: () => app.requestSingleInstanceLock(),
    quit: () => app.quit(),
    onSecondInstance: (listener) => app.on('second-instance', (_event, argv) => listener(argv)),
    onOpenUrl: (listener) =>
      app.on('open-url', (event, url) => {
        event.preventDefault();
        listener(url);
      }),
    reveal,
    openRoom: (roomId) => router.open(roomId),
  },
  process.argv,
);

if (instance.primary) {
  // In development Electron runs as `electron <script>`, so the protocol handler must repeat that command line.
  if (process.defaultApp && process.argv[1]) {
    app.setAsDefaultProtocolClient(PROTOCOL_SCHEME, process.execPath, [resolve(process.argv[1])]);
  } else {
    app.setAsDefaultProtocolClient(PROTOCOL_SCHEME);
  }
  if (instance.initialRoom !== null) router.open(instance.initialRoom);
  app.whenReady().then(start).catch(failedToStart);
}

/**
 * Start-up threw (an unreadable settings file after `sudo messenger`, a full disk...): say why and where the log is,
 * then exit. Staying alive without a window would hold the single-instance lock and make every later launch vanish.
 */
function failedToStart(err: unknown): void {
  log.error('start-up failed:', err);
  const reason = err instanceof Error ? err.message : String(err);
  const file = logFilePath();
  dialog.showErrorBox(strings.couldNotStart(PRODUCT), file ? `${reason}\n\n${strings.seeLog(file)}` : reason);
  app.exit(1);
}

async function start(): Promise<void> {
  const store = openStore();
  // electron-store answers any renderer's sendSync with the userData path; no renderer of ours uses it, so close it.
  ipcMain.removeAllListeners('electron-store-get-data');
  const kv: KeyValueStore = {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
  };

  const sessionStore = createSessionStore({ safeStorage, store: kv, platform: process.platform });
  const serverOrigins = new Set<string>([...LOOPBACK_ORIGINS, ...(devOrigin ? [devOrigin] : [])]);
  const lastServer = sessionStore.lastServerUrl();
  if (lastServer) serverOrigins.add(originOf(lastServer) ?? '');
  const cspOrigins = () => [...serverOrigins].filter(Boolean);

  hardenApp(app, { appOrigins: () => appOrigins, serverOrigins: cspOrigins, devOrigin });
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({ root: RENDERER_DIST, readFile: (p) => readFile(p), csp: () => buildCsp(cspOrigins()) }),
  );

  const settings = createSettingsService({
    store: kv,
    defaults: machineDefaults(process.platform, process.env.XDG_CURRENT_DESKTOP),
    applyStartAtLogin: (enabled) =>
      applyStartAtLogin(enabled, {
        platform: process.platform,
        setLoginItemSettings: (s) => app.setLoginItemSettings(s),
        execPath: process.env.APPIMAGE ?? process.execPath,
        configHome: process.env.XDG_CONFIG_HOME ?? join(app.getPath('home'), '.config'),
        writeFile: (p, d) => writeFileSync(p, d, { mode: 0o644 }),
        removeFile: (p) => rmSync(p, { force: true }),
        mkdir: (p) => mkdirSync(p, { recursive: true }),
      }),
    onChange: (next, previous) => {
      if (next.doNotDisturb !== previous.doNotDisturb) {
        tray.indicator.setDoNotDisturb(next.doNotDisturb);
        if (next.doNotDisturb) notifier.closeAll();
      }
      if (next.language !== previous.language) {
        strings = mainStrings(pickLocale(next.language, app.getPreferredSystemLanguages()));
        tray.refreshMenu();
        tray.indicator.refresh();
        setAppMenu();
      }
      if (next.autoUpdate !== previous.autoUpdate || next.updateUrl !== previous.updateUrl) updates.apply();
      if (next.spellCheckLanguages.join() !== previous.spellCheckLanguages.join()) applySpellCheck(next.spellCheckLanguages);
      send(DESKTOP_EVENTS.settingsChanged, next);
    },
  });

  strings = mainStrings(pickLocale(settings.get().language, app.getPreferredSystemLanguages()));
  const notifier = createNotifier({
    strings: () => strings,
    create: (o) => new Notification({ title: o.title, body: o.body, silent: o.silent }),
    isSupported: () => Notification.isSupported(),
    settings: () => settings.get(),
    onClick: (roomId) => {
      reveal();
      router.open(roomId);
    },
  });

  // Updates: quiet download, then "Restart to update" in the window (event), the tray and Help; see updater.ts.
  const updates = createUpdateService({
    updater: app.isPackaged ? autoUpdater : null,
    settings: () => settings.get(),
    envFeedUrl: ServerUrl.safeParse(process.env.MESSENGER_UPDATE_URL ?? '').data ?? null,
    log,
    onReady: (version) => {
      tray.refreshMenu();
      setAppMenu();
      send(DESKTOP_EVENTS.updateReady, version);
    },
    beforeInstall: () => {
      quitting = true;
    },
    relaunchAfterQuit:
      process.platform === 'linux' && process.env.APPIMAGE ? () => app.relaunch({ execPath: process.env.APPIMAGE, args: [] }) : null,
  });
  if (app.isPackaged) autoUpdater.logger = log;
  const attention = createAttention({
    platform: process.platform,
    window: () => win,
    enabled: () => settings.get().flashOnMention,
    bounce: () => app.dock?.bounce('informational') ?? 0,
    cancelBounce: (id) => app.dock?.cancelBounce(id),
  });
  // Spell-check dictionaries (Windows, Linux): the chosen ones, else the system's; macOS's checker is the OS's.
  const applySpellCheck = (chosen: readonly string[]) => {
    if (process.platform === 'darwin') return;
    const ses = session.defaultSession;
    const langs = spellCheckLanguages(chosen, ses.availableSpellCheckerLanguages, app.getPreferredSystemLanguages());
    if (langs.length > 0) ses.setSpellCheckerLanguages(langs);
  };
  applySpellCheck(settings.get().spellCheckLanguages);

  const sessions = createSessionManager({
    auth: createAuthClient((url, init) => net.fetch(url, init)),
    store: sessionStore,
    deviceName: `${PRODUCT} desktop (${hostname()})`.slice(0, 100),
    onEnded: (reason) => send(DESKTOP_EVENTS.sessionEnded, reason),
  });

  // A plain-http server not allowed by the page's CSP yet: allow it and reload, so the renderer may connect to it.
  const afterLogin = (res: DesktopResult<DesktopSession>): DesktopResult<DesktopSession> => {
    const origin = res.ok ? originOf(res.value.serverUrl) : null;
    if (origin && !serverOrigins.has(origin)) {
      serverOrigins.add(origin);
      if (origin.startsWith('http:')) setTimeout(() => win?.webContents.reload(), 0);
    }
    return res;
  };

  const handlers: DesktopHandlers = {
    restoreSession: () => sessions.restore(),
    login: (a) => sessions.login(a.serverUrl, a.login, a.password).then(afterLogin),
    register: ({ serverUrl, ...body }) => sessions.register(serverUrl, body).then(afterLogin),
    getAccessToken: (a) => sessions.getAccessToken(a?.forceRefresh),
    logout: async () => {
      notifier.closeAll();
      tray.indicator.setCount(0);
      return sessions.logout();
    },
    getServerUrl: async () => ({ ok: true, value: sessions.serverUrl() }),
    sessionPersistence: async () => ({ ok: true, value: sessionStore.canPersist() ? 'secure' : 'this-run-only' }),
    notify: async (a) => {
      const outcome = notifier.notify(a);
      if (outcome !== 'suppressed-dnd') attention.message(a);
      return { ok: true, value: outcome };
    },
    setUnreadCount: async (n) => {
      tray.indicator.setCount(n);
      return { ok: true, value: null };
    },
    getSettings: async () => ({ ok: true, value: settings.get() }),
    setSettings: async (patch) => ({ ok: true, value: settings.set(patch) }),
    getDesktopInfo: async () => ({
      ok: true,
      value: {
        os: process.platform === 'linux' || process.platform === 'darwin' || process.platform === 'win32' ? process.platform : 'other',
        spellCheckLanguages: process.platform === 'darwin' ? null : [...session.defaultSession.availableSpellCheckerLanguages],
        trayMayBeHidden: process.platform === 'linux' && stockGnome(process.env.XDG_CURRENT_DESKTOP),
        updateReady: updates.ready(),
        canUpdate: updates.canUpdate,
      },
    }),
    installUpdate: async () => {
      updates.install();
      return { ok: true, value: null };
    },
  };
  registerIpcHandlers({
    ipcMain,
    handlers,
    isTrustedSender: (frame) => isTrustedSender(frame, appOrigins),
    onError: (method, err) => log.error(`desktop IPC ${method} failed:`, err),
  });

  const quit = () => {
    quitting = true;
    app.quit();
  };
  const tray = createTray({
    productName: PRODUCT,
    platform: process.platform,
    window: () => win,
    doNotDisturb: () => settings.get().doNotDisturb,
    setDoNotDisturb: (on) => settings.set({ doNotDisturb: on }),
    show: reveal,
    quit,
    strings: () => strings,
    restartToUpdate: () => (updates.ready() ? () => updates.install() : null),
  });
  const setAppMenu = () =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        appMenuTemplate({
          platform: process.platform,
          productName: PRODUCT,
          isDev: !app.isPackaged,
          quit,
          openLogs: () => void shell.openPath(dirname(logFilePath() ?? app.getPath('logs'))),
          strings,
          restartToUpdate: updates.ready() ? () => updates.install() : null,
        }),
      ),
    );
  setAppMenu();

  const resume = createResumeSignal({ send: (reason) => send(DESKTOP_EVENTS.resume, reason) });
  powerMonitor.on('resume', () => resume.resumed());
  powerMonitor.on('unlock-screen', () => resume.resumed());
  setInterval(() => resume.onlineState(net.isOnline()), ONLINE_POLL_MS).unref();

  const saved = parseWindowState(store.get(WINDOW_STATE_KEY));
  const placement = restoreBounds(
    saved,
    screen.getAllDisplays().map((d) => d.workArea),
  );
  win = createMainWindow({
    bounds: placement.bounds,
    preload: PRELOAD,
    icon: process.platform === 'linux' ? appIcon() : undefined,
    title: PRODUCT,
  });
  trackWindowState(win, (state) => store.set(WINDOW_STATE_KEY, state));
  attachDownloads({
    session: session.defaultSession,
    downloadsDir: () => app.getPath('downloads'),
    setProgress: (fraction) => win && !win.isDestroyed() && win.setProgressBar(fraction),
    notify: (o) => new Notification(o),
    showItemInFolder: (file) => shell.showItemInFolder(file),
  });
  const startHidden = shouldStartHidden(process.argv, process.platform, app.getLoginItemSettings().wasOpenedAtLogin);
  win.once('ready-to-show', () => {
    if (startHidden) return;
    if (placement.maximized) win?.maximize();
    win?.show();
  });
  const healthWin = win;
  watchRendererHealth(
    {
      isDestroyed: () => healthWin.isDestroyed(),
      reload: () => healthWin.webContents.reload(),
      on: (_event, listener) => healthWin.on('unresponsive', listener),
      onGone: (listener) => healthWin.webContents.on('render-process-gone', (_event, details) => listener(details)),
    },
    { ask: (options) => dialog.showMessageBox(healthWin, options), log: (m) => log.warn(m), quit, strings: () => strings },
  );
  const menuWin = win;
  win.webContents.on('context-menu', (_event, params) => {
    const template = contextMenuTemplate(
      params,
      {
        replaceMisspelling: (word) => menuWin.webContents.replaceMisspelling(word),
        addToDictionary: (word) => session.defaultSession.addWordToSpellCheckerDictionary(word),
        copyText: (text) => clipboard.writeText(text),
        copyImageAt: (x, y) => menuWin.webContents.copyImageAt(x, y),
      },
      strings,
    );
    if (template.length > 0) Menu.buildFromTemplate(template).popup({ window: menuWin });
  });
  win.on('focus', () => attention.focused());
  win.webContents.on('did-finish-load', () => router.rendererReady());
  win.webContents.on('did-start-loading', () => router.rendererGone());
  win.on('close', (event) => {
    if (quitting || !settings.get().closeToTray) return;
    event.preventDefault();
    win?.hide();
    explainCloseToTrayOnce(kv);
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('activate', reveal);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  void win.loadURL(devUrl ?? `${APP_ORIGIN}/index.html`);
  updates.apply();
}

/** The settings file; damaged JSON is reset by electron-store, but a file we may not read is a reason to stop. */
function openStore(): Store<Record<string, unknown>> {
  try {
    return new Store<Record<string, unknown>>({ name: 'messenger', clearInvalidConfig: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    const file = join(app.getPath('userData'), 'messenger.json');
    throw new Error(strings.unreadableSettings(file, String(code), PRODUCT), { cause: err });
  }
}

function explainCloseToTrayOnce(kv: KeyValueStore): void {
  if (kv.get('closeToTrayExplained') === true) return;
  kv.set('closeToTrayExplained', true);
  if (!Notification.isSupported()) return;
  new Notification({ title: strings.stillRunningTitle(PRODUCT), body: strings.stillRunningBody }).show();
}
