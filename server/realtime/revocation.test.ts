// Revocation reaches open sockets with the reason as a code, whichever process made the change (the admin CLI runs in
// its own process, so only the periodic database check can tell this server); per-socket budget and per-user cap.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResult } from '../../protocol/types.js';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.js';
import { baseEnv, repoRoot, run } from '../test/processes.js';
import { connectError, connectReady, once, waitFor, type ClientSocket } from '../test/sockets.js';

const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
let t: TestServer;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestServer({ MAX_SOCKETS_PER_USER: '3', REFRESH_GRACE_SECONDS: '0' });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

async function open(token: string): Promise<ClientSocket> {
  const { socket } = await connectReady(t.url, token);
  sockets.push(socket);
  return socket;
}

async function secondSession(u: TestUser): Promise<AuthResult> {
  const res = await t.api.post('/api/auth/login').send({ login: u.username, password: u.password });
  expect(res.status).toBe(200);
  return res.body as AuthResult;
}

describe('revocation reaches open sockets with its code', () => {
  it('admin disable-user in its own process: the socket gets ACCOUNT_DISABLED within 2 s', async () => {
    const u = await t.register();
    const socket = await open(u.accessToken);
    let revokedAt = 0;
    const revoked = once(socket, 'session:revoked', 60_000).then((p) => {
      revokedAt = Date.now();
      return p;
    });
    const env = baseEnv({
      NODE_ENV: 'test',
      DATA_DIR: t.config.dataDir,
      JWT_SECRET: t.config.jwtSecret,
      BCRYPT_ROUNDS: '4',
      ...(t.config.databaseUrl ? { DATABASE_URL: t.config.databaseUrl } : {}),
    });
    const res = await run(tsx, [path.join(repoRoot, 'server/cli/admin.ts'), 'disable-user', u.username], {
      env,
      cwd: t.config.dataDir,
      timeoutMs: 60_000,
    });
    const cliDone = Date.now();
    expect(res.code, res.stderr).toBe(0);
    expect(await revoked).toMatchObject({ code: 'ACCOUNT_DISABLED' });
    // The CLI commits before it exits; the server must have told the socket at most 2 s after that.
    expect(revokedAt - cliDone).toBeLessThanOrEqual(2000);
    await waitFor(() => socket.disconnected, 5000, 'disconnect');
    expect((await connectError(t.url, u.accessToken)).message).toBe('ACCOUNT_DISABLED');
  }, 90_000);

  it('logout -> LOGGED_OUT, password change -> PASSWORD_CHANGED, session deleted -> SESSION_REVOKED', async () => {
    const u = await t.register();
    const other = await secondSession(u);
    const s1 = await open(u.accessToken);
    const s2 = await open(other.accessToken);

    // Deleting the other session from this one.
    const sessions = (await t.api.get('/api/auth/sessions').set(u.auth)).body as { id: number; current: boolean }[];
    const otherId = sessions.find((s) => !s.current)!.id;
    const ended2 = once(s2, 'session:revoked');
    expect((await t.api.delete(`/api/auth/sessions/${otherId}`).set(u.auth)).status).toBe(204);
    expect(await ended2).toMatchObject({ code: 'SESSION_REVOKED' });
    expect((await connectError(t.url, other.accessToken)).message).toBe('SESSION_REVOKED');

    // Password change from a third session ends every other one.
    const third = await secondSession(u);
    const ended1 = once(s1, 'session:revoked');
    const changed = await t.api
      .post('/api/users/me/password')
      .set({ Authorization: `Bearer ${third.accessToken}` })
      .send({ currentPassword: u.password, newPassword: 'a brand new password' });
    expect(changed.status).toBe(204);
    expect(await ended1).toMatchObject({ code: 'PASSWORD_CHANGED' });
    expect((await connectError(t.url, u.accessToken)).message).toBe('PASSWORD_CHANGED');

    // Logout of the third session.
    const s3 = await open(third.accessToken);
    const ended3 = once(s3, 'session:revoked');
    await t.api
      .post('/api/auth/logout')
      .set({ Authorization: `Bearer ${third.accessToken}` })
      .send({ refreshToken: third.refreshToken });
    expect(await ended3).toMatchObject({ code: 'LOGGED_OUT' });
    await waitFor(() => s3.disconnected, 5000, 'disconnect');
  });

  it('refresh token reuse -> REUSE_DETECTED on the open socket', async () => {
    const u = await t.register();
    const s = await open(u.accessToken);
    expect((await t.api.post('/api/auth/refresh').send({ refreshToken: u.refreshToken })).status).toBe(200);
    const ended = once(s, 'session:revoked');
    const reuse = await t.api.post('/api/auth/refresh').send({ refreshToken: u.refreshToken });
    expect(reuse.status).toBe(401);
    expect((reuse.body as { error: { code: string } }).error.code).toBe('REUSE_DETECTED');
    expect(await ended).toMatchObject({ code: 'REUSE_DETECTED' });
  });
});

describe('socket budget and cap', () => {
  it('a flood of unknown events ends in a disconnect', async () => {
    const u = await t.register();
    const s = await open(u.accessToken);
    // An unknown event with an ack is answered (that is the sentinel that events are being read at all).
    const answer = (await s.timeout(5000).emitWithAck('no:such-event' as 'typing', {} as never)) as unknown;
    expect(answer).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    for (let i = 0; i < 3000 && s.connected; i++) (s.emit as (event: string, ...args: unknown[]) => void)('no:such-event', i);
    await waitFor(() => s.disconnected, 15_000, 'disconnect after the flood');
  }, 30_000);

  it('at most MAX_SOCKETS_PER_USER sockets per user; the next is refused with TOO_MANY_SOCKETS', async () => {
    const u = await t.register();
    const open3 = [await open(u.accessToken), await open(u.accessToken), await open(u.accessToken)];
    const refused = await connectError(t.url, u.accessToken);
    expect(refused.message).toBe('TOO_MANY_SOCKETS');
    expect(refused.data).toMatchObject({ code: 'TOO_MANY_SOCKETS' });
    // Another user is not affected, and a closed socket frees its place.
    const other = await t.register();
    await open(other.accessToken);
    open3[0]!.close();
    await waitFor(() => open3[0]!.disconnected, 5000, 'closed');
    // The server notices the close asynchronously: retry until the place is free.
    let connected: ClientSocket | undefined;
    for (let i = 0; i < 50 && !connected; i++) {
      connected = await open(u.accessToken).catch(() => undefined);
      if (!connected) await new Promise((r) => setTimeout(r, 100));
    }
    expect(connected?.connected).toBe(true);
  });
});
