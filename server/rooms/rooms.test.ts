// Rooms and memberships through the REST API: the authorization matrix for every room and message route,
// direct rooms, role rules, ownership hand-over and room deletion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Member, Message, MyRoom, Room } from '../../protocol/types.js';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.js';
import { addMember, clientId, createRoom, expectError, expectStatus, send, sleep } from '../test/expect.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  // The first account is the server's administrator: it lets room owners make invites (the matrix has their routes).
  const root = await t.register();
  expectStatus(await t.api.put('/api/admin/settings').set(root.auth).send({ roomOwnerInvites: true }), 200);
});
afterAll(async () => {
  await t?.close();
});

type Actor = 'anonymous' | 'stranger' | 'member' | 'admin' | 'owner';
const ACTORS: Actor[] = ['anonymous', 'stranger', 'member', 'admin', 'owner'];

interface Fixture {
  room: MyRoom;
  owner: TestUser;
  admin: TestUser;
  member: TestUser;
  /** A second plain member: the target of member operations. */
  extra: TestUser;
  stranger: TestUser;
  /** A message sent by `member`. */
  message: Message;
  /** A user in no room, to be added. */
  outsider: TestUser;
}

async function fixture(visibility: 'public' | 'private'): Promise<Fixture> {
  const [owner, admin, member, extra, stranger, outsider] = await Promise.all([
    t.register(),
    t.register(),
    t.register(),
    t.register(),
    t.register(),
    t.register(),
  ]);
  const room = await createRoom(t, owner, { name: `${visibility} room`, visibility, memberIds: [member.id, extra.id] });
  await addMember(t, owner, room.id, admin.id, 'admin');
  const message = await send(t, member, room.id, 'from member');
  return { room, owner, admin, member, extra, stranger, message, outsider };
}

interface Row {
  name: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: (f: Fixture) => string;
  body?: (f: Fixture) => object;
  /** Expected status per actor; `stranger` may differ between a private and a public room. */
  expect: Omit<Record<Actor, number>, 'stranger'> & { stranger: { private: number; public: number } };
}

const s = (p: number, pub: number) => ({ private: p, public: pub });

const MATRIX: Row[] = [
  {
    name: 'GET /rooms/:id/invites',
    method: 'get',
    path: (f) => `/api/rooms/${f.room.id}/invites`,
    expect: { anonymous: 401, stranger: s(404, 403), member: 403, admin: 200, owner: 200 },
  },
  {
    name: 'POST /rooms/:id/invites',
    method: 'post',
    path: (f) => `/api/rooms/${f.room.id}/invites`,
    body: () => ({ maxUses: 1 }),
    expect: { anonymous: 401, stranger: s(404, 403), member: 403, admin: 201, owner: 201 },
  },
  {
    name: 'DELETE /rooms/:id/invites/:inviteId',
    method: 'delete',
    // No invite of the caller's has that id: members who may manage invites get 404, the others are refused first.
    path: (f) => `/api/rooms/${f.room.id}/invites/999999999`,
    expect: { anonymous: 401, stranger: s(404, 403), member: 403, admin: 404, owner: 404 },
  },
  {
    name: 'GET /rooms/:id',
    method: 'get',
    path: (f) => `/api/rooms/${f.room.id}`,
    expect: { anonymous: 401, stranger: s(404, 200), member: 200, admin: 200, owner: 200 },
  },
  {
    name: 'PATCH /rooms/:id',
    method: 'patch',
    path: (f) => `/api/rooms/${f.room.id}`,
    body: () => ({ name: 'Renamed' }),
    expect: { anonymous: 401, stranger: s(404, 403), member: 403, admin: 200, owner: 200 },
  },
  {
    name: 'DELETE /rooms/:id',
    method: 'delete',
    path: (f) => `/api/rooms/${f.room.id}`,
    expect: { anonymous: 401, stranger: s(404, 403), member: 403, admin: 403, owner: 204 },
  },
  {
    name: 'GET /rooms/:id/members',
    method: 'get',
    path: (f) => `/api/rooms/${f.room.id}/members`,
    expect: { anonymous: 401, stranger: s(404, 403), member: 200, admin: 200, owner: 200 },
  },
  {
    name: 'POST /rooms/:id/members',
    method: 'post',
    path: (f) => `/api/rooms/${f.room.id}/members`,
    body: (f) => ({ userId: f.outsider.id }),
    expect: { anonymous: 401, stranger: s(404, 403), member: 403, admin: 201, owner: 201 },
  },
  {
    name: 'PATCH /rooms/:id/members/:userId',
    method: 'patch',
    path: (f) => `/api/rooms/${f.room.id}/members/${f.extra.id}`,
    body: () => ({ role: 'admin' }),
    expect: { anonymous: 401, stranger: s(404, 403), member: 403, admin: 403, owner: 200 },
  },
  {
    name: 'DELETE /rooms/:id/members/:userId',
    method: 'delete',
    path: (f) => `/api/rooms/${f.room.id}/members/${f.extra.id}`,
    expect: { anonymous: 401, stranger: s(404, 403), member: 403, admin: 204, owner: 204 },
  },
  {
    name: 'POST /rooms/:id/join',
    method: 'post',
    path: (f) => `/api/rooms/${f.room.id}/join`,
    expect: { anonymous: 401, stranger: s(404, 200), member: 409, admin: 409, owner: 409 },
  },
  {
    name: 'POST /rooms/:id/leave',
    method: 'post',
    path: (f) => `/api/rooms/${f.room.id}/leave`,
    expect: { anonymous: 401, stranger: s(404, 403), member: 204, admin: 204, owner: 204 },
  },
  {
    name: 'PUT /rooms/:id/read',
    method: 'put',
    path: (f) => `/api/rooms/${f.room.id}/read`,
    body: () => ({ seq: 1 }),
    expect: { anonymous: 401, stranger: s(404, 403), member: 200, admin: 200, owner: 200 },
  },
  {
    name: 'PUT /rooms/:id/settings',
    method: 'put',
    path: (f) => `/api/rooms/${f.room.id}/settings`,
    body: () => ({ muted: true }),
    expect: { anonymous: 401, stranger: s(404, 403), member: 200, admin: 200, owner: 200 },
  },
  {
    name: 'PUT /rooms/:id/settings { notify }',
    method: 'put',
    path: (f) => `/api/rooms/${f.room.id}/settings`,
    body: () => ({ notify: 'mentions' }),
    expect: { anonymous: 401, stranger: s(404, 403), member: 200, admin: 200, owner: 200 },
  },
  {
    name: 'GET /rooms/:id/messages',
    method: 'get',
    path: (f) => `/api/rooms/${f.room.id}/messages`,
    expect: { anonymous: 401, stranger: s(404, 403), member: 200, admin: 200, owner: 200 },
  },
  {
    name: 'POST /rooms/:id/messages',
    method: 'post',
    path: (f) => `/api/rooms/${f.room.id}/messages`,
    body: () => ({ clientId: clientId(), body: 'hi' }),
    expect: { anonymous: 401, stranger: s(404, 403), member: 201, admin: 201, owner: 201 },
  },
  // Messages of a room one does not belong to do not exist for the caller, public room or not.
  {
    name: 'GET /messages/:id',
    method: 'get',
    path: (f) => `/api/messages/${f.message.id}`,
    expect: { anonymous: 401, stranger: s(404, 404), member: 200, admin: 200, owner: 200 },
  },
  // `member` is the sender; admin and owner may not edit someone else's message.
  {
    name: 'PATCH /messages/:id',
    method: 'patch',
    path: (f) => `/api/messages/${f.message.id}`,
    body: () => ({ body: 'edited' }),
    expect: { anonymous: 401, stranger: s(404, 404), member: 200, admin: 403, owner: 403 },
  },
  {
    name: 'DELETE /messages/:id',
    method: 'delete',
    path: (f) => `/api/messages/${f.message.id}`,
    expect: { anonymous: 401, stranger: s(404, 404), member: 200, admin: 200, owner: 200 },
  },
  // Any member may react; strangers do not see the message.
  {
    name: 'PUT /messages/:id/reactions/:emoji',
    method: 'put',
    path: (f) => `/api/messages/${f.message.id}/reactions/${encodeURIComponent('👍')}`,
    expect: { anonymous: 401, stranger: s(404, 404), member: 200, admin: 200, owner: 200 },
  },
  {
    name: 'DELETE /messages/:id/reactions/:emoji',
    method: 'delete',
    path: (f) => `/api/messages/${f.message.id}/reactions/${encodeURIComponent('👍')}`,
    expect: { anonymous: 401, stranger: s(404, 404), member: 200, admin: 200, owner: 200 },
  },
];

describe('authorization matrix', () => {
  for (const visibility of ['private', 'public'] as const) {
    for (const row of MATRIX) {
      it(`${row.name} in a ${visibility} room`, async () => {
        for (const actor of ACTORS) {
          const f = await fixture(visibility);
          let req = t.api[row.method](row.path(f));
          if (actor !== 'anonymous') req = req.set(f[actor].auth);
          const res = row.body ? await req.send(row.body(f)) : await req;
          const expected = actor === 'stranger' ? row.expect.stranger[visibility] : row.expect[actor];
          expect(res.status, `${actor}: ${res.status} ${JSON.stringify(res.body)}`).toBe(expected);
          if (expected >= 400) expectError(res);
        }
      });
    }
  }

  it('a non-member sender of a message in another room cannot edit or recall it from outside', async () => {
    const f = await fixture('private');
    expectStatus(await t.api.post(`/api/rooms/${f.room.id}/leave`).set(f.member.auth), 204);
    expectError(await t.api.patch(`/api/messages/${f.message.id}`).set(f.member.auth).send({ body: 'x' }), 404, 'NOT_FOUND');
    expectError(await t.api.delete(`/api/messages/${f.message.id}`).set(f.member.auth), 404, 'NOT_FOUND');
  });

  it('unknown ids are 404 for every room and message route', async () => {
    const u = await t.register();
    const missing = 999_999_999;
    for (const row of MATRIX) {
      const f = { room: { id: missing }, message: { id: missing }, extra: { id: u.id }, outsider: { id: u.id } } as unknown as Fixture;
      const req = t.api[row.method](row.path(f)).set(u.auth);
      const res = row.body ? await req.send(row.body(f)) : await req;
      expectError(res, 404, 'NOT_FOUND');
    }
  });
});

describe('create, get, list, update', () => {
  it('creates a room with the caller as owner and the members given', async () => {
    const [a, b, c] = await Promise.all([t.register(), t.register(), t.register()]);
    const room = await createRoom(t, a, {
      name: '  Project  ',
      description: 'about it',
      visibility: 'private',
      memberIds: [b.id, c.id, b.id, a.id],
    });
    expect(room).toMatchObject({
      kind: 'group',
      name: 'Project',
      description: 'about it',
      visibility: 'private',
      role: 'owner',
      memberCount: 3,
      // The timeline opens with the room-created system message, which is never unread.
      lastSeq: 1,
      unreadCount: 0,
      mentionCount: 0,
      notify: 'all',
      muted: false,
      lastMessage: {
        seq: 1,
        kind: 'system',
        body: '',
        clientId: null,
        system: { event: 'room-created', actorId: a.id, userId: null, name: 'Project' },
      },
      peer: null,
      createdBy: a.id,
    });
    const members = (await t.api.get(`/api/rooms/${room.id}/members`).set(b.auth)).body as Member[];
    expect(members.map((m) => [m.user.id, m.role]).sort()).toEqual(
      [
        [a.id, 'owner'],
        [b.id, 'member'],
        [c.id, 'member'],
      ].sort(),
    );
    const asB = await t.api.get(`/api/rooms/${room.id}`).set(b.auth);
    expect(asB.body).toMatchObject({ id: room.id, role: 'member' });
  });

  it('refuses invalid rooms', async () => {
    const a = await t.register();
    for (const body of [
      { name: '', visibility: 'private' },
      { name: '   ', visibility: 'private' },
      { name: 'x'.repeat(81), visibility: 'private' },
      { name: 'ok' },
      { name: 'ok', visibility: 'secret' },
      { name: 'ok', visibility: 'private', memberIds: [999_999_999] },
      { name: 'ok', visibility: 'private', memberIds: [1.5] },
      { name: 'ok', visibility: 'private', description: 'd'.repeat(501) },
    ]) {
      expectError(await t.api.post('/api/rooms').set(a.auth).send(body), 400, 'VALIDATION_FAILED');
    }
    expectError(await t.api.post('/api/rooms').send({ name: 'ok', visibility: 'private' }), 401, 'UNAUTHENTICATED');
  });

  it('a public room is visible to non-members as a Room, joinable, and listed in the directory', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const tag = `Dir${Date.now()}`;
    const pub = await createRoom(t, a, { name: `${tag} public`, visibility: 'public' });
    await createRoom(t, a, { name: `${tag} private`, visibility: 'private' });
    const asStranger = await t.api.get(`/api/rooms/${pub.id}`).set(b.auth);
    expectStatus(asStranger, 200);
    expect(asStranger.body).not.toHaveProperty('role');
    expect(asStranger.body).toMatchObject({ id: pub.id, memberCount: 1 });
    const dir = await t.api.get('/api/rooms/public').query({ q: tag }).set(b.auth);
    expectStatus(dir, 200);
    expect((dir.body as Room[]).map((r) => r.id)).toEqual([pub.id]);
    const joined = await t.api.post(`/api/rooms/${pub.id}/join`).set(b.auth);
    expectStatus(joined, 200);
    expect(joined.body).toMatchObject({ id: pub.id, role: 'member', memberCount: 2 });
    expectError(await t.api.post(`/api/rooms/${pub.id}/join`).set(b.auth), 409, 'ALREADY_MEMBER');
    const limited = await t.api.get('/api/rooms/public').query({ limit: 1 }).set(b.auth);
    expect(limited.body).toHaveLength(1);
  });

  it('PATCH updates and returns the Room; making it private hides it from strangers', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, a, { visibility: 'public' });
    const res = await t.api
      .patch(`/api/rooms/${room.id}`)
      .set(a.auth)
      .send({ name: 'New name', description: 'new', visibility: 'private' });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ id: room.id, name: 'New name', description: 'new', visibility: 'private' });
    expectError(await t.api.get(`/api/rooms/${room.id}`).set(b.auth), 404, 'NOT_FOUND');
    expectError(await t.api.patch(`/api/rooms/${room.id}`).set(a.auth).send({}), 400, 'VALIDATION_FAILED');
  });

  it('PUT settings mutes for me only', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, a, { memberIds: [b.id] });
    const res = await t.api.put(`/api/rooms/${room.id}/settings`).set(b.auth).send({ muted: true });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ id: room.id, muted: true });
    expect((await t.api.get(`/api/rooms/${room.id}`).set(a.auth)).body.muted).toBe(false);
    expectError(await t.api.put(`/api/rooms/${room.id}/settings`).set(b.auth).send({ muted: 'yes' }), 400, 'VALIDATION_FAILED');
  });

  it('a deleted room is gone for everyone: 404 on every route, not in lists', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, a, { memberIds: [b.id], visibility: 'public' });
    expectStatus(await t.api.delete(`/api/rooms/${room.id}`).set(a.auth), 204);
    for (const u of [a, b]) {
      expectError(await t.api.get(`/api/rooms/${room.id}`).set(u.auth), 404, 'NOT_FOUND');
      expectError(await t.api.get(`/api/rooms/${room.id}/messages`).set(u.auth), 404, 'NOT_FOUND');
      expect(((await t.api.get('/api/rooms').set(u.auth)).body as MyRoom[]).map((r) => r.id)).not.toContain(room.id);
    }
    const dir = (await t.api.get('/api/rooms/public').set(a.auth)).body as Room[];
    expect(dir.map((r) => r.id)).not.toContain(room.id);
    expectError(await t.api.delete(`/api/rooms/${room.id}`).set(a.auth), 404, 'NOT_FOUND');
  });
});

describe('direct rooms', () => {
  it('exactly one per pair, from either side; named after the peer', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const first = await t.api.post('/api/rooms/direct').set(a.auth).send({ userId: b.id });
    expectStatus(first, 201);
    expect(first.body).toMatchObject({
      kind: 'direct',
      visibility: 'private',
      memberCount: 2,
      name: b.user.displayName,
      peer: { id: b.id },
    });
    const again = await t.api.post('/api/rooms/direct').set(a.auth).send({ userId: b.id });
    expectStatus(again, 200);
    expect(again.body.id).toBe(first.body.id);
    const fromB = await t.api.post('/api/rooms/direct').set(b.auth).send({ userId: a.id });
    expectStatus(fromB, 200);
    expect(fromB.body).toMatchObject({ id: first.body.id, name: a.user.displayName, peer: { id: a.id } });
  });

  it('two concurrent opens (one from each side) make one room', async () => {
    for (let round = 0; round < 5; round++) {
      const [a, b] = await Promise.all([t.register(), t.register()]);
      const [r1, r2] = await Promise.all([
        t.api.post('/api/rooms/direct').set(a.auth).send({ userId: b.id }),
        t.api.post('/api/rooms/direct').set(b.auth).send({ userId: a.id }),
      ]);
      expect([r1.status, r2.status].sort()).toEqual([200, 201]);
      expect(r1.body.id).toBe(r2.body.id);
      const rows = (await t.server
        .knex('rooms')
        .where({ kind: 'direct', direct_key: `${Math.min(a.id, b.id)}:${Math.max(a.id, b.id)}` })
        .count({ n: '*' })) as { n: number | string }[];
      expect(Number(rows[0]!.n)).toBe(1);
    }
  });

  it('refuses self, unknown users and malformed ids', async () => {
    const a = await t.register();
    expectError(await t.api.post('/api/rooms/direct').set(a.auth).send({ userId: a.id }), 400, 'VALIDATION_FAILED');
    expectError(await t.api.post('/api/rooms/direct').set(a.auth).send({ userId: 999_999_999 }), 404, 'NOT_FOUND');
    expectError(await t.api.post('/api/rooms/direct').set(a.auth).send({ userId: '2' }), 400, 'VALIDATION_FAILED');
  });

  it('cannot add members, change roles, be left, be deleted, or be joined; strangers see 404', async () => {
    const [a, b, c] = await Promise.all([t.register(), t.register(), t.register()]);
    const room = (await t.api.post('/api/rooms/direct').set(a.auth).send({ userId: b.id })).body as MyRoom;
    expectError(await t.api.post(`/api/rooms/${room.id}/members`).set(a.auth).send({ userId: c.id }), 403, 'FORBIDDEN');
    expectError(await t.api.patch(`/api/rooms/${room.id}/members/${b.id}`).set(a.auth).send({ role: 'admin' }), 403, 'FORBIDDEN');
    expectError(await t.api.delete(`/api/rooms/${room.id}/members/${b.id}`).set(a.auth), 403, 'FORBIDDEN');
    expectError(await t.api.post(`/api/rooms/${room.id}/leave`).set(a.auth), 403, 'FORBIDDEN');
    expectError(await t.api.delete(`/api/rooms/${room.id}/members/${a.id}`).set(a.auth), 403, 'FORBIDDEN');
    expectError(await t.api.delete(`/api/rooms/${room.id}`).set(a.auth), 403, 'FORBIDDEN');
    expectError(await t.api.patch(`/api/rooms/${room.id}`).set(a.auth).send({ name: 'x' }), 403, 'FORBIDDEN');
    expectError(await t.api.post(`/api/rooms/${room.id}/join`).set(c.auth), 404, 'NOT_FOUND');
    expectError(await t.api.get(`/api/rooms/${room.id}`).set(c.auth), 404, 'NOT_FOUND');
    expectError(await t.api.get(`/api/rooms/${room.id}/messages`).set(c.auth), 404, 'NOT_FOUND');
    const members = (await t.api.get(`/api/rooms/${room.id}/members`).set(b.auth)).body as Member[];
    expect(members.map((m) => m.user.id).sort()).toEqual([a.id, b.id].sort());
    const dir = (await t.api.get('/api/rooms/public').set(c.auth)).body as Room[];
    expect(dir.map((r) => r.id)).not.toContain(room.id);
  });
});

describe('membership roles', () => {
  async function group() {
    const [owner, admin, member, other, outsider] = await Promise.all([
      t.register(),
      t.register(),
      t.register(),
      t.register(),
      t.register(),
    ]);
    const room = await createRoom(t, owner, { memberIds: [member.id, other.id] });
    await addMember(t, owner, room.id, admin.id, 'admin');
    return { room, owner, admin, member, other, outsider };
  }
  const roleOf = async (viewer: TestUser, roomId: number, userId: number) =>
    ((await t.api.get(`/api/rooms/${roomId}/members`).set(viewer.auth)).body as Member[]).find((m) => m.user.id === userId)?.role;

  it('admin adds members but cannot make admins; owner can', async () => {
    const g = await group();
    const added = await t.api.post(`/api/rooms/${g.room.id}/members`).set(g.admin.auth).send({ userId: g.outsider.id });
    expectStatus(added, 201);
    expect(added.body).toMatchObject({ user: { id: g.outsider.id }, role: 'member' });
    const x = await t.register();
    expectError(
      await t.api.post(`/api/rooms/${g.room.id}/members`).set(g.admin.auth).send({ userId: x.id, role: 'admin' }),
      403,
      'FORBIDDEN',
    );
    expectStatus(await t.api.post(`/api/rooms/${g.room.id}/members`).set(g.owner.auth).send({ userId: x.id, role: 'admin' }), 201);
    expect(await roleOf(g.owner, g.room.id, x.id)).toBe('admin');
    expectError(await t.api.post(`/api/rooms/${g.room.id}/members`).set(g.owner.auth).send({ userId: x.id }), 409, 'ALREADY_MEMBER');
    expectError(await t.api.post(`/api/rooms/${g.room.id}/members`).set(g.owner.auth).send({ userId: 999_999_999 }), 404, 'NOT_FOUND');
    expectError(
      await t.api.post(`/api/rooms/${g.room.id}/members`).set(g.owner.auth).send({ userId: x.id, role: 'owner' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('admin cannot remove admins or the owner, nor change roles; owner can remove an admin', async () => {
    const g = await group();
    const admin2 = await t.register();
    await addMember(t, g.owner, g.room.id, admin2.id, 'admin');
    expectError(await t.api.delete(`/api/rooms/${g.room.id}/members/${admin2.id}`).set(g.admin.auth), 403, 'FORBIDDEN');
    expectError(await t.api.delete(`/api/rooms/${g.room.id}/members/${g.owner.id}`).set(g.admin.auth), 403, 'FORBIDDEN');
    expectError(
      await t.api.patch(`/api/rooms/${g.room.id}/members/${g.member.id}`).set(g.admin.auth).send({ role: 'admin' }),
      403,
      'FORBIDDEN',
    );
    expectStatus(await t.api.delete(`/api/rooms/${g.room.id}/members/${g.member.id}`).set(g.admin.auth), 204);
    expectStatus(await t.api.delete(`/api/rooms/${g.room.id}/members/${admin2.id}`).set(g.owner.auth), 204);
    expect(await roleOf(g.owner, g.room.id, admin2.id)).toBeUndefined();
    expectError(await t.api.get(`/api/rooms/${g.room.id}`).set(g.member.auth), 404, 'NOT_FOUND');
    expectError(await t.api.delete(`/api/rooms/${g.room.id}/members/${g.member.id}`).set(g.owner.auth), 404, 'NOT_FOUND');
  });

  it('owner changes roles and hands over ownership with role owner (staying on as admin)', async () => {
    const g = await group();
    const promoted = await t.api.patch(`/api/rooms/${g.room.id}/members/${g.member.id}`).set(g.owner.auth).send({ role: 'admin' });
    expectStatus(promoted, 200);
    expect(promoted.body).toMatchObject({ user: { id: g.member.id }, role: 'admin' });
    expectStatus(await t.api.patch(`/api/rooms/${g.room.id}/members/${g.member.id}`).set(g.owner.auth).send({ role: 'member' }), 200);
    expectError(
      await t.api.patch(`/api/rooms/${g.room.id}/members/${g.owner.id}`).set(g.owner.auth).send({ role: 'member' }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await t.api.patch(`/api/rooms/${g.room.id}/members/${g.outsider.id}`).set(g.owner.auth).send({ role: 'admin' }),
      404,
      'NOT_FOUND',
    );
    expectStatus(await t.api.patch(`/api/rooms/${g.room.id}/members/${g.other.id}`).set(g.owner.auth).send({ role: 'owner' }), 200);
    expect(await roleOf(g.owner, g.room.id, g.other.id)).toBe('owner');
    expect(await roleOf(g.owner, g.room.id, g.owner.id)).toBe('admin');
    const owners = ((await t.api.get(`/api/rooms/${g.room.id}/members`).set(g.owner.auth)).body as Member[]).filter(
      (m) => m.role === 'owner',
    );
    expect(owners).toHaveLength(1);
    // The old owner is an admin now: no more owner powers.
    expectError(await t.api.delete(`/api/rooms/${g.room.id}`).set(g.owner.auth), 403, 'FORBIDDEN');
    expectStatus(await t.api.delete(`/api/rooms/${g.room.id}`).set(g.other.auth), 204);
  });

  it('owner leaving hands the room to the longest-standing admin', async () => {
    const g = await group();
    expectStatus(await t.api.post(`/api/rooms/${g.room.id}/leave`).set(g.owner.auth), 204);
    expect(await roleOf(g.admin, g.room.id, g.admin.id)).toBe('owner');
    expectError(await t.api.get(`/api/rooms/${g.room.id}`).set(g.owner.auth), 404, 'NOT_FOUND');
  });

  it('owner leaving with no admin hands the room to the oldest member', async () => {
    const [owner, first, second] = await Promise.all([t.register(), t.register(), t.register()]);
    const room = await createRoom(t, owner);
    await addMember(t, owner, room.id, first.id);
    await sleep(5);
    await addMember(t, owner, room.id, second.id);
    expectStatus(await t.api.delete(`/api/rooms/${room.id}/members/${owner.id}`).set(owner.auth), 204);
    expect(await roleOf(first, room.id, first.id)).toBe('owner');
    expect(await roleOf(first, room.id, second.id)).toBe('member');
  });

  it('the last one leaving deletes the room', async () => {
    const [owner, m] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, owner, { memberIds: [m.id], visibility: 'public' });
    await send(t, m, room.id);
    expectStatus(await t.api.post(`/api/rooms/${room.id}/leave`).set(m.auth), 204);
    expectStatus(await t.api.post(`/api/rooms/${room.id}/leave`).set(owner.auth), 204);
    const row = (await t.server.knex('rooms').where('id', room.id).first('deleted_at')) as { deleted_at: unknown };
    expect(row.deleted_at).not.toBeNull();
    expectError(await t.api.get(`/api/rooms/${room.id}`).set(owner.auth), 404, 'NOT_FOUND');
    expectError(await t.api.post(`/api/rooms/${room.id}/join`).set(m.auth), 404, 'NOT_FOUND');
  });
});
