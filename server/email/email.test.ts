// Email over a real SMTP server (smtp-server on a free port): what it received is what a user would read. Reset links
// asked for by address, verification at registration (optional and required), the notice when the address changes,
// no account probing, rate limits, and a server without SMTP_URL (no email features, everything else works).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthConfig, RegisterPending } from '../../protocol/admin.js';
import type { AuthResult, UserSelf } from '../../protocol/types.js';
import { expectError, expectStatus } from '../test/expect.js';
import { startTestServer, uniqueName, type TestServer } from '../test/harness.js';
import { linkToken, startSmtp, type TestSmtp } from '../test/smtp.js';

const PASSWORD = 'correct horse battery';

describe('without SMTP_URL', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('says email is off, refuses email requests with EMAIL_DISABLED, and everything else works', async () => {
    const config = await t.api.get('/api/auth/config');
    expect(config.body).toMatchObject({
      registration: 'open',
      emailEnabled: false,
      emailVerification: 'off',
    } satisfies Partial<AuthConfig>);
    const u = await t.register();
    expect(u.user.emailVerified).toBe(false);
    expectError(await t.api.post('/api/auth/password-reset/request').send({ email: u.user.email }), 409, 'EMAIL_DISABLED');
    expectError(await t.api.post('/api/auth/verify-email/resend').send({ email: u.user.email }), 409, 'EMAIL_DISABLED');
    const changed = await t.api
      .put('/api/users/me/email')
      .set(u.auth)
      .send({ email: `new_${u.username}@example.test`, currentPassword: PASSWORD });
    expectStatus(changed, 200);
    expect((changed.body as UserSelf).email).toBe(`new_${u.username}@example.test`.toLowerCase());
    expectStatus(await t.api.post('/api/auth/login').send({ login: `new_${u.username}@example.test`, password: PASSWORD }), 200);
  });

  it('EMAIL_VERIFICATION other than off needs SMTP_URL (start-up refuses)', async () => {
    await expect(startTestServer({ EMAIL_VERIFICATION: 'required' })).rejects.toThrow(/EMAIL_VERIFICATION=required needs SMTP_URL/);
  });
});

describe('with SMTP_URL (verification optional, the default)', () => {
  let t: TestServer;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestServer({ SMTP_URL: smtp.url, SMTP_FROM: 'Team Chat <chat@example.test>', EMAIL_RATE_LIMIT: '3', TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('/auth/config says email is on', async () => {
    expect((await t.api.get('/api/auth/config')).body).toMatchObject({
      registration: 'open',
      emailEnabled: true,
      emailVerification: 'optional',
    });
  });

  it('registration sends a verification link in both languages; it confirms the address once', async () => {
    const u = await t.register();
    expect(u.user.emailVerified).toBe(false);
    const mail = await smtp.waitFor(u.user.email, (m) => m.subject.includes('Confirm'));
    expect(mail.from).toContain('chat@example.test');
    expect(mail.text).toContain('Please confirm');
    expect(mail.text).toContain('请确认');
    const token = linkToken(mail, 'verify-email');
    expect(mail.html).toContain(`#/verify-email/${token}`);
    expect(mail.text).toContain(`${t.url}/#/verify-email/${token}`);
    expectStatus(await t.api.post('/api/auth/verify-email').send({ token }), 204);
    expect((await t.api.get('/api/users/me').set(u.auth)).body).toMatchObject({ emailVerified: true });
    expectError(await t.api.post('/api/auth/verify-email').send({ token }), 400, 'VERIFICATION_LINK_INVALID');
    expectError(await t.api.post('/api/auth/verify-email').send({ token: 'nope' }), 400, 'VERIFICATION_LINK_INVALID');
    expectError(await t.api.post('/api/auth/verify-email').send({ token: 'a b' }), 400, 'VALIDATION_FAILED');
  });

  it('a reset link asked for by address works once and ends every session (PASSWORD_CHANGED)', async () => {
    const u = await t.register();
    expectStatus(await t.api.post('/api/auth/password-reset/request').send({ email: u.user.email.toUpperCase() }), 202);
    const mail = await smtp.waitFor(u.user.email, (m) => m.subject.includes('Reset'));
    expect(mail.text).toContain('请求重置');
    const token = linkToken(mail, 'reset-password');
    expectStatus(await t.api.post('/api/auth/password-reset').send({ token, newPassword: 'a brand new secret' }), 204);
    expectError(await t.api.post('/api/auth/refresh').send({ refreshToken: u.refreshToken }), 401, 'PASSWORD_CHANGED');
    expectError(await t.api.post('/api/auth/login').send({ login: u.username, password: PASSWORD }), 401, 'INVALID_CREDENTIALS');
    expectStatus(await t.api.post('/api/auth/login').send({ login: u.username, password: 'a brand new secret' }), 200);
    expectError(await t.api.post('/api/auth/password-reset').send({ token, newPassword: 'yet another secret' }), 400, 'RESET_LINK_INVALID');
  });

  it('answers 202 for an address no account has, and sends nothing there', async () => {
    const ghost = `${uniqueName('ghost')}@example.test`;
    const u = await t.register();
    expectStatus(await t.api.post('/api/auth/password-reset/request').send({ email: ghost }), 202);
    // The sentinel: a request made after it arrives, so one for the ghost would have arrived too.
    expectStatus(await t.api.post('/api/auth/password-reset/request').send({ email: u.user.email }), 202);
    await smtp.waitFor(u.user.email, (m) => m.subject.includes('Reset'));
    expect(smtp.received.filter((m) => m.to === ghost.toLowerCase())).toEqual([]);
    expectError(await t.api.post('/api/auth/password-reset/request').send({ email: 'not an address' }), 400, 'VALIDATION_FAILED');
  });

  it('requests are rate limited per address (429 RATE_LIMITED with retryAfter), whether or not it exists', async () => {
    const ghost = `${uniqueName('ghost')}@example.test`;
    const from = { 'X-Forwarded-For': '10.9.0.1' };
    for (let i = 0; i < 3; i++) expectStatus(await t.api.post('/api/auth/password-reset/request').set(from).send({ email: ghost }), 202);
    const limited = await t.api.post('/api/auth/password-reset/request').set(from).send({ email: ghost });
    expectError(limited, 429, 'RATE_LIMITED');
    expect((limited.body as { error: { retryAfter: number } }).error.retryAfter).toBeGreaterThan(0);
    // Resends count against the same address.
    expectError(await t.api.post('/api/auth/verify-email/resend').set(from).send({ email: ghost }), 429, 'RATE_LIMITED');
    expectStatus(
      await t.api
        .post('/api/auth/password-reset/request')
        .set(from)
        .send({ email: `other_${ghost}` }),
      202,
    );
  });

  it('changing the address needs the password, tells the old address, and asks the new one to confirm', async () => {
    const u = await t.register();
    const first = await smtp.waitFor(u.user.email, (m) => m.subject.includes('Confirm'));
    const newEmail = `moved_${u.username}@example.test`.toLowerCase();
    expectError(
      await t.api.put('/api/users/me/email').set(u.auth).send({ email: newEmail, currentPassword: 'wrong password!' }),
      403,
      'FORBIDDEN',
    );
    const other = await t.register();
    expectError(
      await t.api.put('/api/users/me/email').set(u.auth).send({ email: other.user.email, currentPassword: PASSWORD }),
      409,
      'EMAIL_TAKEN',
    );
    const res = await t.api.put('/api/users/me/email').set(u.auth).send({ email: newEmail, currentPassword: PASSWORD });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ email: newEmail, emailVerified: false });
    const notice = await smtp.waitFor(u.user.email, (m) => m.subject.includes('changed'));
    expect(notice.text).toContain(newEmail);
    expect(notice.text).toContain('已更改');
    const confirm = await smtp.waitFor(newEmail, (m) => m.subject.includes('Confirm'));
    // The link sent to the old address no longer confirms anything; the new one does.
    expectError(
      await t.api.post('/api/auth/verify-email').send({ token: linkToken(first, 'verify-email') }),
      400,
      'VERIFICATION_LINK_INVALID',
    );
    expectStatus(await t.api.post('/api/auth/verify-email').send({ token: linkToken(confirm, 'verify-email') }), 204);
    expect((await t.api.get('/api/users/me').set(u.auth)).body).toMatchObject({ email: newEmail, emailVerified: true });
  });
});

describe('EMAIL_VERIFICATION=required', () => {
  let t: TestServer;
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestServer({ SMTP_URL: smtp.url, EMAIL_VERIFICATION: 'required', PUBLIC_URL: 'https://chat.example.test/' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('registration answers 201 without tokens; login waits for the link (403 EMAIL_UNVERIFIED); resend sends a new one', async () => {
    const name = uniqueName();
    const email = `${name}@example.test`.toLowerCase();
    const reg = await t.api.post('/api/auth/register').send({ username: name, email, password: PASSWORD });
    expectStatus(reg, 201);
    const pending = reg.body as RegisterPending & Partial<AuthResult>;
    expect(pending.verificationRequired).toBe(true);
    expect(pending.user).toMatchObject({ username: name, email, emailVerified: false });
    expect(pending.accessToken).toBeUndefined();
    expect(pending.refreshToken).toBeUndefined();
    const first = await smtp.waitFor(email);
    expect(first.text).toContain('https://chat.example.test/#/verify-email/');

    expectError(await t.api.post('/api/auth/login').send({ login: name, password: PASSWORD }), 403, 'EMAIL_UNVERIFIED');
    // A wrong password is still just wrong: the address state is told only to whoever knows the password.
    expectError(await t.api.post('/api/auth/login').send({ login: name, password: 'wrong password!' }), 401, 'INVALID_CREDENTIALS');

    expectStatus(await t.api.post('/api/auth/verify-email/resend').send({ email }), 202);
    expectStatus(await t.api.post('/api/auth/verify-email/resend').send({ email: `${uniqueName('ghost')}@example.test` }), 202);
    await smtp.waitFor(email, (m) => linkToken(m, 'verify-email') !== linkToken(first, 'verify-email'));
    const second = smtp.received.filter((m) => m.to === email)[1]!;
    expectStatus(await t.api.post('/api/auth/verify-email').send({ token: linkToken(second, 'verify-email') }), 204);
    const login = await t.api.post('/api/auth/login').send({ login: name, password: PASSWORD });
    expectStatus(login, 200);
    expect((login.body as AuthResult).user.emailVerified).toBe(true);
    // Once confirmed, a resend sends nothing more (the sentinel is another account's first link).
    expectStatus(await t.api.post('/api/auth/verify-email/resend').send({ email }), 202);
    const sentinel = uniqueName();
    await t.api.post('/api/auth/register').send({ username: sentinel, email: `${sentinel}@example.test`, password: PASSWORD });
    await smtp.waitFor(`${sentinel}@example.test`);
    expect(smtp.received.filter((m) => m.to === email)).toHaveLength(2);
  });
});

describe('SMTP trouble', () => {
  let t: TestServer;
  beforeAll(async () => {
    // Nothing listens there: every send fails.
    const dead = await startSmtp();
    const url = dead.url;
    await dead.close();
    t = await startTestServer({ SMTP_URL: url });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('never blocks or fails the answer: registration and reset requests answer as usual', async () => {
    const u = await t.register();
    const started = Date.now();
    expectStatus(await t.api.post('/api/auth/password-reset/request').send({ email: u.user.email }), 202);
    expect(Date.now() - started).toBeLessThan(5000);
    expectStatus(await t.api.get('/api/users/me').set(u.auth), 200);
  });
});
