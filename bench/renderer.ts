/// <reference lib="dom" />
// Renderer performance in Chromium against the real server: a room holding 20,000 messages, scrolled from the
// bottom to the very top (paging in history as it goes), and room switches. Prints the figures and the
// production bundle size. Run: npm run bench:renderer  (ROOM_MESSAGES=... to change the size)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { machine, printTable, startTestServer, type TestServer } from './common.js';
import type { TestUser } from '../server/test/harness.js';

const MESSAGES = Number(process.env['ROOM_MESSAGES'] ?? 20_000);
const CONCURRENCY = 16;
const TARGETS = { switchMs: 100, longTaskMs: 50, nodes: 200 };

/** First load: the entry chunk and CSS (index-*); lazy: chunks and data fetched later (Markdown parser, emoji picker). */
function bundleSize(): { js: number; css: number; jsGzip: number; cssGzip: number; lazyGzip: number } {
  const dir = path.resolve('renderer/dist/assets');
  const out = { js: 0, css: 0, jsGzip: 0, cssGzip: 0, lazyGzip: 0 };
  for (const f of readdirSync(dir)) {
    if (!/\.(js|css|json)$/.test(f)) continue;
    const buf = readFileSync(path.join(dir, f));
    const gzip = gzipSync(buf, { level: 9 }).length;
    if (!f.startsWith('index-')) {
      out.lazyGzip += gzip;
      continue;
    }
    const kind = f.endsWith('.js') ? 'js' : 'css';
    out[kind] += buf.length;
    out[`${kind}Gzip`] += gzip;
  }
  return out;
}

async function fill(api: (path: string, body: unknown) => Promise<unknown>, roomId: number, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const body =
        i % 7 === 0
          ? `Message ${i}: a longer line that wraps in the bubble so rows have different heights, which is the hard case for a virtual list.`
          : `Message ${i}`;
      await api(`/api/rooms/${roomId}/messages`, { clientId: `bench-${roomId}-${i}`, body });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

export const description = 'web client in Chromium: 20,000-message room, room switch, long tasks while scrolling, DOM nodes, bundle size';

/** Debian's headless Chromium (CHROMIUM_PATH to use another), as every browser benchmark starts it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

export interface Seeded {
  me: TestUser;
  seconds: number;
}

/** A reader with two rooms, both read to the end: "Big room" of MESSAGES messages, "Small room" of 300. */
export async function seedRooms(server: TestServer): Promise<Seeded> {
  const me = await server.register('bench_reader');
  const other = await server.register('bench_writer');
  const post = (user: typeof me) => async (p: string, body: unknown) => {
    const res = await fetch(server.url + p, {
      method: 'POST',
      headers: { ...user.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ id: number }>;
  };
  const big = (await post(me)('/api/rooms', { name: 'Big room', visibility: 'private', memberIds: [other.id] })) as { id: number };
  const small = (await post(me)('/api/rooms', { name: 'Small room', visibility: 'private', memberIds: [other.id] })) as { id: number };
  const t0 = Date.now();
  await fill(post(other), big.id, MESSAGES);
  await fill(post(other), small.id, 300);
  // Read: a room with unread opens at its first unread message; these rooms are measured opening at the newest.
  for (const roomId of [big.id, small.id]) {
    const res = await fetch(`${server.url}/api/rooms/${roomId}/read`, {
      method: 'PUT',
      headers: { ...me.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ seq: 1_000_000 }),
    });
    if (!res.ok) throw new Error(`read: ${res.status}`);
  }
  return { me, seconds: (Date.now() - t0) / 1000 };
}

/** A fresh browser context signed in as `me`, with the room list shown. */
export async function signIn(browser: Browser, server: TestServer, me: TestUser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // tsx (esbuild keepNames) wraps named functions in __name(); page.evaluate ships them as text, so define it.
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.getByLabel('Username or email').fill(me.username);
  await page.getByLabel('Password').fill(me.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('.room-row', { hasText: 'Small room' }).waitFor();
  return { context, page };
}

/**
 * Time from click to the room's newest message painted (next animation frame after it is in the DOM and inside the
 * visible part of the history). "Some message is in the DOM" is not enough: a list may render rows before it has
 * scrolled to the newest one, or render them hidden while it waits.
 */
export function switchTo(page: Page, name: string, newestSeq: number): Promise<number> {
  return page.evaluate(
    async ([roomName, seq]) => {
      const row = Array.from(document.querySelectorAll<HTMLButtonElement>('.room-row')).find((b) => b.textContent?.includes(roomName));
      if (!row) throw new Error(`no room ${roomName}`);
      const start = performance.now();
      row.click();
      await new Promise<void>((resolve) => {
        const check = () => {
          const title = document.querySelector('.room-head h2')?.textContent;
          const newest = document.querySelector(`.msg[data-seq="${seq}"]`)?.getBoundingClientRect();
          const view = document.querySelector('.message-scroller')?.getBoundingClientRect();
          const shown = !!newest && !!view && newest.height > 0 && newest.top >= view.top - 1 && newest.bottom <= view.bottom + 1;
          if (title === roomName && shown) requestAnimationFrame(() => resolve());
          else requestAnimationFrame(check);
        };
        check();
      });
      return performance.now() - start;
    },
    [name, newestSeq] as const,
  );
}

export const toBig = (page: Page) => switchTo(page, 'Big room', MESSAGES);
export const toSmall = (page: Page) => switchTo(page, 'Small room', 300);

/** Scroll from the bottom to the very first message, 900 px a frame, paging in history on the way. */
export function scrollToTop(page: Page): Promise<{ seconds: number; longTasks: number[]; maxNodes: number; domNodes: number }> {
  return page.evaluate(async () => {
    const longTasks: number[] = [];
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push(e.duration);
    });
    obs.observe({ type: 'longtask', buffered: false });
    const scroller = document.querySelector<HTMLElement>('.message-scroller');
    if (!scroller) throw new Error('no scroller');
    let maxNodes = 0;
    const start = performance.now();
    for (;;) {
      scroller.scrollTop = Math.max(0, scroller.scrollTop - 900);
      await new Promise((r) => requestAnimationFrame(r));
      maxNodes = Math.max(maxNodes, document.querySelectorAll('.msg').length);
      const atTop = scroller.scrollTop === 0;
      const done = document.querySelector('.msg[data-seq="1"]') !== null;
      if (atTop && done) break;
      if (performance.now() - start > 600_000) throw new Error('scroll did not reach the top');
    }
    await new Promise((r) => setTimeout(r, 200));
    obs.disconnect();
    return { seconds: (performance.now() - start) / 1000, longTasks, maxNodes, domNodes: document.getElementsByTagName('*').length };
  });
}

export async function run(): Promise<void> {
  if (!existsSync(path.resolve('renderer/dist/index.html'))) {
    const built = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('vite build failed');
  }
  const server = await startTestServer({ WEB_DIR: path.resolve('renderer/dist') });
  const browser = await launchChromium();
  try {
    const { me, seconds } = await seedRooms(server);
    process.stdout.write(`seeded ${MESSAGES} messages in ${seconds.toFixed(1)} s\n`);
    const { context, page } = await signIn(browser, server, me);
    const firstOpenBig = await toBig(page);
    const firstOpenSmall = await toSmall(page);
    const switches: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      switches.push(await toBig(page));
      switches.push(await toSmall(page));
    }
    await toBig(page);
    const scroll = await scrollToTop(page);

    const size = bundleSize();
    const sorted = [...switches].sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)]!;
    const worstSwitch = sorted[sorted.length - 1]!;
    const longest = scroll.longTasks.length ? Math.max(...scroll.longTasks) : 0;
    process.stdout.write(`\nRenderer benchmark (${machine()}, Chromium headless)\n\n`);
    printTable(
      ['figure', 'value', 'target', 'ok'],
      [
        [`first open of the ${MESSAGES}-message room (fetch newest page)`, `${firstOpenBig.toFixed(1)} ms`, '', ''],
        ['first open of a 300-message room', `${firstOpenSmall.toFixed(1)} ms`, '', ''],
        ['room switch, median of 10', `${p50.toFixed(1)} ms`, `<= ${TARGETS.switchMs} ms`, p50 <= TARGETS.switchMs ? 'yes' : 'NO'],
        [
          'room switch, worst of 10',
          `${worstSwitch.toFixed(1)} ms`,
          `<= ${TARGETS.switchMs} ms`,
          worstSwitch <= TARGETS.switchMs ? 'yes' : 'NO',
        ],
        [`scroll bottom -> top of ${MESSAGES} messages`, `${scroll.seconds.toFixed(1)} s`, '', ''],
        ['long tasks while scrolling (count)', scroll.longTasks.length, '', ''],
        [
          'longest task while scrolling',
          `${longest.toFixed(0)} ms`,
          `<= ${TARGETS.longTaskMs} ms`,
          longest <= TARGETS.longTaskMs ? 'yes' : 'NO',
        ],
        ['max message nodes in the DOM', scroll.maxNodes, `<= ${TARGETS.nodes}`, scroll.maxNodes <= TARGETS.nodes ? 'yes' : 'NO'],
        ['DOM elements at the top', scroll.domNodes, '', ''],
        ['first-load JS (min / gzip)', `${(size.js / 1024).toFixed(0)} / ${(size.jsGzip / 1024).toFixed(1)} KiB`, '', ''],
        ['first-load CSS (min / gzip)', `${(size.css / 1024).toFixed(0)} / ${(size.cssGzip / 1024).toFixed(1)} KiB`, '', ''],
        ['lazy chunks and data (gzip)', `${(size.lazyGzip / 1024).toFixed(1)} KiB`, '', ''],
      ],
    );
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
}

// Run directly (npm run bench:renderer) as well as from bench/run.ts.
if (process.argv[1]?.endsWith('renderer.ts')) await run();
