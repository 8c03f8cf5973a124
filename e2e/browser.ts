// Shared set-up for browser tests: the real server on a free port (fresh database) and Debian's Chromium.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../server/test/harness.js';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve('e2e/screenshots');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

export async function startServer(): Promise<TestServer> {
  return startTestServer({ WEB_DIR: path.resolve('renderer/dist') });
}

export async function newPerson(
  browser: Browser,
  url: string,
  opts: { locale?: string; colorScheme?: 'light' | 'dark'; permissions?: string[] } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 1180, height: 760 },
    locale: opts.locale ?? 'en-US',
    colorScheme: opts.colorScheme ?? 'light',
    permissions: opts.permissions ?? [],
  });
  context.setDefaultTimeout(Number(process.env['E2E_TIMEOUT_MS'] ?? 10_000));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  return { context, page, errors };
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Register through the UI; the server address is prefilled with the page's origin. */
export async function registerViaUi(page: Page, username: string, displayName: string, password = 'correct horse battery'): Promise<void> {
  await page.getByRole('button', { name: /create an account|注册/i }).click();
  await page.getByLabel(/^username$|^用户名$/i).fill(username);
  await page.getByLabel(/display name|显示名称/i).fill(displayName);
  await page.getByLabel(/^email$|^邮箱$/i).fill(`${username}@example.test`);
  await page.getByLabel(/^password$|^密码$/i).fill(password);
  await page.getByRole('button', { name: /^create account$|^创建账号$/i }).click();
  await page.getByRole('navigation').waitFor();
}
