// CORS for the bearer-token API: any origin by default; with CORS_ORIGINS, those plus the desktop app, no credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ CORS_ORIGINS: 'https://chat.example.com' });
});
afterAll(async () => {
  await t?.close();
});

async function preflight(origin: string) {
  return fetch(`${t.url}/api/rooms`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
  });
}

describe('CORS with CORS_ORIGINS set', () => {
  it('allows the configured origin and the desktop app, without credentials', async () => {
    for (const origin of ['https://chat.example.com', 'app://messenger']) {
      const res = await preflight(origin);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });
  it('gives other origins nothing, and never allows the web client’s cookie header', async () => {
    const res = await preflight('https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const cookie = await fetch(`${t.url}/api/auth/refresh`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://chat.example.com',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'x-session-cookie',
      },
    });
    expect(cookie.headers.get('access-control-allow-headers') ?? '').not.toMatch(/x-session-cookie/i);
  });
});
