// Stand-in BrowserWindow and WebContents: each window is a real Chromium page (playwright-core). Window state the OS
// would own (shown, focused, minimized, bounds) is kept here, reflected into the page, and reported to the test.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import type { BrowserContext, Download, Page, Request, Route } from 'playwright-core';
import { record } from './channel.js';
import type { Json } from './channel.js';
import { BINDINGS, PAGE_HOOKS, pageScript } from './page-script.js';

interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Electron's event object: enough for preventDefault() and the details some events carry. */
export function electronEvent<T extends object>(extra?: T): T & { defaultPrevented: boolean; preventDefault(): void } {
  const ev = {
    ...(extra as T),
    defaultPrevented: false,
    preventDefault() {
      ev.defaultPrevented = true;
    },
  };
  return ev;
}

// app://messenger/x is served as http://messenger.app.localhost/x: Chromium cannot be taught a new standard scheme
// from outside, and *.localhost is a secure context like Electron's privileged scheme. URLs are translated back
// wherever main sees them (getURL, senderFrame.url, navigation events), so main's origin checks run unchanged.
export const schemes = new Map<string, (request: { url: string; method: string; headers: Headers }) => Promise<Response> | Response>();
export function toPageUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/]+)(.*)$/i.exec(url);
  if (m?.[1] && schemes.has(m[1].toLowerCase())) return `http://${m[2]}.${m[1].toLowerCase()}.localhost${m[3] ?? ''}`;
  return url;
}
export function toAppUrl(url: string): string {
  const m = /^http:\/\/([^/]+)\.([a-z][a-z0-9+.-]*)\.localhost(\/.*)?$/i.exec(url);
  if (m?.[2] && schemes.has(m[2].toLowerCase())) return `${m[2].toLowerCase()}://${m[1]}${m[3] ?? ''}`;
  return url;
}

let context: BrowserContext | null = null;
const byPage = new Map<Page, WebContents>();
export const windows: BrowserWindow[] = [];
let nextId = 1;

export function onAllWindowsClosed(listener: () => void): void {
  allClosedListener = listener;
}
let allClosedListener: () => void = () => undefined;
/** app's 'web-contents-created', where main attaches its navigation, window-open and webview guards. */
export function onWebContentsCreated(listener: (wc: WebContents) => void): void {
  contentsCreatedListener = listener;
}
let contentsCreatedListener: (wc: WebContents) => void = () => undefined;
/** A download the page started (the session's 'will-download' is raised from it, see downloads.ts). */
export function onDownload(listener: (wc: WebContents, download: Download) => void): void {
  downloadListener = listener;
}
let downloadListener: (wc: WebContents, download: Download) => void = () => undefined;

/** Called once Chromium is up (app ready): routes app:// and navigations, and bridges IPC and popups to main. */
export async function attachContext(
  ctx: BrowserContext,
  invoke: (wc: WebContents, frameUrl: string, topFrame: boolean, channel: string, args: unknown[]) => Promise<unknown>,
): Promise<void> {
  context = ctx;
  await ctx.route('**/*', (route) => void routeRequest(route));
  await ctx.exposeBinding(BINDINGS.invoke, (source, channel: string, args: unknown[]) => {
    const wc = byPage.get(source.page);
    if (!wc) throw new Error('no such window');
    return invoke(wc, toAppUrl(source.frame.url()), source.frame.parentFrame() === null, channel, args);
  });
  await ctx.exposeBinding(BINDINGS.windowOpen, (source, url: string) => byPage.get(source.page)?.windowOpen(toAppUrl(url)));
  await ctx.exposeBinding(BINDINGS.attachWebview, (source, src: string) => byPage.get(source.page)?.attachWebview(src) ?? false);
}

async function routeRequest(route: Route): Promise<void> {
  const req = route.request();
  const wc = byPage.get(req.frame().page());
  if (req.isNavigationRequest() && wc && !wc.allowNavigation(req)) {
    await route.abort('aborted');
    return;
  }
  const appUrl = toAppUrl(req.url());
  const scheme = appUrl === req.url() ? null : appUrl.slice(0, appUrl.indexOf(':'));
  const handler = scheme ? schemes.get(scheme) : undefined;
  if (!handler) {
    await route.fallback();
    return;
  }
  const res = await handler({ url: appUrl, method: req.method(), headers: new Headers(await req.allHeaders()) });
  await route.fulfill({ status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()) });
}

export class WebContents extends EventEmitter {
  readonly id = nextId++;
  page: Page | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private mainInitiated = 0;
  private windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  private destroyed = false;

  constructor(
    private readonly win: BrowserWindow,
    private readonly preload: string | null,
  ) {
    super();
  }

  async ensurePage(): Promise<Page> {
    if (this.page) return this.page;
    if (!context) throw new Error('BrowserWindow used before app ready');
    const blank = context.pages().find((p) => !byPage.has(p) && p.url() === 'about:blank');
    const page = blank ?? (await context.newPage());
    this.page = page;
    byPage.set(page, this);
    await page.setViewportSize({ width: this.win.bounds.width, height: this.win.bounds.height });
    await page.addInitScript(pageScript(this.preload ? readFileSync(this.preload, 'utf8') : null));
    page.on('domcontentloaded', () => void this.pushState());
    page.on('load', () => {
      record('window.loaded', toAppUrl(page.url()));
      this.emit('did-finish-load');
      this.win.firstLoad();
    });
    page.on('crash', () => this.emit('render-process-gone', electronEvent(), { reason: 'crashed', exitCode: 1 }));
    page.on('pageerror', (e) => record('page.error', String(e)));
    page.on('download', (d) => downloadListener(this, d));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') record('page.console', m.text());
    });
    return page;
  }

  /** Decides a navigation request as Electron would: main's loads pass; the page's own go through will-navigate. */
  allowNavigation(req: Request): boolean {
    const frame = req.frame();
    const url = toAppUrl(req.url());
    const isMainFrame = frame.parentFrame() === null;
    if (isMainFrame && this.mainInitiated > 0) {
      this.mainInitiated--;
      this.emit('did-start-loading');
      return true;
    }
    const ev = electronEvent({ url, isMainFrame });
    if (req.redirectedFrom()) this.emit('will-redirect', ev, url);
    else if (isMainFrame) this.emit('will-navigate', ev, url);
    else this.emit('will-frame-navigate', ev);
    record('navigation', { url, isMainFrame, prevented: ev.defaultPrevented });
    if (!ev.defaultPrevented && isMainFrame) this.emit('did-start-loading');
    return !ev.defaultPrevented;
  }

  windowOpen(url: string): void {
    const decision = this.windowOpenHandler?.({ url }) ?? { action: 'allow' };
    record('window-open', { url, action: decision.action });
    if (decision.action === 'allow' && context) void context.newPage().then((p) => p.goto(toPageUrl(url)).catch(() => undefined));
  }

  attachWebview(src: string): boolean {
    const ev = electronEvent();
    this.emit('will-attach-webview', ev, {}, { src });
    record('webview', { src, attached: !ev.defaultPrevented });
    return !ev.defaultPrevented;
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  async loadURL(url: string): Promise<void> {
    const page = await this.ensurePage();
    this.mainInitiated++;
    record('window.load', url);
    await page.goto(toPageUrl(url));
  }

  reload(): void {
    this.mainInitiated++;
    record('window.reload');
    void this.ensurePage().then((p) => p.reload().catch(() => undefined));
  }

  replaceMisspelling(word: string): void {
    record('webContents.replaceMisspelling', word);
  }

  copyImageAt(x: number, y: number): void {
    record('webContents.copyImageAt', { x, y });
  }

  /** Settles once every event main has sent so far has reached the page. */
  delivered(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  getURL(): string {
    return this.page ? toAppUrl(this.page.url()) : '';
  }

  send(channel: string, payload?: unknown): void {
    record('send', { channel, payload: (payload ?? null) as Json });
    this.queue = this.queue.then(async () => {
      const page = await this.ensurePage();
      await page
        .evaluate(([hook, c, p]) => (window as unknown as Record<string, (c: unknown, p: unknown) => void>)[hook]?.(c, p), [
          PAGE_HOOKS.emit,
          channel,
          payload,
        ] as const)
        .catch(() => undefined);
    });
  }

  pushState(): Promise<void> {
    const started = Date.now();
    const state = { visible: this.win.isVisible() && !this.win.isMinimized(), focused: this.win.isFocused() };
    return (
      this.page
        ?.evaluate(([hook, s]) => (window as unknown as Record<string, (s: unknown) => void>)[hook]?.(s), [
          PAGE_HOOKS.windowState,
          state,
        ] as const)
        .then(
          () => record('window.state-seen', { ...state, ms: Date.now() - started }),
          () => undefined,
        ) ?? Promise.resolve()
    );
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    const page = this.page;
    this.page = null;
    if (page) {
      byPage.delete(page);
      await page.close().catch(() => undefined);
    }
  }
}

export class BrowserWindow extends EventEmitter {
  readonly id = nextId++;
  readonly webContents: WebContents;
  bounds: Bounds;
  private normal: Bounds;
  private visible: boolean;
  private focused = false;
  private minimized = false;
  private maximized = false;
  private destroyed = false;
  private loadedOnce = false;

  constructor(readonly options: Record<string, unknown> & { webPreferences?: { preload?: string } } = {}) {
    super();
    const o = options as Partial<Bounds> & { show?: boolean };
    this.bounds = { x: o.x ?? 100, y: o.y ?? 100, width: o.width ?? 800, height: o.height ?? 600 };
    this.normal = { ...this.bounds };
    this.visible = o.show !== false;
    this.webContents = new WebContents(this, options.webPreferences?.preload ?? null);
    windows.push(this);
    contentsCreatedListener(this.webContents);
    const { icon: _icon, ...shown } = options;
    record('window.create', { ...(shown as { [k: string]: Json }), bounds: { ...this.bounds } });
  }

  static getAllWindows(): BrowserWindow[] {
    return windows.filter((w) => !w.destroyed);
  }

  static getFocusedWindow(): BrowserWindow | null {
    return windows.find((w) => !w.destroyed && w.focused) ?? null;
  }

  firstLoad(): void {
    if (this.loadedOnce) return;
    this.loadedOnce = true;
    this.emit('ready-to-show');
  }

  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }

  /** Settles once the page has seen the latest show/hide/focus change; the test's window commands wait for it. */
  settled: Promise<void> = Promise.resolve();

  private changed(kind: string): void {
    record(`window.${kind}`, this.snapshot());
    this.settled = this.webContents.pushState();
  }

  snapshot(): { [k: string]: Json } {
    return {
      id: this.id,
      visible: this.visible,
      focused: this.focused,
      minimized: this.minimized,
      maximized: this.maximized,
      destroyed: this.destroyed,
      bounds: { ...this.bounds },
      url: this.webContents.getURL(),
    };
  }

  show(): void {
    this.visible = true;
    this.minimized = false;
    this.focused = true;
    this.changed('show');
    this.emit('show');
    this.emit('focus');
  }
  showInactive(): void {
    this.visible = true;
    this.changed('show');
    this.emit('show');
  }
  hide(): void {
    const hadFocus = this.focused;
    this.visible = false;
    this.focused = false;
    this.changed('hide');
    this.emit('hide');
    if (hadFocus) this.emit('blur');
  }
  focus(): void {
    if (!this.visible) return;
    this.focused = true;
    this.minimized = false;
    this.changed('focus');
    this.emit('focus');
  }
  blur(): void {
    this.focused = false;
    this.changed('blur');
    this.emit('blur');
  }
  minimize(): void {
    this.minimized = true;
    this.focused = false;
    this.changed('minimize');
    this.emit('minimize');
    this.emit('blur');
  }
  restore(): void {
    this.minimized = false;
    this.changed('restore');
    this.emit('restore');
  }
  maximize(): void {
    this.maximized = true;
    this.changed('maximize');
    this.emit('maximize');
  }
  unmaximize(): void {
    this.maximized = false;
    this.changed('unmaximize');
    this.emit('unmaximize');
  }
  isVisible(): boolean {
    return this.visible;
  }
  isFocused(): boolean {
    return this.focused;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getBounds(): Bounds {
    return { ...this.bounds };
  }
  getNormalBounds(): Bounds {
    return { ...this.normal };
  }
  /** The user (or main) moves or resizes the window. */
  setBounds(b: Partial<Bounds>): void {
    const moved = (b.x !== undefined && b.x !== this.bounds.x) || (b.y !== undefined && b.y !== this.bounds.y);
    this.bounds = { ...this.bounds, ...b };
    if (!this.maximized) this.normal = { ...this.bounds };
    void this.webContents.page?.setViewportSize({ width: this.bounds.width, height: this.bounds.height });
    this.changed('bounds');
    this.emit('resize');
    if (moved) this.emit('move');
  }
  setTitle(): void {}
  setOverlayIcon(_image: unknown, description: string): void {
    record('window.overlay', description);
  }
  flashFrame(flag: boolean): void {
    record('window.flash', flag);
  }
  setProgressBar(fraction: number): void {
    record('window.progress', fraction);
  }

  /** Like a click on the title bar's close button: 'close' may be prevented (close to tray). */
  close(): boolean {
    if (this.destroyed) return true;
    const ev = electronEvent();
    this.emit('close', ev);
    record('window.close', { prevented: ev.defaultPrevented });
    if (ev.defaultPrevented) return false;
    this.destroy();
    return true;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    void this.webContents.destroy();
    this.emit('closed');
    record('window.closed', { id: this.id });
    if (BrowserWindow.getAllWindows().length === 0) allClosedListener();
  }
}
