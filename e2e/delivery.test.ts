// The page as a first-time visitor's browser receives it: compressed, small, cacheable, without source maps.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../server/test/harness.js';
import { launchBrowser, startServer } from './browser.js';

const BUDGET_BYTES = 200 * 1024;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('first load', () => {
  it(`weighs under ${BUDGET_BYTES / 1024} KB on the wire, brotli-encoded, with immutable hashed assets`, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const responses: { url: string; encoding: string | undefined; cache: string | undefined; bytes: Promise<number> }[] = [];
    page.on('response', (res) => {
      const headers = res.headers();
      responses.push({
        url: res.url(),
        encoding: headers['content-encoding'],
        cache: headers['cache-control'],
        bytes: res
          .request()
          .sizes()
          .then((s) => s.responseBodySize + s.responseHeadersSize),
      });
    });
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    const total = (await Promise.all(responses.map((r) => r.bytes))).reduce((a, b) => a + b, 0);
    console.log(`first load: ${responses.length} responses, ${(total / 1024).toFixed(1)} KB on the wire`);
    expect(total).toBeLessThan(BUDGET_BYTES);

    const assets = responses.filter((r) => new URL(r.url).pathname.startsWith('/assets/'));
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) {
      expect(a.cache, a.url).toContain('immutable');
      // Scripts and styles travel brotli-encoded; only one under the build's compression threshold (1 KB, e.g. the
      // bundler's tiny runtime chunk) may travel as it is, where compressing would save next to nothing.
      if (/\.(js|css)$/.test(a.url) && a.encoding !== 'br') {
        const body = await (await page.request.get(a.url, { headers: { 'accept-encoding': 'identity' } })).body();
        expect(body.length, `${a.url} is not brotli-encoded`).toBeLessThan(1024);
      }
    }
    await context.close();
  });

  it('no source map is in the served folder or reachable over http', async () => {
    const dist = path.resolve('renderer/dist');
    const files = readdirSync(dist, { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    const script = files.find((f) => /^assets\/index-.*\.js$/.test(f.split(path.sep).join('/')));
    expect(script).toBeDefined();
    const res = await server.api.get(`/${script!.split(path.sep).join('/')}.map`);
    expect(res.status).toBe(404);
  });
});
