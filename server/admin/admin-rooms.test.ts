// Room administration over real HTTP and sockets: the list, archiving (read-only for everyone, live to members),
// handing a room to another member, deleting it; storage in the status; invites made by room owners when allowed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminRoom, AdminSettings, AuditEntry, Invite, ServerStatus } from '../../protocol/admin.js';
import type { AuthResult, HistoryPage, Member, MyRoom } from '../../protocol/types.js';
import { addMember, clientId, createRoom, expectError, expectStatus, send } from '../test/expect.js';
import { multipart, pdf } from '../test/files.js';
import { startTestServer, uniqueName, type TestServer, type TestUser } from '../test/harness.js';
import { connectReady, onceWhere, type ClientSocket } from '../test/sockets.js';

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

const lastAudit = async () => ((await t.api.get('/api/admin/audit').set(root.auth)).body as AuditEntry[])[0];

describe('GET /admin/rooms', () => {
  it('lists live rooms newest first with owner, members, archive state and last activity; q and before page it', async () => {
    const [ann, ben] = [await t.register(), await t.register()];
    const tag = uniqueName('R');
    const a = await createRoom(t, ann, { name: `${tag} alpha`, visibility: 'public', memberIds: [ben.id] });
    const b = await createRoom(t, ben, { name: `${tag} beta`, visibility: 'private' });
    const dm = (await t.api.post('/api/rooms/direct').set(ann.auth).send({ userId: ben.id })).body as MyRoom;
    await send(t, ben, a.id, 'latest');
    const gone = await createRoom(t, ann, { name: `${tag} gone`, visibility: 'private' });
    expectStatus(await t.api.delete(`/api/rooms/${gone.id}`).set(ann.auth), 204);

    const res = await t.api.get('/api/admin/rooms').set(root.auth).query({ q: tag });
    expectStatus(res, 200);
    const rooms = res.body as AdminRoom[];
    expect(rooms.map((r) => r.id)).toEqual([b.id, a.id]);
    expect(rooms[1]).toEqual({
      id: a.id,
      name: `${tag} alpha`,
      kind: 'group',
      visibility: 'public',
      ownerId: ann.id,
      ownerName: ann.username,
      memberCount: 2,
      archived: false,
      lastMessageAt: expect.any(String),
      createdAt: expect.any(String),
    });
    const all = (await t.api.get('/api/admin/rooms').set(root.auth).query({ limit: 100 })).body as AdminRoom[];
    expect(all.find((r) => r.id === dm.id)).toMatchObject({ kind: 'direct', ownerId: null, memberCount: 2 });
    expect(
      all
        .find((r) => r.id === dm.id)!
        .name.split(', ')
        .sort(),
    ).toEqual([ann.username, ben.username].sort());
    expect(all.map((r) => r.id)).not.toContain(gone.id);
    const page = (await t.api.get('/api/admin/rooms').set(root.auth).query({ q: tag, before: b.id })).body as AdminRoom[];
    expect(page.map((r) => r.id)).toEqual([a.id]);
  });
});

describe('PATCH /admin/rooms/:id', () => {
  it('archived: read-only for everyone, live to members, shown in MyRoom; unarchiving opens it again', async () => {
    const [owner, member] = [await t.register(), await t.register()];
    const room = await createRoom(t, owner, { name: 'To archive', visibility: 'public', memberIds: [member.id] });
    const message = await send(t, member, room.id, 'before');
    const { socket } = await connectReady(t.url, member.accessToken);
    sockets.push(socket);
    const live = onceWhere(socket, 'room:updated', (r) => r.id === room.id, 10_000);

    const res = await t.api.patch(`/api/admin/rooms/${room.id}`).set(root.auth).send({ archived: true });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ id: room.id, archived: true });
    expect(await live).toMatchObject({ id: room.id, archived: true });
    expect(await lastAudit()).toMatchObject({ action: 'room.archive', actorId: root.id, target: `room:${room.id}` });
    expect(((await t.api.get(`/api/rooms/${room.id}`).set(member.auth)).body as MyRoom).archived).toBe(true);

    const refusals = [
      t.api.post(`/api/rooms/${room.id}/messages`).set(owner.auth).send({ clientId: clientId(), body: 'after' }),
      t.api.patch(`/api/messages/${message.id}`).set(member.auth).send({ body: 'edited' }),
      t.api.delete(`/api/messages/${message.id}`).set(owner.auth),
      t.api.put(`/api/messages/${message.id}/reactions/${encodeURIComponent('👍')}`).set(member.auth),
      t.api.post(`/api/rooms/${room.id}/join`).set(root.auth),
    ];
    for (const call of refusals) expectError(await call, 403, 'ROOM_ARCHIVED');
    const ack = await socket.timeout(5000).emitWithAck('message:send', { roomId: room.id, clientId: clientId(), body: 'socket' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'ROOM_ARCHIVED' } });
    // Reading still works.
    const page = (await t.api.get(`/api/rooms/${room.id}/messages`).set(member.auth)).body as HistoryPage;
    expect(page.messages.map((m) => m.body)).toContain('before');
    expectStatus(await t.api.put(`/api/rooms/${room.id}/read`).set(member.auth).send({ seq: 2 }), 200);
    // Not offered in the directory while archived.
    const dir = (await t.api.get('/api/rooms/public').set(root.auth).query({ q: 'To archive' })).body as { id: number }[];
    expect(dir.map((r) => r.id)).not.toContain(room.id);

    expectStatus(await t.api.patch(`/api/admin/rooms/${room.id}`).set(root.auth).send({ archived: false }), 200);
    expect(await lastAudit()).toMatchObject({ action: 'room.unarchive' });
    expectStatus(await t.api.post(`/api/rooms/${room.id}/messages`).set(owner.auth).send({ clientId: clientId(), body: 'after' }), 201);
  });

  it('ownerId hands the room to a member: role-changed trace, the old owner stays as admin; a non-member is a 400', async () => {
    const [owner, next, outsider] = [await t.register(), await t.register(), await t.register()];
    const room = await createRoom(t, owner, { name: 'Handover', visibility: 'private', memberIds: [next.id] });
    const bad = await t.api.patch(`/api/admin/rooms/${room.id}`).set(root.auth).send({ ownerId: outsider.id });
    expectError(bad, 400, 'VALIDATION_FAILED');
    expect(bad.body.error.details[0].path).toBe('ownerId');

    const res = await t.api.patch(`/api/admin/rooms/${room.id}`).set(root.auth).send({ ownerId: next.id });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ ownerId: next.id, ownerName: next.username });
    const members = (await t.api.get(`/api/rooms/${room.id}/members`).set(next.auth)).body as Member[];
    expect(Object.fromEntries(members.map((m) => [m.user.id, m.role]))).toEqual({ [owner.id]: 'admin', [next.id]: 'owner' });
    const page = (await t.api.get(`/api/rooms/${room.id}/messages`).set(next.auth)).body as HistoryPage;
    expect(page.messages.at(-1)).toMatchObject({
      kind: 'system',
      system: { event: 'role-changed', actorId: root.id, userId: next.id, name: 'owner' },
    });
    expect(await lastAudit()).toMatchObject({ action: 'room.owner', details: { roomId: room.id, from: owner.id, to: next.id } });

    const dm = (await t.api.post('/api/rooms/direct').set(owner.auth).send({ userId: next.id })).body as MyRoom;
    expectError(await t.api.patch(`/api/admin/rooms/${dm.id}`).set(root.auth).send({ ownerId: next.id }), 400, 'VALIDATION_FAILED');
    expectError(await t.api.patch(`/api/admin/rooms/999999999`).set(root.auth).send({ archived: true }), 404, 'NOT_FOUND');
    expectError(await t.api.patch(`/api/admin/rooms/${room.id}`).set(root.auth).send({}), 400, 'VALIDATION_FAILED');
  });
});

describe('DELETE /admin/rooms/:id', () => {
  it('deletes a room as its owner would: members get room:deleted; audited', async () => {
    const [owner, member] = [await t.register(), await t.register()];
    const room = await createRoom(t, owner, { name: 'Doomed', visibility: 'private', memberIds: [member.id] });
    const { socket } = await connectReady(t.url, member.accessToken);
    sockets.push(socket);
    const deleted = onceWhere(socket, 'room:deleted', (r) => r.roomId === room.id, 10_000);
    expectStatus(await t.api.delete(`/api/admin/rooms/${room.id}`).set(root.auth), 204);
    expect(await deleted).toEqual({ roomId: room.id });
    expectError(await t.api.get(`/api/rooms/${room.id}`).set(member.auth), 404, 'NOT_FOUND');
    expect(await lastAudit()).toMatchObject({ action: 'room.delete', target: `room:${room.id}`, details: { name: 'Doomed' } });
    expectError(await t.api.delete(`/api/admin/rooms/${room.id}`).set(root.auth), 404, 'NOT_FOUND');
  });
});

describe('status and settings', () => {
  it('storageBytes is the sum of the stored uploads', async () => {
    const before = ((await t.api.get('/api/admin/status').set(root.auth)).body as ServerStatus).storageBytes;
    const file = pdf();
    const { body, type } = multipart(file, 'x.pdf');
    expectStatus(await t.api.post('/api/uploads').set(root.auth).set('Content-Type', type).send(body), 201);
    const status = (await t.api.get('/api/admin/status').set(root.auth)).body as ServerStatus;
    expect(status.storageBytes).toBe(before + file.length);
    expect(status).toMatchObject({ db: 'ok', redis: 'off' });
  });

  it('roomOwnerInvites is off by default, changes on its own, and shows in /auth/config', async () => {
    expect((await t.api.get('/api/admin/settings').set(root.auth)).body).toEqual({ registration: 'open', roomOwnerInvites: false });
    const res = await t.api.put('/api/admin/settings').set(root.auth).send({ roomOwnerInvites: true });
    expect(res.body as AdminSettings).toEqual({ registration: 'open', roomOwnerInvites: true });
    expect(await lastAudit()).toMatchObject({ action: 'settings.room_owner_invites', details: { from: false, to: true } });
    expect((await t.api.get('/api/auth/config')).body).toMatchObject({ roomOwnerInvites: true });
    expectStatus(await t.api.put('/api/admin/settings').set(root.auth).send({ roomOwnerInvites: false }), 200);
    expectError(await t.api.put('/api/admin/settings').set(root.auth).send({}), 400, 'VALIDATION_FAILED');
  });
});

describe('invites by room owners', () => {
  it('refused while the setting is off; when on, the owner invites to that room only, lists and revokes their own', async () => {
    const [owner, member] = [await t.register(), await t.register()];
    const room = await createRoom(t, owner, { name: 'Invites', visibility: 'private', memberIds: [member.id] });
    const other = await createRoom(t, member, { name: 'Elsewhere', visibility: 'private' });
    expectError(await t.api.post(`/api/rooms/${room.id}/invites`).set(owner.auth).send({}), 403, 'FORBIDDEN');

    expectStatus(await t.api.put('/api/admin/settings').set(root.auth).send({ roomOwnerInvites: true, registration: 'invite' }), 200);
    try {
      expectError(await t.api.post(`/api/rooms/${room.id}/invites`).set(member.auth).send({}), 403, 'FORBIDDEN');
      // A room owner cannot name other rooms: the body has no roomIds.
      expectError(
        await t.api
          .post(`/api/rooms/${room.id}/invites`)
          .set(owner.auth)
          .send({ roomIds: [other.id] }),
        400,
        'VALIDATION_FAILED',
      );
      const created = await t.api.post(`/api/rooms/${room.id}/invites`).set(owner.auth).send({ maxUses: 2, expiresInHours: 24 });
      expectStatus(created, 201);
      const invite = created.body as Invite;
      expect(invite).toMatchObject({ roomIds: [room.id], maxUses: 2, createdBy: owner.id });
      expect(await lastAudit()).toMatchObject({ action: 'invite.create', actorId: owner.id, details: { roomIds: [room.id] } });
      expect(((await t.api.get(`/api/rooms/${room.id}/invites`).set(owner.auth)).body as Invite[]).map((i) => i.id)).toEqual([invite.id]);

      const name = uniqueName();
      const joined = await t.api
        .post('/api/auth/register')
        .send({ username: name, email: `${name}@example.test`, password: 'correct horse battery', invite: invite.code });
      expectStatus(joined, 201);
      const rooms = (await t.api.get('/api/rooms').set({ Authorization: `Bearer ${(joined.body as AuthResult).accessToken}` }))
        .body as MyRoom[];
      expect(rooms.map((r) => r.id)).toEqual([room.id]);

      // An admin of the room may invite too, but sees and revokes only their own.
      await addMember(t, owner, room.id, root.id, 'admin');
      const mine = (await t.api.post(`/api/rooms/${room.id}/invites`).set(root.auth).send({})).body as Invite;
      expect(((await t.api.get(`/api/rooms/${room.id}/invites`).set(root.auth)).body as Invite[]).map((i) => i.id)).toEqual([mine.id]);
      expectError(await t.api.delete(`/api/rooms/${room.id}/invites/${invite.id}`).set(root.auth), 404, 'NOT_FOUND');
      expectStatus(await t.api.delete(`/api/rooms/${room.id}/invites/${invite.id}`).set(owner.auth), 204);
      expect(await lastAudit()).toMatchObject({ action: 'invite.revoke', actorId: owner.id });
      expect((await t.api.get(`/api/rooms/${room.id}/invites`).set(owner.auth)).body).toEqual([]);

      // Archived rooms take no invites.
      expectStatus(await t.api.patch(`/api/admin/rooms/${room.id}`).set(root.auth).send({ archived: true }), 200);
      expectError(await t.api.post(`/api/rooms/${room.id}/invites`).set(owner.auth).send({}), 403, 'FORBIDDEN');
    } finally {
      await t.api.put('/api/admin/settings').set(root.auth).send({ roomOwnerInvites: false, registration: 'open' });
    }
  });
});
