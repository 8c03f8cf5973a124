// Security headers follow the transport: HSTS and upgrade-insecure-requests only over TLS (directly or via a proxy
// trusted by TRUST_PROXY), or always with HTTPS_HEADERS=always; CONNECT_ORIGINS widens connect-src.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness.js';

const HSTS = 'strict-transport-security';
const CSP = 'content-security-policy';

describe('HTTPS-only headers', () => {
  let plain: TestServer;
  let proxied: TestServer;
  let forced: TestServer;
  beforeAll(async () => {
    [plain, proxied, forced] = await Promise.all([
      startTestServer({ WEB_DIR: '/nonexistent/web-build', CONNECT_ORIGINS: 'https://chat.example.com,http://10.0.0.5:8080' }),
      startTestServer({ WEB_DIR: '/nonexistent/web-build', TRUST_PROXY: '1' }),
      startTestServer({ WEB_DIR: '/nonexistent/web-build', HTTPS_HEADERS: 'always' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([plain?.close(), proxied?.close(), forced?.close()]);
  });

  it('plain http gets neither HSTS nor upgrade-insecure-requests, but keeps the rest of the CSP', async () => {
    const res = await plain.api.get('/api/health');
    expect(res.headers[HSTS]).toBeUndefined();
    expect(res.headers[CSP]).not.toContain('upgrade-insecure-requests');
    expect(res.headers[CSP]).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('an untrusted X-Forwarded-Proto changes nothing', async () => {
    const res = await plain.api.get('/api/health').set('X-Forwarded-Proto', 'https');
    expect(res.headers[HSTS]).toBeUndefined();
    expect(res.headers[CSP]).not.toContain('upgrade-insecure-requests');
  });

  it('behind a trusted TLS proxy both are sent; the same proxy over http sends neither', async () => {
    const tls = await proxied.api.get('/api/health').set('X-Forwarded-Proto', 'https');
    expect(tls.headers[HSTS]).toMatch(/max-age=\d+/);
    expect(tls.headers[CSP]).toContain('upgrade-insecure-requests');
    const http = await proxied.api.get('/api/health').set('X-Forwarded-Proto', 'http');
    expect(http.headers[HSTS]).toBeUndefined();
    expect(http.headers[CSP]).not.toContain('upgrade-insecure-requests');
  });

  it('HTTPS_HEADERS=always sends them on every response', async () => {
    const res = await forced.api.get('/api/nope');
    expect(res.headers[HSTS]).toMatch(/max-age=\d+/);
    expect(res.headers[CSP]).toContain('upgrade-insecure-requests');
  });

  it('CONNECT_ORIGINS are added to connect-src with their websocket twins', async () => {
    const res = await plain.api.get('/api/health');
    const connect = /connect-src ([^;]+)/.exec(String(res.headers[CSP]))?.[1] ?? '';
    expect(connect.split(' ')).toEqual([
      "'self'",
      'https://chat.example.com',
      'wss://chat.example.com',
      'http://10.0.0.5:8080',
      'ws://10.0.0.5:8080',
    ]);
  });

  it('health is readable from any origin and says whether that origin may use this server', async () => {
    const foreign = await plain.api.get('/api/health').set('Origin', 'https://elsewhere.example');
    expect(foreign.headers['access-control-allow-origin']).toBe('*');
    expect(foreign.headers['access-control-expose-headers']).toContain('Messenger-Origin');
    expect(foreign.headers['messenger-origin']).toBe('refused');
    const own = await plain.api.get('/api/health').set('Origin', plain.url);
    expect(own.headers['messenger-origin']).toBe('allowed');
    const listed = await proxied.api.get('/api/health').set('Origin', 'app://messenger');
    expect(listed.headers['messenger-origin']).toBe('allowed');
    expect((await plain.api.get('/api/health')).headers['messenger-origin']).toBeUndefined();
  });
});
