// Main process (Electron glue): the main window with every security preference spelled out, and the hooks that lock
// navigation, permissions and CSP for all web contents. Decisions live in security.ts; this only attaches them.
import { BrowserWindow, session, shell } from 'electron';
import type { App, Rectangle } from 'electron';
import {
  buildCsp,
  createNavigationGuard,
  createPermissionCheckHandler,
  createPermissionRequestHandler,
  createWindowOpenHandler,
} from './security.js';

export interface HardeningOptions {
  appOrigins: () => readonly string[];
  serverOrigins: () => readonly string[];
  /** Development only: the page comes from this http(s) origin, so its responses get our CSP header too. */
  devOrigin: string | null;
}

export function hardenApp(app: App, opts: HardeningOptions): void {
  const nav = { appOrigins: opts.appOrigins, openExternal: (url: string) => shell.openExternal(url) };
  const guard = createNavigationGuard(nav);
  const openHandler = createWindowOpenHandler(nav);

  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(openHandler);
    contents.on('will-navigate', guard);
    contents.on('will-frame-navigate', (details) => {
      if (!details.isMainFrame) guard(details, details.url);
    });
    contents.on('will-redirect', guard);
    // No <webview> is ever needed; refuse it so injected markup cannot create one with weaker preferences.
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler(createPermissionRequestHandler(opts.appOrigins));
  ses.setPermissionCheckHandler(createPermissionCheckHandler(opts.appOrigins));

  if (opts.devOrigin) {
    ses.webRequest.onHeadersReceived({ urls: [`${opts.devOrigin}/*`] }, (details, callback) => {
      const headers = { ...details.responseHeaders };
      if (details.resourceType === 'mainFrame') headers['Content-Security-Policy'] = [buildCsp(opts.serverOrigins())];
      callback({ responseHeaders: headers });
    });
  }
}

export function createMainWindow(opts: {
  bounds: Partial<Rectangle> & { width: number; height: number };
  preload: string;
  icon: Electron.NativeImage | undefined;
  title: string;
}): BrowserWindow {
  return new BrowserWindow({
    ...opts.bounds,
    minWidth: 480,
    minHeight: 400,
    show: false,
    title: opts.title,
    icon: opts.icon,
    backgroundColor: '#ffffff',
    autoHideMenuBar: false,
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
      // Middle-click would otherwise open links through a path that skips will-navigate.
      disableBlinkFeatures: 'Auxclick',
    },
  });
}
