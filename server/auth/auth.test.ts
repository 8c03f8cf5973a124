// Accounts and sessions as a client sees them: registration, login, refresh rotation and reuse detection,
// logout, sessions, password change, disabled accounts, rate limits and login timing.
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResult, SessionInfo } from '../../protocol/types.js';
import { startTestServer, uniqueName, type TestServer, type TestUser } from '../test/harness.js';
import { expectError, expectStatus, median } from '../test/expect.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function login(server: TestServer, loginName: string, password: string, headers: Record<string, string> = {}) {
  return server.api.post('/api/auth/login').set(headers).send({ login: loginName, password });
}

async function refresh(refreshToken: string) {
  return t.api.post('/api/auth/refresh').send({ refreshToken });
}

describe('register', () => {
  it('returns 201 AuthResult with a working access token', async () => {
    const name = uniqueName('reg');
    const res = await t.api
      .post('/api/auth/register')
      .send({ username: name, email: `${name}@Example.TEST`, password: 'long enough pw', displayName: 'Réka' });
    expectStatus(res, 201);
    const body = res.body as AuthResult;
    expect(body.user).toMatchObject({ username: name, email: `${name}@example.test`, displayName: 'Réka', avatarUrl: null });
    expect(body.refreshToken).toBeTypeOf('string');
    expect(Date.parse(body.accessTokenExpiresAt)).toBeGreaterThan(Date.now());
    const me = await t.api.get('/api/users/me').set(bearer(body.accessToken));
    expectStatus(me, 200);
    expect(me.body.id).toBe(body.user.id);
  });

  it('displayName defaults to the username', async () => {
    const name = uniqueName('dn');
    const res = await t.api.post('/api/auth/register').send({ username: name, email: `${name}@x.test`, password: 'long enough pw' });
    expectStatus(res, 201);
    expect(res.body.user.displayName).toBe(name);
  });

  it('USERNAME_TAKEN and EMAIL_TAKEN, case-insensitively', async () => {
    const u = await t.register();
    const upper = u.username.toUpperCase();
    const r1 = await t.api
      .post('/api/auth/register')
      .send({ username: upper, email: `other_${u.username}@x.test`, password: 'long enough pw' });
    expectError(r1, 409, 'USERNAME_TAKEN');
    const r2 = await t.api
      .post('/api/auth/register')
      .send({ username: uniqueName('e'), email: `${u.username}@example.test`.toUpperCase(), password: 'long enough pw' });
    expectError(r2, 409, 'EMAIL_TAKEN');
  });

  it('two concurrent registrations of one name: one 201, the other 409', async () => {
    for (let round = 0; round < 5; round++) {
      const name = uniqueName('race');
      const results = await Promise.all([
        t.api.post('/api/auth/register').send({ username: name, email: `${name}@one.test`, password: 'long enough pw' }),
        t.api.post('/api/auth/register').send({ username: name.toUpperCase(), email: `${name}@two.test`, password: 'long enough pw' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expectError(
        results.find((r) => r.status === 409)!,
        409,
        'USERNAME_TAKEN',
      );
    }
  });

  it('refuses bad fields with 400 details naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ username: 'ab', email: 'a@b.test', password: 'long enough pw' }, 'username'],
      [{ username: 'bad name', email: 'a@b.test', password: 'long enough pw' }, 'username'],
      [{ username: uniqueName(), email: 'not-an-email', password: 'long enough pw' }, 'email'],
      [{ username: uniqueName(), email: 'a@b.test', password: 'short' }, 'password'],
      [{ username: uniqueName(), email: 'a@b.test', password: 'long enough pw', extra: 1 }, ''],
      [{ email: 'a@b.test', password: 'long enough pw' }, 'username'],
    ];
    for (const [body, path] of cases) {
      const res = await t.api.post('/api/auth/register').send(body);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect((res.body.error.details as { path: string }[]).map((d) => d.path)).toContain(path);
    }
  });

  it('refuses a password over 72 UTF-8 bytes (30 emoji) instead of truncating, accepts exactly 72', async () => {
    const tooLong = '😀'.repeat(30);
    const res = await t.api.post('/api/auth/register').send({ username: uniqueName(), email: `${uniqueName()}@x.test`, password: tooLong });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details[0].path).toBe('password');
    const exact = '😀'.repeat(18); // 72 bytes
    const ok = await t.api.post('/api/auth/register').send({ username: uniqueName(), email: `${uniqueName()}@x.test`, password: exact });
    expectStatus(ok, 201);
  });
});

describe('login', () => {
  let u: TestUser;
  beforeAll(async () => {
    u = await t.register();
  });

  it('by username or email, case-insensitively', async () => {
    for (const name of [u.username, u.username.toUpperCase(), `${u.username}@example.test`, `${u.username}@EXAMPLE.test`.toUpperCase()]) {
      const res = await login(t, name, u.password);
      expectStatus(res, 200);
      expect(res.body.user.id).toBe(u.id);
    }
  });

  it('answers the same 401 INVALID_CREDENTIALS for an unknown user and a wrong password', async () => {
    const a = await login(t, 'nobody_' + uniqueName(), 'whatever password');
    const b = await login(t, u.username, 'wrong password!');
    expectError(a, 401, 'INVALID_CREDENTIALS');
    expectError(b, 401, 'INVALID_CREDENTIALS');
    expect(a.body).toEqual(b.body);
  });

  it('does not accept the stored password with extra bytes past 72 (bcrypt would ignore them)', async () => {
    const password = 'p'.repeat(72);
    const v = await t.register(uniqueName(), password);
    expectStatus(await login(t, v.username, password), 200);
    expectError(await login(t, v.username, password + 'anything'), 401, 'INVALID_CREDENTIALS');
  });

  it('records the device name in the session list', async () => {
    const res = await t.api.post('/api/auth/login').send({ login: u.username, password: u.password, deviceName: 'Laptop' });
    expectStatus(res, 200);
    const sessions = await t.api.get('/api/auth/sessions').set(bearer(res.body.accessToken));
    expect((sessions.body as SessionInfo[]).find((s) => s.current)?.deviceName).toBe('Laptop');
  });

  it('registration may name the device of its first session too', async () => {
    const name = uniqueName();
    const res = await t.api
      .post('/api/auth/register')
      .send({ username: name, email: `${name}@example.test`, password: 'long enough pw', deviceName: 'Web · Firefox on Linux' });
    expectStatus(res, 201);
    const sessions = await t.api.get('/api/auth/sessions').set(bearer(res.body.accessToken));
    expect((sessions.body as SessionInfo[])[0]?.deviceName).toBe('Web · Firefox on Linux');
  });
});

describe('tokens', () => {
  it('refuses a missing, malformed, forged or expired access token', async () => {
    const u = await t.register();
    expectError(await t.api.get('/api/users/me'), 401, 'UNAUTHENTICATED');
    expectError(await t.api.get('/api/users/me').set({ Authorization: 'Bearer' }), 401, 'UNAUTHENTICATED');
    expectError(await t.api.get('/api/users/me').set({ Authorization: 'Basic abc' }), 401, 'UNAUTHENTICATED');
    expectError(await t.api.get('/api/users/me').set(bearer('not.a.jwt')), 401, 'UNAUTHENTICATED');
    const [h, p] = u.accessToken.split('.');
    expectError(await t.api.get('/api/users/me').set(bearer(`${h}.${p}.`)), 401, 'UNAUTHENTICATED');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expectError(await t.api.get('/api/users/me').set(bearer(`${none}.${p}.`)), 401, 'UNAUTHENTICATED');
    const sid = JSON.parse(Buffer.from(p!, 'base64url').toString()).sid as number;
    const past = Math.floor(Date.now() / 1000) - 60;
    const claims = { sid, sub: String(u.id), iss: 'messenger', aud: 'messenger-api' };
    const expired = jwt.sign({ ...claims, iat: past - 900, exp: past }, t.config.jwtSecret, { algorithm: 'HS256' });
    expectError(await t.api.get('/api/users/me').set(bearer(expired)), 401, 'TOKEN_EXPIRED');
    const wrongKey = jwt.sign(claims, 'another-secret-that-is-long-enough-012345', { algorithm: 'HS256', expiresIn: '5m' });
    expectError(await t.api.get('/api/users/me').set(bearer(wrongKey)), 401, 'UNAUTHENTICATED');
  });
});

describe('refresh', () => {
  it('rotates: a new refresh token, the old one spent', async () => {
    const u = await t.register();
    const r1 = await refresh(u.refreshToken);
    expectStatus(r1, 200);
    const next = r1.body as AuthResult;
    expect(next.refreshToken).not.toBe(u.refreshToken);
    expect(next.user.id).toBe(u.id);
    expectStatus(await t.api.get('/api/users/me').set(bearer(next.accessToken)), 200);
    const r2 = await refresh(next.refreshToken);
    expectStatus(r2, 200);
  });

  it('reuse of a spent token revokes the whole session: the new refresh and access tokens stop working', async () => {
    const u = await t.register();
    const other = await login(t, u.username, u.password); // another session of the same user, unaffected
    const r1 = (await refresh(u.refreshToken)).body as AuthResult;
    // r1 was received and used: the first token coming back now is not a lost answer but a leak (grace or not).
    const r2 = (await refresh(r1.refreshToken)).body as AuthResult;
    const reuse = await refresh(u.refreshToken);
    expectError(reuse, 401, 'REUSE_DETECTED');
    expectError(await refresh(r2.refreshToken), 401, 'REUSE_DETECTED');
    expectError(await t.api.get('/api/users/me').set(bearer(r2.accessToken)), 401, 'REUSE_DETECTED');
    expectError(await t.api.get('/api/users/me').set(u.auth), 401);
    expectStatus(await t.api.get('/api/users/me').set(bearer(other.body.accessToken)), 200);
  });

  it('refuses unknown and missing refresh tokens with 401', async () => {
    expectError(await refresh('x'.repeat(43)), 401, 'UNAUTHENTICATED');
    expectError(await t.api.post('/api/auth/refresh').send({}), 401, 'UNAUTHENTICATED');
  });

  it('concurrent refreshes of one token all get the one successor (never a second one, never a lock error)', async () => {
    // Several rounds: on MySQL the racing transactions take turns on the row lock (or deadlock and are retried).
    for (let round = 0; round < 8; round++) {
      const u = await t.register();
      const results = await Promise.all([refresh(u.refreshToken), refresh(u.refreshToken), refresh(u.refreshToken)]);
      for (const r of results) expectStatus(r, 200);
      const successors = new Set(results.map((r) => (r.body as AuthResult).refreshToken));
      expect(successors.size).toBe(1);
      const [successor] = [...successors];
      expect(successor).not.toBe(u.refreshToken);
      // The family is intact: the successor rotates on, and the session list still shows one session.
      const next = await refresh(successor!);
      expectStatus(next, 200);
      expect(
        ((await t.api.get('/api/auth/sessions').set(bearer((next.body as AuthResult).accessToken))).body as SessionInfo[]).length,
      ).toBe(1);
    }
  });
});

describe('logout and sessions', () => {
  it('logout revokes the session: access token then 401, refresh refused', async () => {
    const u = await t.register();
    expectStatus(await t.api.post('/api/auth/logout').set(u.auth).send({ refreshToken: u.refreshToken }), 204);
    expectError(await t.api.get('/api/users/me').set(u.auth), 401, 'LOGGED_OUT');
    expectError(await refresh(u.refreshToken), 401, 'LOGGED_OUT');
  });

  it('logout needs authentication', async () => {
    expectError(await t.api.post('/api/auth/logout').send({}), 401, 'UNAUTHENTICATED');
  });

  it('lists sessions with current, revokes another one, 404 for sessions not mine', async () => {
    const u = await t.register();
    const second = (await login(t, u.username, u.password)).body as AuthResult;
    const list = await t.api.get('/api/auth/sessions').set(u.auth);
    expectStatus(list, 200);
    const sessions = list.body as SessionInfo[];
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.find((s) => !s.current)!;
    const stranger = await t.register();
    expectError(await t.api.delete(`/api/auth/sessions/${other.id}`).set(stranger.auth), 404, 'NOT_FOUND');
    expectStatus(await t.api.get('/api/users/me').set(bearer(second.accessToken)), 200);
    expectStatus(await t.api.delete(`/api/auth/sessions/${other.id}`).set(u.auth), 204);
    expectError(await t.api.get('/api/users/me').set(bearer(second.accessToken)), 401, 'SESSION_REVOKED');
    expectError(await refresh(second.refreshToken), 401, 'SESSION_REVOKED');
    expectStatus(await t.api.get('/api/users/me').set(u.auth), 200);
    expect((await t.api.get('/api/auth/sessions').set(u.auth)).body).toHaveLength(1);
    expectError(await t.api.delete(`/api/auth/sessions/${other.id}`).set(u.auth), 404, 'NOT_FOUND');
    expectError(await t.api.delete('/api/auth/sessions/abc').set(u.auth), 400, 'VALIDATION_FAILED');
    expectError(await t.api.get('/api/auth/sessions'), 401);
  });

  it('a session keeps its id across refreshes', async () => {
    const u = await t.register();
    const before = ((await t.api.get('/api/auth/sessions').set(u.auth)).body as SessionInfo[])[0]!;
    const next = (await refresh(u.refreshToken)).body as AuthResult;
    const after = ((await t.api.get('/api/auth/sessions').set(bearer(next.accessToken))).body as SessionInfo[])[0]!;
    expect(after.id).toBe(before.id);
    expect(after.current).toBe(true);
  });
});

describe('password change', () => {
  it('revokes other sessions but not the current one; old password stops working', async () => {
    const u = await t.register();
    const other = (await login(t, u.username, u.password)).body as AuthResult;
    const res = await t.api
      .post('/api/users/me/password')
      .set(u.auth)
      .send({ currentPassword: u.password, newPassword: 'a brand new password' });
    expectStatus(res, 204);
    expectStatus(await t.api.get('/api/users/me').set(u.auth), 200);
    expectError(await t.api.get('/api/users/me').set(bearer(other.accessToken)), 401, 'PASSWORD_CHANGED');
    expectError(await refresh(other.refreshToken), 401, 'PASSWORD_CHANGED');
    expectStatus(await refresh(u.refreshToken), 200);
    expectError(await login(t, u.username, u.password), 401, 'INVALID_CREDENTIALS');
    expectStatus(await login(t, u.username, 'a brand new password'), 200);
  });

  it('refuses a wrong current password (403) and an invalid new one (400)', async () => {
    const u = await t.register();
    expectError(
      await t.api
        .post('/api/users/me/password')
        .set(u.auth)
        .send({ currentPassword: 'not it at all', newPassword: 'another new password' }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await t.api
        .post('/api/users/me/password')
        .set(u.auth)
        .send({ currentPassword: u.password, newPassword: '😀'.repeat(30) }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await t.api.post('/api/users/me/password').set(u.auth).send({ currentPassword: u.password, newPassword: 'short' }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await t.api.post('/api/users/me/password').send({ currentPassword: u.password, newPassword: 'another new password' }), 401);
    expectStatus(await login(t, u.username, u.password), 200);
  });
});

describe('disabled account', () => {
  it('cannot log in (403 ACCOUNT_DISABLED), its tokens stop working, refresh refused; enabling restores login', async () => {
    const u = await t.register();
    await t.server.services.auth.setAccountStatus(u.id, 'disabled');
    expectError(await login(t, u.username, u.password), 403, 'ACCOUNT_DISABLED');
    // A wrong password still answers like any wrong password: nothing is revealed without the password.
    expectError(await login(t, u.username, 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    const me = await t.api.get('/api/users/me').set(u.auth);
    expectError(me, undefined);
    expect([401, 403]).toContain(me.status);
    const r = await refresh(u.refreshToken);
    expectError(r, undefined);
    expect([401, 403]).toContain(r.status);
    await t.server.services.auth.setAccountStatus(u.id, 'active');
    expectStatus(await login(t, u.username, u.password), 200);
  });

  it('a disabled user disappears from search and cannot be added to rooms', async () => {
    const a = await t.register();
    const u = await t.register();
    await t.server.services.auth.setAccountStatus(u.id, 'disabled');
    const search = await t.api.get('/api/users').query({ q: u.username }).set(a.auth);
    expect(search.body).toEqual([]);
    expectError(await t.api.post('/api/rooms/direct').set(a.auth).send({ userId: u.id }), 404, 'NOT_FOUND');
  });
});

describe('rate limits', () => {
  let r: TestServer;
  beforeAll(async () => {
    r = await startTestServer({ LOGIN_RATE_LIMIT: '3', REGISTER_RATE_LIMIT: '3', TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await r?.close();
  });
  const from = (ip: string) => ({ 'X-Forwarded-For': ip });

  it('failed logins per account+address: 429 with Retry-After; other addresses and accounts still log in', async () => {
    const u = await r.register();
    const v = await r.register();
    for (let i = 0; i < 3; i++) expectError(await login(r, u.username, 'wrong password!', from('10.0.0.1')), 401, 'INVALID_CREDENTIALS');
    const limited = await login(r, u.username, 'wrong password!', from('10.0.0.1'));
    expectError(limited, 429, 'RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 15 * 60).toBe(true);
    // Even the right password is refused from that address for that account, without a bcrypt check ...
    expectError(await login(r, u.username, u.password, from('10.0.0.1')), 429, 'RATE_LIMITED');
    // ... the same account typed in another case, or reached by its email, counts as the same account ...
    expectError(await login(r, u.username.toUpperCase(), u.password, from('10.0.0.1')), 429, 'RATE_LIMITED');
    expectError(await login(r, `${u.username}@example.test`, u.password, from('10.0.0.1')), 429, 'RATE_LIMITED');
    // ... but a stranger cannot lock the account out for its owner elsewhere,
    expectStatus(await login(r, u.username, u.password, from('10.0.0.2')), 200);
    // and other accounts from that address still work.
    expectStatus(await login(r, v.username, v.password, from('10.0.0.1')), 200);
  });

  it('failed logins per address across accounts', async () => {
    const u = await r.register();
    // The per-address budget is ten times the per-account one.
    for (let i = 0; i < 30; i++) expectError(await login(r, `ghost${i}_${uniqueName()}`, 'wrong password!', from('10.0.1.1')), 401);
    expectError(await login(r, u.username, u.password, from('10.0.1.1')), 429, 'RATE_LIMITED');
    expectStatus(await login(r, u.username, u.password, from('10.0.1.2')), 200);
  });

  it('registrations per address: 429 with Retry-After, another address may still register', async () => {
    const reg = (ip: string) => {
      const name = uniqueName('rl');
      return r.api
        .post('/api/auth/register')
        .set(from(ip))
        .send({ username: name, email: `${name}@x.test`, password: 'long enough pw' });
    };
    for (let i = 0; i < 3; i++) expectStatus(await reg('10.0.2.1'), 201);
    const limited = await reg('10.0.2.1');
    expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expectStatus(await reg('10.0.2.2'), 201);
  });
});

describe('login timing', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ BCRYPT_ROUNDS: '8' });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('unknown user and wrong password take about the same time', async () => {
    const u = await s.register();
    const time = async (loginName: string) => {
      const start = performance.now();
      const res = await login(s, loginName, 'wrong password!');
      expectError(res, 401, 'INVALID_CREDENTIALS');
      return performance.now() - start;
    };
    await time('warmup_unknown'); // the dummy hash is made on first use
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 11; i++) {
      unknown.push(await time(`nobody_${i}`));
      wrong.push(await time(u.username));
    }
    const ratio = median(unknown) / median(wrong);
    expect(ratio, `unknown ${median(unknown).toFixed(1)} ms vs wrong ${median(wrong).toFixed(1)} ms`).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});

describe('refresh grace (a lost refresh answer)', () => {
  let g: TestServer;
  beforeAll(async () => {
    g = await startTestServer({ REFRESH_GRACE_SECONDS: '2' });
  });
  afterAll(async () => {
    await g?.close();
  });
  const refreshOn = (token: string) => g.api.post('/api/auth/refresh').send({ refreshToken: token });

  it('the spent token again within the window: 200 with the same successor, and the session lives on', async () => {
    const u = await g.register();
    const first = await refreshOn(u.refreshToken);
    expectStatus(first, 200);
    // The answer was lost: the client presents the same token again.
    const again = await refreshOn(u.refreshToken);
    expectStatus(again, 200);
    const a = first.body as AuthResult;
    const b = again.body as AuthResult;
    expect(b.refreshToken).toBe(a.refreshToken);
    expect(b.user.id).toBe(u.id);
    expectStatus(await g.api.get('/api/users/me').set(bearer(b.accessToken)), 200);
    expectStatus(await g.api.get('/api/users/me').set(bearer(a.accessToken)), 200);
    expectStatus(await refreshOn(b.refreshToken), 200);
  });

  it('after the window, the spent token revokes the whole family (REUSE_DETECTED)', async () => {
    const u = await g.register();
    const first = (await refreshOn(u.refreshToken)).body as AuthResult;
    // Waiting out a configured lifetime (not a "nothing arrived" check): the window is 2 s.
    await new Promise((r) => setTimeout(r, 2300));
    expectError(await refreshOn(u.refreshToken), 401, 'REUSE_DETECTED');
    expectError(await refreshOn(first.refreshToken), 401, 'REUSE_DETECTED');
    expectError(await g.api.get('/api/users/me').set(bearer(first.accessToken)), 401, 'REUSE_DETECTED');
  });
});
