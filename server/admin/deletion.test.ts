// Account deletion over real HTTP and sockets, on whichever database the run uses: by the user (with the password)
// and by an administrator (messages kept or recalled). Sessions end on open sockets, the profile and files go, the
// name is free again, direct rooms stay readable and read-only, group rooms pass to the next in line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminUser, AuditEntry } from '../../protocol/admin.js';
import type { HistoryPage, Member, Message, MyRoom, Upload, UserPublic } from '../../protocol/types.js';
import { addMember, clientId, createRoom, expectError, expectStatus, send } from '../test/expect.js';
import { multipart, pdf, png } from '../test/files.js';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.js';
import { connectReady, once, onceWhere, waitFor, type ClientSocket } from '../test/sockets.js';

let t: TestServer;
let root: TestUser;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  t = await startTestServer();
  root = await t.register();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

async function connect(u: TestUser): Promise<ClientSocket> {
  const { socket } = await connectReady(t.url, u.accessToken);
  sockets.push(socket);
  return socket;
}

async function openDirect(a: TestUser, b: TestUser): Promise<MyRoom> {
  const res = await t.api.post('/api/rooms/direct').set(a.auth).send({ userId: b.id });
  expect([200, 201]).toContain(res.status);
  return res.body as MyRoom;
}

async function sendFile(u: TestUser, roomId: number): Promise<{ message: Message; upload: Upload }> {
  const { body, type } = multipart(pdf(), 'notes.pdf');
  const up = await t.api.post('/api/uploads').set(u.auth).set('Content-Type', type).send(body);
  expectStatus(up, 201);
  const upload = up.body as Upload;
  const res = await t.api
    .post(`/api/rooms/${roomId}/messages`)
    .set(u.auth)
    .send({ clientId: clientId(), body: '', kind: 'file', attachmentId: upload.id });
  expectStatus(res, 201);
  return { message: res.body as Message, upload };
}

async function storageKeys(uploadId: number): Promise<string[]> {
  const row = (await t.server.knex('uploads').where({ id: uploadId }).first()) as
    { storage_key: string; thumb_key: string | null } | undefined;
  return row ? [row.storage_key, ...(row.thumb_key ? [row.thumb_key] : [])] : [];
}

async function history(u: TestUser, roomId: number): Promise<Message[]> {
  const res = await t.api.get(`/api/rooms/${roomId}/messages`).set(u.auth);
  expectStatus(res, 200);
  return (res.body as HistoryPage).messages;
}

describe('DELETE /users/me', () => {
  it('a wrong password is refused like change-password, and nothing changes', async () => {
    const u = await t.register();
    const res = await t.api.delete('/api/users/me').set(u.auth).send({ password: 'not my password' });
    expectError(res, 403, 'FORBIDDEN');
    expect(res.body.error.details[0].path).toBe('password');
    expectStatus(await t.api.get('/api/users/me').set(u.auth), 200);
    expectError(await t.api.delete('/api/users/me').set(u.auth).send({}), 400, 'VALIDATION_FAILED');
  });

  it('ends the open sockets at once, erases the profile and files, keeps the messages with a deleted sender', async () => {
    const [carol, bob, dave] = [await t.register(), await t.register(), await t.register()];
    // Carol: an avatar, a direct room with Bob, and a group room she owns (Dave is its admin, Bob a member).
    const pic = multipart(await png(), 'me.png');
    expectStatus(await t.api.put('/api/users/me/avatar').set(carol.auth).set('Content-Type', pic.type).send(pic.body), 200);
    const avatarId = Number(((await t.api.get('/api/users/me').set(carol.auth)).body as UserPublic).avatarUrl!.split('/').pop());
    const avatarKeys = await storageKeys(avatarId);
    expect(avatarKeys.length).toBeGreaterThan(0);
    const direct = await openDirect(bob, carol);
    const said = await send(t, carol, direct.id, 'hello Bob');
    const { upload } = await sendFile(carol, direct.id);
    const group = await createRoom(t, carol, { name: 'Carol’s room', visibility: 'private', memberIds: [bob.id] });
    await addMember(t, carol, group.id, dave.id, 'admin');
    await send(t, carol, group.id, 'in the group');
    const stray = multipart(pdf(), 'never-sent.pdf');
    const strayUpload = (await t.api.post('/api/uploads').set(carol.auth).set('Content-Type', stray.type).send(stray.body)).body as Upload;
    const strayKeys = await storageKeys(strayUpload.id);

    const carolSocket = await connect(carol);
    const bobSocket = await connect(bob);
    const revoked = once(carolSocket, 'session:revoked', 10_000);
    const seenDeleted = onceWhere(bobSocket, 'user:updated', (u) => u.id === carol.id, 10_000);
    const archivedLive = onceWhere(bobSocket, 'room:updated', (r) => r.id === direct.id, 10_000);
    const newOwner = onceWhere(bobSocket, 'room:member-updated', (m) => m.roomId === group.id && m.role === 'owner', 10_000);
    const started = Date.now();
    expectStatus(await t.api.delete('/api/users/me').set(carol.auth).send({ password: carol.password }), 204);

    expect(await revoked).toMatchObject({ code: 'ACCOUNT_DELETED' });
    await waitFor(() => carolSocket.disconnected, 2000 - (Date.now() - started), 'disconnect within 2 s');
    expect(await seenDeleted).toEqual({
      id: carol.id,
      username: '',
      displayName: '',
      avatarUrl: null,
      online: false,
      lastSeenAt: null,
      deleted: true,
    });
    expect(await archivedLive).toMatchObject({ id: direct.id, archived: true });
    expect(await newOwner).toMatchObject({ userId: dave.id });

    // Logging in fails like an unknown user; the old refresh token says why the session ended.
    expectError(await t.api.post('/api/auth/login').send({ login: carol.username, password: carol.password }), 401, 'INVALID_CREDENTIALS');
    expectError(
      await t.api.post('/api/auth/login').send({ login: carol.user.email, password: carol.password }),
      401,
      'INVALID_CREDENTIALS',
    );
    expectError(await t.api.post('/api/auth/refresh').send({ refreshToken: carol.refreshToken }), 401, 'ACCOUNT_DELETED');
    // The name and address are free again.
    const again = await t.api
      .post('/api/auth/register')
      .send({ username: carol.username, email: carol.user.email, password: 'a new person here' });
    expectStatus(again, 201);
    expect(again.body.user.id).not.toBe(carol.id);

    // Bob still reads the direct room: Carol's words, signed by a deleted user; the room is read-only now.
    const rooms = (await t.api.get('/api/rooms').set(bob.auth)).body as MyRoom[];
    const dm = rooms.find((r) => r.id === direct.id)!;
    expect(dm).toMatchObject({ archived: true, peer: { id: carol.id, deleted: true } });
    const messages = await history(bob, direct.id);
    expect(messages.find((m) => m.id === said.id)).toMatchObject({ body: 'hello Bob', sender: { id: carol.id, deleted: true } });
    expect((await t.api.get(`/api/users/${carol.id}`).set(bob.auth)).body).toMatchObject({ id: carol.id, deleted: true });
    const refused = await t.api.post(`/api/rooms/${direct.id}/messages`).set(bob.auth).send({ clientId: clientId(), body: 'hi?' });
    expectError(refused, 403, 'ROOM_ARCHIVED');
    expectError(await t.api.post('/api/rooms/direct').set(bob.auth).send({ userId: carol.id }), 404, 'NOT_FOUND');
    // The kept message's file stays with it; the avatar and the never-sent upload are gone from storage.
    expectStatus(await t.api.get(`/api/files/${upload.id}`).set(bob.auth), 200);
    for (const key of [...avatarKeys, ...strayKeys]) expect(await t.server.store.stat(key)).toBeUndefined();
    expectError(await t.api.get(`/api/files/${avatarId}`).set(bob.auth), 404);

    // The group room passed to its admin, with a trace in the timeline; Carol is no member any more.
    const members = (await t.api.get(`/api/rooms/${group.id}/members`).set(bob.auth)).body as Member[];
    expect(members.map((m) => [m.user.id, m.role]).sort()).toEqual(
      [
        [bob.id, 'member'],
        [dave.id, 'owner'],
      ].sort(),
    );
    const events = (await history(bob, group.id)).filter((m) => m.kind === 'system').map((m) => m.system);
    expect(events).toContainEqual({ event: 'member-left', actorId: carol.id, userId: carol.id, name: null });
    expect(events).toContainEqual({ event: 'role-changed', actorId: carol.id, userId: dave.id, name: 'owner' });

    // Audited; not listed for administrators; every /admin/users/:id route answers 404.
    const audit = (await t.api.get('/api/admin/audit').set(root.auth)).body as AuditEntry[];
    expect(audit.find((a) => a.action === 'user.delete' && a.details?.['userId'] === carol.id)).toMatchObject({
      actorId: carol.id,
      target: carol.username,
    });
    const listed = (await t.api.get('/api/admin/users').set(root.auth).query({ limit: 100 })).body as AdminUser[];
    expect(listed.map((u) => u.id)).not.toContain(carol.id);
    expectError(await t.api.patch(`/api/admin/users/${carol.id}`).set(root.auth).send({ status: 'active' }), 404, 'NOT_FOUND');
    expectError(await t.api.delete(`/api/admin/users/${carol.id}`).set(root.auth).send({}), 404, 'NOT_FOUND');
  });

  it('the only member of a group room leaves it archived, not deleted', async () => {
    const u = await t.register();
    const room = await createRoom(t, u, { name: 'Alone', visibility: 'public' });
    expectStatus(await t.api.delete('/api/users/me').set(u.auth).send({ password: u.password }), 204);
    const row = (await t.server.knex('rooms').where({ id: room.id }).first()) as { archived: number | boolean; deleted_at: unknown };
    expect(Boolean(row.archived)).toBe(true);
    expect(row.deleted_at).toBeNull();
  });
});

describe('DELETE /admin/users/:id', () => {
  it('messages: "delete" leaves recalled tombstones in place (seq gapless) and removes their files', async () => {
    const [eve, frank] = [await t.register(), await t.register()];
    const room = await createRoom(t, frank, { name: 'Shared', visibility: 'private', memberIds: [eve.id] });
    const first = await send(t, eve, room.id, 'one');
    const { message: withFile, upload } = await sendFile(eve, room.id);
    const keys = await storageKeys(upload.id);
    await send(t, frank, room.id, 'reply');
    const frankSocket = await connect(frank);
    const recalled = onceWhere(frankSocket, 'message:updated', (m) => m.id === withFile.id, 10_000);

    expectStatus(await t.api.delete(`/api/admin/users/${eve.id}`).set(root.auth).send({ messages: 'delete' }), 204);
    expect(await recalled).toMatchObject({ body: '', attachment: null, deletedAt: expect.any(String) });
    const messages = await history(frank, room.id);
    const seqs = messages.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    for (const id of [first.id, withFile.id]) {
      expect(messages.find((m) => m.id === id)).toMatchObject({ body: '', deletedAt: expect.any(String), sender: { deleted: true } });
    }
    expect(messages.find((m) => m.body === 'reply')).toBeDefined();
    for (const key of keys) expect(await t.server.store.stat(key)).toBeUndefined();
    const audit = (await t.api.get('/api/admin/audit').set(root.auth)).body as AuditEntry[];
    expect(audit[0]).toMatchObject({ action: 'user.delete', actorId: root.id, details: { userId: eve.id, messages: 'delete' } });
  });

  it('403 on oneself and on the last administrator; a second administrator can be deleted', async () => {
    expectError(await t.api.delete(`/api/admin/users/${root.id}`).set(root.auth).send({}), 403, 'FORBIDDEN');
    expectError(await t.api.delete('/api/users/me').set(root.auth).send({ password: root.password }), 403, 'FORBIDDEN');
    const other = await t.register();
    expectStatus(await t.api.patch(`/api/admin/users/${other.id}`).set(root.auth).send({ role: 'admin' }), 200);
    expectStatus(await t.api.delete(`/api/admin/users/${other.id}`).set(root.auth).send({ messages: 'keep' }), 204);
    expectError(await t.api.delete(`/api/admin/users/${other.id}`).set(root.auth).send({}), 404, 'NOT_FOUND');
    expectError(
      await t.api
        .delete(`/api/admin/users/${root.id + 1_000_000}`)
        .set(root.auth)
        .send({}),
      404,
      'NOT_FOUND',
    );
    expectError(await t.api.delete(`/api/admin/users/${other.id}`).set(root.auth).send({ messages: 'burn' }), 400, 'VALIDATION_FAILED');
  });
});
