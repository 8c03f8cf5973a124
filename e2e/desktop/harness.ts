// Desktop end-to-end harness, test side. The real bundled main process (scripts/build-desktop.ts) runs in its own
// Node process with `electron` resolved to the stand-in in ./standin (see standin/register.mjs): its windows are real
// Chromium pages running the real preload and renderer; tray, notifications, power monitor, dialogs and keychain
// record what happens and take commands. The test reads those records and drives the pages over CDP.
import { execFileSync, fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

const repo = resolve(import.meta.dirname, '..', '..');
/** The app:// origin as the stand-in serves it to Chromium (standin/window.ts); the test server allows it in CORS. */
export const APP_PAGE_ORIGIN = 'http://messenger.app.localhost';
export const TIMEOUT = Number(process.env['DESKTOP_E2E_TIMEOUT_MS'] ?? 20_000);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface Rec {
  kind: string;
  data: Json;
  at: number;
}

/** Builds main + preload as `npm run build:desktop` does, into a fresh app root that sees the built renderer. */
export function buildApp(): string {
  const root = mkdtempSync(join(tmpdir(), 'desktop-e2e-app-'));
  execFileSync(process.execPath, ['--import', 'tsx', join(repo, 'scripts', 'build-desktop.ts')], {
    cwd: repo,
    env: { ...process.env, DESKTOP_OUT_DIR: join(root, 'dist-desktop') },
    stdio: 'pipe',
  });
  mkdirSync(join(root, 'renderer'));
  symlinkSync(join(repo, 'renderer', 'dist'), join(root, 'renderer', 'dist'));
  return root;
}

export function newUserData(): string {
  return mkdtempSync(join(tmpdir(), 'desktop-e2e-profile-'));
}

export interface LaunchOptions {
  root: string;
  userData: string;
  args?: string[];
  env?: Record<string, string>;
}

export class DesktopApp {
  readonly records: Rec[] = [];
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void }>();
  private waiters = new Set<() => void>();
  private browser: Browser | null = null;
  private exitCode: number | null | undefined;

  private constructor(readonly proc: ChildProcess) {
    proc.on('message', (raw) => {
      const msg = raw as { t: string; id?: number; kind?: string; data?: Json; at?: number; result?: Json; error?: string };
      if (msg.t === 'record' && msg.kind) {
        this.records.push({ kind: msg.kind, data: msg.data ?? null, at: msg.at ?? Date.now() });
        for (const w of [...this.waiters]) w();
      } else if (msg.t === 'reply' && msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error !== undefined) p?.reject(new Error(msg.error));
        else p?.resolve(msg.result ?? null);
      }
    });
    for (const stream of [proc.stdout, proc.stderr]) stream?.on('data', (d: Buffer) => this.output.push(d.toString()));
    this.exited = new Promise((res) =>
      proc.on('exit', (code) => {
        this.exitCode = code;
        for (const w of [...this.waiters]) w();
        for (const p of this.pending.values()) p.reject(new Error('app exited'));
        res(code);
      }),
    );
  }

  static launch(opts: LaunchOptions): DesktopApp {
    const main = join(opts.root, 'dist-desktop', 'main', 'index.mjs');
    const proc = fork(main, opts.args ?? [], {
      cwd: repo,
      execArgv: ['--import', 'tsx', '--import', join(import.meta.dirname, 'standin', 'register.mjs')],
      env: {
        ...process.env,
        // CommonJS dependencies inside the bundle require('electron'); NODE_PATH leads them to the same stand-in.
        NODE_PATH: join(import.meta.dirname, 'standin', 'cjs'),
        MESSENGER_DEV_URL: '',
        STANDIN_USER_DATA: opts.userData,
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    return new DesktopApp(proc);
  }

  command(cmd: string, args: Json = null): Promise<Json> {
    const id = this.nextId++;
    return new Promise((res, rej) => {
      this.pending.set(id, { resolve: res, reject: rej });
      this.proc.send({ id, cmd, args });
    });
  }

  /** Index to pass to `waitFor(..., { after })`: only records from now on count. */
  mark(): number {
    return this.records.length;
  }

  find(kind: string, pred: (data: Json) => boolean = () => true, after = 0): Rec[] {
    return this.records.slice(after).filter((r) => r.kind === kind && pred(r.data));
  }

  waitFor(kind: string, pred: (data: Json) => boolean = () => true, opts: { after?: number; timeout?: number } = {}): Promise<Rec> {
    const timeout = opts.timeout ?? TIMEOUT;
    return new Promise((res, rej) => {
      const check = () => {
        const hit = this.find(kind, pred, opts.after ?? 0)[0];
        if (hit) {
          done();
          res(hit);
        } else if (this.exitCode !== undefined) {
          done();
          rej(new Error(`app exited (${this.exitCode}) before ${kind}; output:\n${this.output.join('')}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        rej(new Error(`no ${kind} within ${timeout} ms; last records: ${JSON.stringify(this.records.slice(-15))}`));
      }, timeout);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** The main window's page, driven over CDP like a user's mouse and keyboard. */
  async page(): Promise<Page> {
    // Starting Chromium is the slowest step on a loaded machine; give it more than one step's time.
    const ready = await this.waitFor('app.ready', () => true, { timeout: 3 * TIMEOUT });
    await this.waitFor('window.load');
    this.browser ??= await chromium.connectOverCDP((ready.data as { cdp: string }).cdp);
    const deadline = Date.now() + TIMEOUT;
    for (;;) {
      const page = this.browser
        .contexts()[0]
        ?.pages()
        .find((p) => p.url().startsWith(APP_PAGE_ORIGIN));
      if (page) {
        page.setDefaultTimeout(TIMEOUT);
        return page;
      }
      if (Date.now() > deadline) throw new Error('main window page not found');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async windowState(): Promise<{
    visible: boolean;
    focused: boolean;
    minimized: boolean;
    bounds: { x: number; y: number; width: number; height: number };
  }> {
    const all = (await this.command('window.state')) as Array<{ [k: string]: Json }>;
    const live = all.filter((w) => w['destroyed'] !== true);
    return live[0] as unknown as Awaited<ReturnType<DesktopApp['windowState']>>;
  }

  /** Quit as the user would from the tray menu, and wait for the process to end. */
  async quit(): Promise<number | null> {
    if (this.exitCode !== undefined) return this.exitCode;
    await this.command('tray.menu.click', ['Quit']).catch(() => undefined);
    return this.exitWithin();
  }

  async exitWithin(ms = TIMEOUT): Promise<number | null> {
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());
    const code = await Promise.race([this.exited, timer]);
    if (code === 'timeout') throw new Error(`app did not exit within ${ms} ms`);
    return code;
  }

  kill(): void {
    if (this.exitCode === undefined) this.proc.kill('SIGKILL');
  }
}
