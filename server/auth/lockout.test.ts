// The per-account login ceiling across every address: wrong passwords from anywhere make the account wait 1 s, 2 s,
// 4 s ... up to LOGIN_LOCKOUT_MAX (429 RATE_LIMITED with retryAfter), even for the right password; a correct login
// after the wait and a password reset clear it; names of no account behave the same (no probing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PasswordResetLink } from '../../protocol/admin.js';
import { expectError, expectStatus } from '../test/expect.js';
import { startTestServer, uniqueName, type TestServer, type TestUser } from '../test/harness.js';

let t: TestServer;
let admin: TestUser;
beforeAll(async () => {
  // The per-account+address limiter is out of the way, so only the ceiling across addresses answers here.
  t = await startTestServer({ LOGIN_LOCKOUT_AFTER: '3', LOGIN_LOCKOUT_MAX: '2s', LOGIN_RATE_LIMIT: '1000', TRUST_PROXY: '1' });
  admin = await t.register();
});
afterAll(async () => {
  await t?.close();
});

let ip = 0;
/** Every attempt from a new address: the per-address limits never see the same one twice. */
const login = (name: string, password: string) =>
  t.api
    .post('/api/auth/login')
    .set({ 'X-Forwarded-For': `10.20.${Math.floor(++ip / 250)}.${(ip % 250) + 1}` })
    .send({ login: name, password });
const retryAfter = (res: { body: unknown }) => (res.body as { error: { retryAfter: number } }).error.retryAfter;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('login lockout per account', () => {
  it('wrong passwords from many addresses: an exponential wait, bounded, then a correct login clears it', async () => {
    const u = await t.register();
    for (let i = 0; i < 2; i++) expectError(await login(u.username, 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    // The third failure starts the wait (1 s) ...
    expectError(await login(u.username, 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    let locked = await login(u.username, u.password);
    expectError(locked, 429, 'RATE_LIMITED');
    expect(retryAfter(locked)).toBe(1);
    expect(locked.headers['retry-after']).toBe('1');
    // ... reached by the email as well ...
    expectError(await login(u.user.email, u.password), 429, 'RATE_LIMITED');
    await sleep(1100);
    // ... the next failure doubles it (2 s), and the cap (LOGIN_LOCKOUT_MAX=2s) holds it there.
    expectError(await login(u.username, 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    locked = await login(u.username, u.password);
    expectError(locked, 429, 'RATE_LIMITED');
    expect(retryAfter(locked)).toBe(2);
    await sleep(2100);
    expectError(await login(u.username, 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    expect(retryAfter(await login(u.username, u.password))).toBe(2);
    await sleep(2100);
    // The owner gets in after the wait, and that clears the count: one wrong password is just wrong again.
    expectStatus(await login(u.username, u.password), 200);
    expectError(await login(u.username, 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    expectStatus(await login(u.username, u.password), 200);
  });

  it("a session's password confirmations count too: wrong ones on password, email and account deletion make the account wait, logins included", async () => {
    const u = await t.register();
    const changePassword = (current: string) =>
      t.api.post('/api/users/me/password').set(u.auth).send({ currentPassword: current, newPassword: 'a brand new passphrase' });
    // Three wrong answers, one per form that asks for the password again: the third starts the wait (1 s).
    expectError(await changePassword('wrong password!'), 403, 'FORBIDDEN');
    const email = `${uniqueName()}@example.test`;
    expectError(await t.api.put('/api/users/me/email').set(u.auth).send({ email, currentPassword: 'wrong password!' }), 403, 'FORBIDDEN');
    expectError(await t.api.delete('/api/users/me').set(u.auth).send({ password: 'wrong password!' }), 403, 'FORBIDDEN');
    // While it waits, the right password is refused before it is checked, there and at login.
    const locked = await changePassword(u.password);
    expectError(locked, 429, 'RATE_LIMITED');
    expect(retryAfter(locked)).toBe(1);
    expectError(await login(u.username, u.password), 429, 'RATE_LIMITED');
    await sleep(1100);
    // After it, the right one works and clears the count.
    expectStatus(await changePassword(u.password), 204);
    expectStatus(await login(u.username, 'a brand new passphrase'), 200);
  });

  it('a password reset clears the wait at once', async () => {
    const u = await t.register();
    for (let i = 0; i < 3; i++) expectError(await login(u.username, 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    expectError(await login(u.username, u.password), 429, 'RATE_LIMITED');
    const link = await t.api.post(`/api/admin/users/${u.id}/password-reset`).set(admin.auth);
    expectStatus(link, 201);
    const { token } = link.body as PasswordResetLink;
    expectStatus(await t.api.post('/api/auth/password-reset').send({ token, newPassword: 'a brand new secret' }), 204);
    expectStatus(await login(u.username, 'a brand new secret'), 200);
  });

  it('a name no account has is answered the same way (no probing), and other accounts are unaffected', async () => {
    const ghost = uniqueName('ghost');
    const other = await t.register();
    for (let i = 0; i < 3; i++) expectError(await login(ghost, 'wrong password!'), 401, 'INVALID_CREDENTIALS');
    const locked = await login(ghost, 'wrong password!');
    expectError(locked, 429, 'RATE_LIMITED');
    expect(retryAfter(locked)).toBe(1);
    expectStatus(await login(other.username, other.password), 200);
  });
});
