// Administration over real HTTP and sockets: the first account is the administrator, registration modes and invites,
// disabling ends open sockets at once, one-time reset links, the audit log; non-admins get 403 everywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminUser, AuditEntry, Invite, PasswordResetLink, ServerStatus } from '../../protocol/admin.js';
import type { AuthResult, MyRoom } from '../../protocol/types.js';
import { startTestServer, uniqueName, type TestServer, type TestUser } from '../test/harness.js';
import { connectReady, once, waitFor, type ClientSocket } from '../test/sockets.js';

let t: TestServer;
let admin: TestUser;
let bob: TestUser;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestServer();
  admin = await t.register();
  bob = await t.register();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

const register = (extra: Record<string, unknown> = {}) => {
  const name = uniqueName();
  return t.api
    .post('/api/auth/register')
    .send({ username: name, email: `${name}@example.test`, password: 'correct horse battery', ...extra });
};
const setMode = async (registration: string) => {
  const res = await t.api.put('/api/admin/settings').set(admin.auth).send({ registration });
  expect(res.status).toBe(200);
};

describe('roles', () => {
  it('the first account on an empty server is the administrator; later ones are users', async () => {
    expect(admin.user.role).toBe('admin');
    expect(bob.user.role).toBe('user');
    const me = await t.api.get('/api/users/me').set(bob.auth);
    expect(me.body).toMatchObject({ role: 'user' });
  });

  it('a non-admin gets 403 FORBIDDEN on every admin route, even with bad input', async () => {
    const calls = [
      t.api.get('/api/admin/users'),
      t.api.patch(`/api/admin/users/${admin.id}`).send({ status: 'disabled' }),
      t.api.patch(`/api/admin/users/${admin.id}`).send({ nonsense: 1 }),
      t.api.post(`/api/admin/users/${admin.id}/revoke-sessions`),
      t.api.post(`/api/admin/users/${admin.id}/password-reset`),
      t.api.get('/api/admin/settings'),
      t.api.put('/api/admin/settings').send({ registration: 'closed' }),
      t.api.get('/api/admin/invites'),
      t.api.post('/api/admin/invites').send({}),
      t.api.delete('/api/admin/invites/1'),
      t.api.get('/api/admin/audit'),
      t.api.get('/api/admin/status'),
      t.api.delete(`/api/admin/users/${admin.id}`).send({ messages: 'delete' }),
      t.api.delete(`/api/admin/users/${admin.id}`).send({ messages: 'nonsense' }),
      t.api.get('/api/admin/rooms'),
      t.api.get('/api/admin/rooms').query({ limit: 'x' }),
      t.api.patch('/api/admin/rooms/1').send({ archived: true }),
      t.api.patch('/api/admin/rooms/1').send({ ownerId: bob.id }),
      t.api.delete('/api/admin/rooms/1'),
      t.api.put('/api/admin/settings').send({ roomOwnerInvites: true }),
    ];
    for (const [i, call] of calls.entries()) {
      const res = await call.set(bob.auth);
      expect(res.status, `call ${i}`).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('an admin makes another account admin, and that shows in the list and the audit log', async () => {
    const carol = await t.register();
    const res = await t.api.patch(`/api/admin/users/${carol.id}`).set(admin.auth).send({ role: 'admin' });
    expect(res.status).toBe(200);
    expect((res.body as AdminUser).role).toBe('admin');
    const list = await t.api.get('/api/admin/users').query({ q: carol.username }).set(admin.auth);
    expect((list.body as AdminUser[]).map((u) => [u.username, u.role, u.status])).toEqual([[carol.username, 'admin', 'active']]);
    const audit = (await t.api.get('/api/admin/audit').set(admin.auth)).body as AuditEntry[];
    expect(audit[0]).toMatchObject({ actorId: admin.id, actorName: admin.username, action: 'user.role', target: carol.username });
    expect(audit[0]!.ip).toBeTruthy();
    expect((await t.api.patch(`/api/admin/users/${admin.id}`).set(admin.auth).send({ role: 'user' })).status).toBe(403);
  });
});

describe('registration modes and invites', () => {
  it('closed: registration is refused and /auth/config says so; open again: it works', async () => {
    await setMode('closed');
    expect((await t.api.get('/api/auth/config')).body).toEqual({ registration: 'closed', emailEnabled: false, roomOwnerInvites: false });
    const refused = await register();
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('REGISTRATION_CLOSED');
    await setMode('open');
    expect((await register()).status).toBe(201);
  });

  it('invite: needs a live code; use counts, expiry and revocation are enforced; the invite joins its rooms', async () => {
    const room = await t.api
      .post('/api/rooms')
      .set(admin.auth)
      .send({ name: uniqueName('r'), visibility: 'private' });
    expect(room.status).toBe(201);
    const roomId = (room.body as MyRoom).id;
    await setMode('invite');
    expect((await register()).body.error.code).toBe('INVITE_INVALID');
    expect((await register({ invite: 'no-such-code' })).body.error.code).toBe('INVITE_INVALID');

    const created = await t.api
      .post('/api/admin/invites')
      .set(admin.auth)
      .send({ maxUses: 1, expiresInHours: 24, roomIds: [roomId] });
    expect(created.status).toBe(201);
    const invite = created.body as Invite;
    const ok = await register({ invite: invite.code });
    expect(ok.status).toBe(201);
    const rooms = await t.api.get('/api/rooms').set({ Authorization: `Bearer ${(ok.body as AuthResult).accessToken}` });
    expect((rooms.body as MyRoom[]).map((r) => r.id)).toContain(roomId);
    const usedUp = await register({ invite: invite.code });
    expect(usedUp.status).toBe(403);
    expect(usedUp.body.error.code).toBe('INVITE_INVALID');

    const expiring = (await t.api.post('/api/admin/invites').set(admin.auth).send({})).body as Invite;
    await t.server
      .knex('invites')
      .where({ id: expiring.id })
      .update({ expires_at: new Date(Date.now() - 1000) });
    expect((await register({ invite: expiring.code })).body.error.code).toBe('INVITE_INVALID');

    const revoked = (await t.api.post('/api/admin/invites').set(admin.auth).send({})).body as Invite;
    expect((await t.api.delete(`/api/admin/invites/${revoked.id}`).set(admin.auth)).status).toBe(204);
    expect((await register({ invite: revoked.code })).body.error.code).toBe('INVITE_INVALID');
    const listed = (await t.api.get('/api/admin/invites').set(admin.auth)).body as Invite[];
    expect(listed.map((i) => i.id)).not.toContain(revoked.id);
    expect(listed.find((i) => i.id === invite.id)).toMatchObject({ uses: 1, maxUses: 1 });
    await setMode('open');
  });
});

describe('accounts', () => {
  it("disabling a user ends that user's open sockets within 2 s, with ACCOUNT_DISABLED", async () => {
    const u = await t.register();
    const { socket } = await connectReady(t.url, u.accessToken);
    sockets.push(socket);
    const revoked = once(socket, 'session:revoked', 10_000);
    const sent = Date.now();
    const res = await t.api.patch(`/api/admin/users/${u.id}`).set(admin.auth).send({ status: 'disabled' });
    expect(res.status).toBe(200);
    expect((res.body as AdminUser).status).toBe('disabled');
    expect(await revoked).toMatchObject({ code: 'ACCOUNT_DISABLED' });
    await waitFor(() => socket.disconnected, 2000 - (Date.now() - sent), 'disconnect within 2 s');
    const login = await t.api.post('/api/auth/login').send({ login: u.username, password: u.password });
    expect(login.body.error.code).toBe('ACCOUNT_DISABLED');
    expect((await t.api.patch(`/api/admin/users/${u.id}`).set(admin.auth).send({ status: 'active' })).status).toBe(200);
    expect((await t.api.post('/api/auth/login').send({ login: u.username, password: u.password })).status).toBe(200);
  });

  it('revoke sessions ends the open socket with SESSION_REVOKED', async () => {
    const u = await t.register();
    const { socket } = await connectReady(t.url, u.accessToken);
    sockets.push(socket);
    const revoked = once(socket, 'session:revoked', 10_000);
    const res = await t.api.post(`/api/admin/users/${u.id}/revoke-sessions`).set(admin.auth);
    expect(res.body).toEqual({ revoked: 1 });
    expect(await revoked).toMatchObject({ code: 'SESSION_REVOKED' });
  });

  it('a reset link works once, ends the other sessions, and expires', async () => {
    const u = await t.register();
    const { socket } = await connectReady(t.url, u.accessToken);
    sockets.push(socket);
    const link = (await t.api.post(`/api/admin/users/${u.id}/password-reset`).set(admin.auth)).body as PasswordResetLink;
    expect(link.url).toContain(`/#/reset-password/${link.token}`);
    const revoked = once(socket, 'session:revoked', 10_000);
    expect((await t.api.post('/api/auth/password-reset').send({ token: link.token, newPassword: 'a brand new secret' })).status).toBe(204);
    expect(await revoked).toMatchObject({ code: 'PASSWORD_CHANGED' });
    expect((await t.api.post('/api/auth/login').send({ login: u.username, password: 'a brand new secret' })).status).toBe(200);
    expect((await t.api.post('/api/auth/login').send({ login: u.username, password: u.password })).status).toBe(401);
    const again = await t.api.post('/api/auth/password-reset').send({ token: link.token, newPassword: 'yet another secret' });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('RESET_LINK_INVALID');

    const late = (await t.api.post(`/api/admin/users/${u.id}/password-reset`).set(admin.auth)).body as PasswordResetLink;
    await t.server
      .knex('password_resets')
      .where('expires_at', '>', new Date())
      .update({ expires_at: new Date(Date.now() - 1000) });
    const expired = await t.api.post('/api/auth/password-reset').send({ token: late.token, newPassword: 'yet another secret' });
    expect(expired.body.error.code).toBe('RESET_LINK_INVALID');
    // Only a hash is stored.
    expect(await t.server.knex('password_resets').where({ token_hash: late.token }).first()).toBeUndefined();
  });

  it('status reports the server', async () => {
    const res = await t.api.get('/api/admin/status').set(admin.auth);
    const status = res.body as ServerStatus;
    expect(status).toMatchObject({ db: 'ok', redis: 'off', registration: 'open' });
    expect(status.users).toBeGreaterThanOrEqual(2);
    expect(status.storageBytes).toBeTypeOf('number');
  });
});
