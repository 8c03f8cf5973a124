// The web client's refresh cookie: opt-in by header, HttpOnly/SameSite=Strict, rotated on refresh, cleared on logout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResult } from '../../protocol/types.js';
import { startTestServer, uniqueName, type TestServer } from '../test/harness.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

function refreshCookie(setCookie: string[] | string | undefined): string {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const found = all.find((c) => c.startsWith('messenger_refresh='));
  if (!found) throw new Error(`no refresh cookie in ${JSON.stringify(all)}`);
  return found;
}
const tokenOf = (cookie: string) => cookie.split(';')[0]!.slice('messenger_refresh='.length);

describe('refresh token cookie (X-Session-Cookie: 1)', () => {
  it('register sets an HttpOnly SameSite=Strict cookie and hides the token from the body', async () => {
    const name = uniqueName('ck');
    const res = await t.api
      .post('/api/auth/register')
      .set('X-Session-Cookie', '1')
      .send({ username: name, email: `${name}@example.test`, password: 'correct horse battery' });
    expect(res.status).toBe(201);
    expect((res.body as AuthResult).refreshToken).toBe('');
    expect((res.body as AuthResult).accessToken).toBeTruthy();
    const cookie = refreshCookie(res.headers['set-cookie']);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/api\/auth/);
    expect(cookie).toMatch(new RegExp(`; Max-Age=${t.config.refreshTokenTtl}`));
    expect(cookie).not.toMatch(/Secure/); // plain http in tests: req.secure is false
    expect(tokenOf(cookie).length).toBeGreaterThan(20);
  });

  it('without the header, nothing changes: token in the body, no cookie', async () => {
    const user = await t.register();
    const res = await t.api.post('/api/auth/login').send({ login: user.username, password: user.password });
    expect(res.status).toBe(200);
    expect((res.body as AuthResult).refreshToken).not.toBe('');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('login + refresh from the cookie rotates it; the spent cookie is refused and cleared', async () => {
    const user = await t.register();
    const login = await t.api.post('/api/auth/login').set('X-Session-Cookie', '1').send({ login: user.username, password: user.password });
    expect(login.status).toBe(200);
    const first = tokenOf(refreshCookie(login.headers['set-cookie']));

    const refreshed = await t.api
      .post('/api/auth/refresh')
      .set('X-Session-Cookie', '1')
      .set('Cookie', `other=1; messenger_refresh=${first}`)
      .send({});
    expect(refreshed.status).toBe(200);
    expect((refreshed.body as AuthResult).refreshToken).toBe('');
    const second = tokenOf(refreshCookie(refreshed.headers['set-cookie']));
    expect(second).not.toBe(first);

    // The successor is spent too, so the first token coming back is reuse, not a lost answer within the grace window.
    const third = await t.api.post('/api/auth/refresh').set('X-Session-Cookie', '1').set('Cookie', `messenger_refresh=${second}`).send({});
    expect(third.status).toBe(200);
    const reused = await t.api.post('/api/auth/refresh').set('X-Session-Cookie', '1').set('Cookie', `messenger_refresh=${first}`).send({});
    expect(reused.status).toBe(401);
    expect((reused.body as { error: { code: string } }).error.code).toBe('REUSE_DETECTED');
    expect(refreshCookie(reused.headers['set-cookie'])).toMatch(/Max-Age=0/);
  });

  it('the cookie is ignored without the header (a cross-site request cannot use it)', async () => {
    const user = await t.register();
    const login = await t.api.post('/api/auth/login').set('X-Session-Cookie', '1').send({ login: user.username, password: user.password });
    const token = tokenOf(refreshCookie(login.headers['set-cookie']));
    const res = await t.api.post('/api/auth/refresh').set('Cookie', `messenger_refresh=${token}`).send({});
    expect(res.status).toBe(401);
    // ...and the token is still good for the client that owns it.
    const ok = await t.api.post('/api/auth/refresh').set('X-Session-Cookie', '1').set('Cookie', `messenger_refresh=${token}`).send({});
    expect(ok.status).toBe(200);
  });

  it('logout revokes the cookie session and clears the cookie', async () => {
    const user = await t.register();
    const login = await t.api.post('/api/auth/login').set('X-Session-Cookie', '1').send({ login: user.username, password: user.password });
    const body = login.body as AuthResult;
    const token = tokenOf(refreshCookie(login.headers['set-cookie']));
    const out = await t.api
      .post('/api/auth/logout')
      .set('Authorization', `Bearer ${body.accessToken}`)
      .set('X-Session-Cookie', '1')
      .set('Cookie', `messenger_refresh=${token}`)
      .send({});
    expect(out.status).toBe(204);
    expect(refreshCookie(out.headers['set-cookie'])).toMatch(/^messenger_refresh=;.*Max-Age=0/);
    const after = await t.api.post('/api/auth/refresh').set('X-Session-Cookie', '1').set('Cookie', `messenger_refresh=${token}`).send({});
    expect(after.status).toBe(401);
  });
});
