// The web build as the server hands it out: precompressed files by Accept-Encoding (brotli first, then gzip, then
// plain) with Vary, hashed assets cached as immutable, the app shell never cached, and no source maps.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness.js';

const JS = `console.log(${JSON.stringify('hello '.repeat(500))});\n`;
const BR = brotliCompressSync(JS);
const GZ = gzipSync(JS);
let t: TestServer;
let web: string;

beforeAll(async () => {
  web = mkdtempSync(path.join(tmpdir(), 'messenger-web-'));
  mkdirSync(path.join(web, 'assets'));
  writeFileSync(path.join(web, 'index.html'), '<!doctype html><script type="module" src="./assets/app-1a2b3c.js"></script>');
  writeFileSync(path.join(web, 'assets/app-1a2b3c.js'), JS);
  writeFileSync(path.join(web, 'assets/app-1a2b3c.js.br'), BR);
  writeFileSync(path.join(web, 'assets/app-1a2b3c.js.gz'), GZ);
  writeFileSync(path.join(web, 'assets/app-1a2b3c.js.map'), '{"version":3}');
  t = await startTestServer({ WEB_DIR: web });
});
afterAll(async () => {
  await t?.close();
  rmSync(web, { recursive: true, force: true });
});

// superagent decodes br/gzip itself: the body is the decoded text, Content-Length the size sent on the wire.
const text = (res: Response) => res.text;
const get = (url: string, encoding: string) => t.api.get(url).set('Accept-Encoding', encoding).buffer(true);

describe('static web build', () => {
  it('brotli when accepted, gzip otherwise, plain for identity; always Vary: Accept-Encoding', async () => {
    const br = await get('/assets/app-1a2b3c.js', 'gzip, deflate, br');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expect(br.headers['vary']).toMatch(/Accept-Encoding/i);
    expect(Number(br.headers['content-length'])).toBe(BR.length);
    expect(text(br)).toBe(JS);

    const gz = await get('/assets/app-1a2b3c.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(Number(gz.headers['content-length'])).toBe(GZ.length);
    expect(text(gz)).toBe(JS);

    const plain = await get('/assets/app-1a2b3c.js', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(Number(plain.headers['content-length'])).toBe(Buffer.byteLength(JS));
    expect(text(plain)).toBe(JS);
  });

  it('hashed assets are immutable; the app shell is revalidated every time', async () => {
    const asset = await get('/assets/app-1a2b3c.js', 'br');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const url of ['/', '/index.html']) {
      const shell = await get(url, 'br');
      expect(shell.status).toBe(200);
      expect(shell.headers['cache-control']).toBe('no-cache');
    }
  });

  it('source maps are not served', async () => {
    const res = await t.api.get('/assets/app-1a2b3c.js.map');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});
