// A server on the office LAN over plain http: Chromium runs in a network namespace this test creates and reaches the
// server through a veth pair's private address, so the origin is not loopback and not a secure context (no
// crypto.randomUUID, upgrade-insecure-requests would break the page). The page must load, sign in, send, and keep
// its session over a reload.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/test/harness.js';
import { CHROMIUM, registerViaUi, shot } from './browser.js';

// A send is confirmed once the socket is up; its first connect can take a while on a loaded machine.
const CONFIRM_MS = 30_000;

function netnsAvailable(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

const available = netnsAvailable();
if (!available && process.env['CI']) throw new Error('e2e/lan.test.ts needs `ip netns` (root, iproute2) in CI');
if (!available) console.warn('SKIPPED e2e/lan.test.ts: `ip netns` is unavailable here (needs root and iproute2)');

// Unique per run, so parallel runs never share a namespace or a subnet.
const tag = `w${process.pid.toString(36)}${Date.now().toString(36).slice(-3)}`.slice(0, 10);
const NS = `lan_${tag}`;
const HOST_IF = `${tag}h`;
const NS_IF = `${tag}n`;
const octet = 1 + (process.pid % 250);
const SERVER_IP = `10.213.${octet}.1`;
const BROWSER_IP = `10.213.${octet}.2`;

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe', timeout: 10_000 });

function createNetwork(): void {
  ip('netns', 'add', NS);
  ip('link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', NS_IF);
  ip('link', 'set', NS_IF, 'netns', NS);
  ip('addr', 'add', `${SERVER_IP}/30`, 'dev', HOST_IF);
  ip('link', 'set', HOST_IF, 'up');
  ip('netns', 'exec', NS, 'ip', 'addr', 'add', `${BROWSER_IP}/30`, 'dev', NS_IF);
  ip('netns', 'exec', NS, 'ip', 'link', 'set', NS_IF, 'up');
  ip('netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up');
}

function removeNetwork(): void {
  for (const args of [
    ['link', 'del', HOST_IF],
    ['netns', 'del', NS],
  ]) {
    try {
      ip(...args);
    } catch {
      // already gone (a half-made network after a failed set-up)
    }
  }
}

describe.skipIf(!available)('a LAN server over plain http, reached from another network namespace', () => {
  let server: TestServer;
  let browser: Browser;
  let wrapperDir: string;
  // What the server and the page said, printed only when the test fails (the CI machine is not reachable afterwards).
  const trail: string[] = [];
  const keep = (line: string) => {
    trail.push(line.length > 600 ? `${line.slice(0, 600)}…` : line);
    if (trail.length > 300) trail.shift();
  };
  const serverLog = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) keep(`server ${line}`);
      done();
    },
  });

  beforeAll(async () => {
    createNetwork();
    // Bound only to the veth address: the browser can reach it solely across the namespace boundary.
    server = await startTestServer({ WEB_DIR: path.resolve('renderer/dist'), HOST: SERVER_IP, LOG_LEVEL: 'debug' }, serverLog);
    wrapperDir = mkdtempSync(path.join(tmpdir(), 'lan-chromium-'));
    const wrapper = path.join(wrapperDir, 'chromium');
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${NS} ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
    browser = await chromium.launch({
      executablePath: wrapper,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (wrapperDir) rmSync(wrapperDir, { recursive: true, force: true });
    removeNetwork();
  });

  it('loads, registers, sends a message and keeps the session across a reload', async () => {
    expect(server.url).toMatch(new RegExp(`^http://${SERVER_IP.replace(/\./g, '\\.')}:\\d+$`));
    const context = await browser.newContext({ viewport: { width: 1180, height: 760 } });
    context.setDefaultTimeout(Number(process.env['E2E_TIMEOUT_MS'] ?? 15_000));
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => {
      keep(`page uncaught ${e.stack ?? String(e)}`);
      errors.push(String(e));
    });
    page.on('console', (m) => {
      keep(`page ${m.type()} ${m.text()}`);
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('requestfailed', (r) => keep(`page request failed ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('websocket', (ws) => {
      keep(`page websocket open ${ws.url()}`);
      ws.on('close', () => keep(`page websocket closed ${ws.url()}`));
      ws.on('socketerror', (e) => keep(`page websocket error ${e}`));
    });
    const res = await page.goto(server.url);
    expect(res?.headers()['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(res?.headers()['strict-transport-security']).toBeUndefined();
    // The premise: Chromium does not treat this origin as secure, so secure-context-only APIs are missing.
    expect(await page.evaluate(() => [window.isSecureContext, typeof crypto.randomUUID])).toEqual([false, 'undefined']);

    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await registerViaUi(page, `lan_${tag}`, 'Lan User');
    // From here on nothing may fail (before, restoring a session that does not exist is an expected 401).
    errors.length = 0;
    await page.getByRole('button', { name: 'New room' }).click();
    await page.getByLabel('Name').fill('Office LAN');
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.getByRole('heading', { name: 'Office LAN' }).waitFor();
    const box = page.getByRole('textbox', { name: 'Message' });
    // The dialog closes as soon as the room exists (it used to stay over the room until its history had loaded,
    // and what was typed meanwhile went nowhere).
    await page.getByRole('dialog').waitFor({ state: 'detached', timeout: 10_000 });
    await box.fill('Hello over plain http');
    await box.press('Enter');
    // Confirmed by the server (not pending), and stored: the server's own API returns it.
    await page
      .locator('.msg:not(.pending) .msg-body', { hasText: 'Hello over plain http' })
      .waitFor({ timeout: CONFIRM_MS })
      .catch(async (e: unknown) => {
        const status = await page
          .locator('[role=status], .connection, .banner')
          .allTextContents()
          .catch(() => []);
        const view = await page
          .evaluate(() => ({
            composer: (document.querySelector('textarea') as HTMLTextAreaElement | null)?.value,
            messages: [...document.querySelectorAll('.msg')].map((m) => `${m.className}: ${m.textContent ?? ''}`),
            main: document.querySelector('main')?.textContent?.slice(0, 800),
            hash: location.hash,
            stored: Object.keys(localStorage).map((k) => `${k}=${(localStorage.getItem(k) ?? '').slice(0, 300)}`),
          }))
          .catch((err: unknown) => String(err));
        const login = await server.api.post('/api/auth/login').send({ login: `lan_${tag}`, password: 'correct horse battery' });
        const token = (login.body as { accessToken?: string }).accessToken ?? '';
        const stored = await server.api.get('/api/rooms/1/messages').set('Authorization', `Bearer ${token}`);
        console.error(`Stored: ${login.status} ${JSON.stringify(stored.body)}`);
        console.error(
          `LAN send not confirmed. Status texts: ${JSON.stringify(status)}\nView: ${JSON.stringify(view)}\n${trail.join('\n')}`,
        );
        throw e;
      });
    await shot(page, 'lan-sent');

    await page.reload();
    await page.locator('.msg-body', { hasText: 'Hello over plain http' }).waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });
});
