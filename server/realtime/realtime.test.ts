import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKnex } from '../db/knex.js';
import { createRoom } from '../test/expect.js';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.js';
import {
  collect,
  connectError,
  connectReady,
  connectSocket,
  once,
  onceWhere,
  onlineSeen,
  waitFor,
  type ClientSocket,
} from '../test/sockets.js';

let t: TestServer;
const sockets: ClientSocket[] = [];
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t?.close();
});

async function ready(user: TestUser) {
  const c = await connectReady(t.url, user.accessToken);
  sockets.push(c.socket);
  return c;
}

/**
 * Sends a message in one of the socket's own rooms and waits for it to come back: whatever the server emitted to this
 * socket before has arrived by then. Used instead of a sleep before asserting that something did not arrive.
 */
async function sentinel(socket: ClientSocket, roomId: number): Promise<void> {
  const clientId = `sentinel-${Math.random().toString(36).slice(2)}`;
  const back = onceWhere(socket, 'message:new', (m) => m.clientId === clientId);
  await socket.emitWithAck('message:send', { roomId, clientId, body: 'sentinel' });
  await back;
}

async function privateRoom(owner: TestUser, members: TestUser[] = []): Promise<number> {
  const res = await t.api
    .post('/api/rooms')
    .set(owner.auth)
    .send({ name: 'r', visibility: 'private', memberIds: members.map((m) => m.id) });
  expect(res.status).toBe(201);
  return res.body.id as number;
}

describe('handshake', () => {
  it('refuses a missing, malformed or foreign token with UNAUTHENTICATED', async () => {
    for (const token of [undefined, '', 'nope', 42, { a: 1 }, 'a.b.c']) {
      const err = await connectError(t.url, token);
      expect(err.message).toBe('UNAUTHENTICATED');
    }
  });
  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const short = await startTestServer({ ACCESS_TOKEN_TTL: '1s' });
    try {
      const u = await short.register();
      await new Promise((r) => setTimeout(r, 2100));
      const err = await connectError(short.url, u.accessToken);
      expect(err.message).toBe('TOKEN_EXPIRED');
    } finally {
      await short.close();
    }
  });
  it('ends a socket whose token expires while open, telling it TOKEN_EXPIRED', async () => {
    const short = await startTestServer({ ACCESS_TOKEN_TTL: '2s' });
    try {
      const u = await short.register();
      const c = await connectReady(short.url, u.accessToken);
      const expired = once(c.socket, 'token:expired', 5000);
      const gone = new Promise<string>((r) => c.socket.once('disconnect', r));
      expect(await expired).toMatchObject({ code: 'TOKEN_EXPIRED' });
      expect(await gone).toBe('io server disconnect');
    } finally {
      await short.close();
    }
  });
  it('checks the Origin of browser handshakes', async () => {
    const u = await t.register();
    const err = await connectError(t.url, u.accessToken, { origin: 'https://evil.example' });
    expect(err).toBeInstanceOf(Error);
    const ok = connectSocket(t.url, u.accessToken, { origin: t.url });
    sockets.push(ok);
    await once(ok, 'session:ready');
  });
  it('sends session:ready with lastSeq and lastReadSeq per room', async () => {
    const a = await t.register();
    const room = await privateRoom(a);
    await t.api.post(`/api/rooms/${room}/messages`).set(a.auth).send({ clientId: 'r1', body: 'one' });
    const { ready: r } = await ready(a);
    expect(r.user.id).toBe(a.id);
    // seq 1 is the room-created system message.
    expect(r.rooms).toEqual([{ id: room, lastSeq: 2, lastReadSeq: 0 }]);
    expect(r.onlineCount).toBe(1);
  });
});

describe('messages', () => {
  it('acks after commit and broadcasts the same message to members only', async () => {
    const [a, b, stranger] = [await t.register(), await t.register(), await t.register()];
    const room = await privateRoom(a, [b]);
    const strangersOwn = await privateRoom(stranger);
    const ca = await ready(a);
    const cb = await ready(b);
    const cs = await ready(stranger);
    const strangerGot = collect(cs.socket, 'message:new');
    const got = once(cb.socket, 'message:new');
    const ack = await ca.socket.emitWithAck('message:send', { roomId: room, clientId: 'm-1', body: ' hello ' });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    expect(ack.message).toMatchObject({ roomId: room, seq: 2, body: 'hello', clientId: 'm-1' });
    expect(await got).toEqual(ack.message);
    const row = await t.server.knex('messages').where({ id: ack.message.id }).first();
    expect(row.body).toBe('hello');
    // Same clientId again, over REST this time: one message.
    const again = await t.api.post(`/api/rooms/${room}/messages`).set(a.auth).send({ clientId: 'm-1', body: 'hello' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(ack.message.id);
    const denied = await cs.socket.emitWithAck('message:send', { roomId: room, clientId: 'x-1', body: 'let me in' });
    expect(denied).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const read = await cs.socket.emitWithAck('room:read', { roomId: room, seq: 1 });
    expect(read).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const edit = await cs.socket.emitWithAck('message:edit', { messageId: ack.message.id, body: 'mine now' });
    expect(edit).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const del = await cs.socket.emitWithAck('message:delete', { messageId: ack.message.id });
    expect(del).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const react = await cs.socket.emitWithAck('message:react', { messageId: ack.message.id, emoji: '👍', on: true });
    expect(react).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await sentinel(cs.socket, strangersOwn);
    expect(strangerGot.filter((m) => m.roomId === room)).toEqual([]);
  });

  it('validates every payload and answers, never crashes', async () => {
    const a = await t.register();
    const room = await privateRoom(a);
    const { socket } = await ready(a);
    const bad: unknown[] = [
      null,
      42,
      'text',
      [],
      {},
      { roomId: room },
      { roomId: -1, clientId: 'c', body: 'x' },
      { roomId: room, clientId: 'c', body: '' },
      { roomId: room, clientId: 'c', body: 'x'.repeat(4001) },
      { roomId: room, clientId: 'c', body: 'x', extra: 1 },
      { roomId: room, clientId: 'c', body: '\ud800' },
      { roomId: '1', clientId: 'c', body: 'x' },
      { roomId: room, clientId: 'c'.repeat(65), body: 'x' },
    ];
    for (const payload of bad) {
      const res = await socket.emitWithAck('message:send', payload as never);
      expect(res).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    const unknown = await (socket as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> }).emitWithAck('no:such', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const good = await socket.emitWithAck('message:send', { roomId: room, clientId: 'ok-1', body: 'still fine' });
    expect(good.ok).toBe(true);
    if (!good.ok) return;
    const badReactions: unknown[] = [
      null,
      {},
      { messageId: good.message.id },
      { messageId: good.message.id, emoji: '👍' },
      { messageId: good.message.id, emoji: '👍', on: 'yes' },
      { messageId: good.message.id, emoji: 'x', on: true },
      { messageId: good.message.id, emoji: '👍👎', on: true },
      { messageId: good.message.id, emoji: '\ud83d', on: true },
      { messageId: good.message.id, emoji: '👍'.repeat(40), on: true },
      { messageId: -1, emoji: '👍', on: true },
      { messageId: good.message.id, emoji: '👍', on: true, extra: 1 },
    ];
    for (const payload of badReactions) {
      const res = await socket.emitWithAck('message:react', payload as never);
      expect(res).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    expect(await t.server.knex('message_reactions').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await t.server.knex('messages').where({ room_id: room, kind: 'text' }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('20 clients sending concurrently get seq exactly 2..N+1 (after room-created) with no duplicates', async () => {
    const owner = await t.register();
    const users = await Promise.all(Array.from({ length: 19 }, () => t.register()));
    const room = await privateRoom(owner, users);
    const clients = await Promise.all([owner, ...users].map((u) => ready(u)));
    const observer = collect(clients[0]!.socket, 'message:new');
    const perClient = 10;
    const acks = await Promise.all(
      clients.flatMap((c, i) =>
        Array.from({ length: perClient }, (_, j) =>
          c.socket.emitWithAck('message:send', { roomId: room, clientId: `c${i}-${j}`, body: `m ${i} ${j}` }),
        ),
      ),
    );
    expect(acks.every((a) => a.ok)).toBe(true);
    const seqs = acks.map((a) => (a.ok ? a.message.seq : -1)).sort((x, y) => x - y);
    const n = clients.length * perClient;
    expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 2));
    await waitFor(() => observer.length === n, 10_000, 'all broadcasts');
    expect(observer.map((m) => m.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 2));
  });

  it('edit and recall reach members as message:updated', async () => {
    const [a, b] = [await t.register(), await t.register()];
    const room = await privateRoom(a, [b]);
    const ca = await ready(a);
    const cb = await ready(b);
    const sent = await ca.socket.emitWithAck('message:send', { roomId: room, clientId: 'e-1', body: 'draft' });
    if (!sent.ok) throw new Error('send failed');
    const updated = once(cb.socket, 'message:updated');
    const edited = await ca.socket.emitWithAck('message:edit', { messageId: sent.message.id, body: 'final' });
    expect(edited).toMatchObject({ ok: true, message: { body: 'final' } });
    expect((await updated).editedAt).not.toBeNull();
    const notMine = await cb.socket.emitWithAck('message:edit', { messageId: sent.message.id, body: 'hijack' });
    expect(notMine).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const recalled = once(cb.socket, 'message:updated');
    await ca.socket.emitWithAck('message:delete', { messageId: sent.message.id });
    expect(await recalled).toMatchObject({ id: sent.message.id, seq: 2, body: '' });
  });

  it('room:read is monotonic and reaches the user’s other sockets', async () => {
    const [a, b] = [await t.register(), await t.register()];
    const room = await privateRoom(a, [b]);
    for (let i = 0; i < 3; i++)
      await t.api
        .post(`/api/rooms/${room}/messages`)
        .set(a.auth)
        .send({ clientId: `rr${i}`, body: `m${i}` });
    const b1 = await ready(b);
    const b2 = await ready(b);
    const synced = once(b2.socket, 'room:read');
    expect(await b1.socket.emitWithAck('room:read', { roomId: room, seq: 3 })).toEqual({ ok: true, lastReadSeq: 3, unreadCount: 1 });
    expect(await synced).toEqual({ roomId: room, userId: b.id, lastReadSeq: 3 });
    expect(await b1.socket.emitWithAck('room:read', { roomId: room, seq: 1 })).toEqual({ ok: true, lastReadSeq: 3, unreadCount: 1 });
  });

  it('typing goes to other members, not back to the sender', async () => {
    const [a, b] = [await t.register(), await t.register()];
    const room = await privateRoom(a, [b]);
    const ca = await ready(a);
    const cb = await ready(b);
    const echoed = collect(ca.socket, 'typing');
    const seen = once(cb.socket, 'typing');
    ca.socket.emit('typing', { roomId: room, typing: true });
    expect(await seen).toEqual({ roomId: room, userId: a.id, typing: true });
    // Sentinel: b's typing reaches a after anything a's own event could have echoed back.
    const sentinel = onceWhere(ca.socket, 'typing', (p) => p.userId === b.id);
    cb.socket.emit('typing', { roomId: room, typing: true });
    await sentinel;
    expect(echoed).toEqual([{ roomId: room, userId: b.id, typing: true }]);
  });

  it('a stranger\u2019s typing is refused and never relayed into the room', async () => {
    const [a, b, stranger] = [await t.register(), await t.register(), await t.register()];
    const room = await privateRoom(a, [b]);
    const cb = await ready(b);
    const cs = await ready(stranger);
    const ca = await ready(a);
    const seenByB = collect(cb.socket, 'typing');
    expect(await cs.socket.emitWithAck('typing', { roomId: room, typing: true })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    // Sentinel: a member's typing, sent after the stranger's was answered, arrives behind anything relayed for it.
    const sentinel = onceWhere(cb.socket, 'typing', (p) => p.userId === a.id);
    ca.socket.emit('typing', { roomId: room, typing: true });
    await sentinel;
    expect(seenByB).toEqual([{ roomId: room, userId: a.id, typing: true }]);
  });
});

describe('send rate limit', () => {
  it('a flood is refused with RATE_LIMITED (socket ack and REST 429), shared across both, per user', async () => {
    const limited = await startTestServer({ SEND_RATE_BURST: '5', SEND_RATE_PER_SECOND: '1' });
    try {
      const [a, b] = [await limited.register(), await limited.register()];
      const room = (await createRoom(limited, a, { visibility: 'public', memberIds: [b.id] })).id;
      const ca = await connectReady(limited.url, a.accessToken);
      sockets.push(ca.socket);
      const acks = [];
      for (let i = 0; i < 8; i++)
        acks.push(await ca.socket.emitWithAck('message:send', { roomId: room, clientId: `f-${i}`, body: `${i}` }));
      const okCount = acks.filter((r) => r.ok).length;
      expect(okCount).toBeGreaterThanOrEqual(5);
      expect(okCount).toBeLessThan(8);
      const refused = acks.find((r) => !r.ok);
      expect(refused).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      if (refused && !refused.ok) expect(refused.error.retryAfter).toBeGreaterThanOrEqual(1);
      // REST spends the same budget.
      const rest = await limited.api.post(`/api/rooms/${room}/messages`).set(a.auth).send({ clientId: 'rest-1', body: 'and here?' });
      expect(rest.status).toBe(429);
      expect(Number(rest.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(rest.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
      // Only what was acked is stored.
      const stored = await limited.server.knex('messages').where({ room_id: room, kind: 'text' }).count({ n: '*' });
      expect(Number(stored[0]!['n'])).toBe(okCount);
      // A retry of a message already stored (an outbox after a reconnect) still gets its message, not a refusal.
      const first = acks[0]!;
      if (!first.ok) throw new Error('first send refused');
      const retry = await ca.socket.emitWithAck('message:send', { roomId: room, clientId: 'f-0', body: '0' });
      expect(retry).toMatchObject({ ok: true, message: { id: first.message.id, seq: first.message.seq } });
      // Another user is not affected.
      const other = await limited.api.post(`/api/rooms/${room}/messages`).set(b.auth).send({ clientId: 'b-1', body: 'me too' });
      expect(other.status).toBe(201);
    } finally {
      await limited.close();
    }
  });
});

describe('shutdown', () => {
  it('a graceful close records last seen for everyone it disconnects, in a few batched writes', async () => {
    const node = await startTestServer();
    let closed = false;
    try {
      const users = await Promise.all(Array.from({ length: 40 }, () => node.register()));
      const clients = await Promise.all(users.map((u) => connectReady(node.url, u.accessToken)));
      sockets.push(...clients.map((c) => c.socket));
      for (const c of clients) c.socket.io.opts.reconnection = false;
      let updates = 0;
      const count = (q: { sql: string }) => {
        if (/^update [`"]users[`"] set [`"]last_seen_at[`"]/i.test(q.sql)) updates += 1;
      };
      node.server.knex.on('query', count);
      const before = Date.now() - 1000;
      await node.server.close();
      closed = true;
      expect(updates).toBeGreaterThan(0);
      expect(updates).toBeLessThan(40); // batched, not one UPDATE per user
      // Read back with a fresh connection: the server's pool is closed.
      const k = createKnex({ databaseUrl: node.config.databaseUrl, dataDir: node.config.dataDir });
      try {
        const rows = (await k('users')
          .whereIn(
            'id',
            users.map((u) => u.id),
          )
          .select('last_seen_at')) as { last_seen_at: Date | string | null }[];
        expect(rows).toHaveLength(40);
        for (const r of rows) expect(new Date(r.last_seen_at ?? 0).getTime()).toBeGreaterThan(before);
      } finally {
        await k.destroy();
      }
    } finally {
      if (!closed) await node.server.close();
      await node.close();
    }
  });
});

describe('membership follows sockets', () => {
  it('an added member receives without reconnecting; a removed one stops at once', async () => {
    const [a, b] = [await t.register(), await t.register()];
    const room = await privateRoom(a);
    const bOwn = await privateRoom(b);
    const ca = await ready(a);
    const cb = await ready(b);
    const created = once(cb.socket, 'room:created');
    expect((await t.api.post(`/api/rooms/${room}/members`).set(a.auth).send({ userId: b.id })).status).toBe(201);
    expect((await created).id).toBe(room);
    const got = once(cb.socket, 'message:new');
    await ca.socket.emitWithAck('message:send', { roomId: room, clientId: 'mf-1', body: 'welcome' });
    expect((await got).body).toBe('welcome');
    const left = once(cb.socket, 'room:member-left');
    expect((await t.api.delete(`/api/rooms/${room}/members/${b.id}`).set(a.auth)).status).toBe(204);
    expect(await left).toEqual({ roomId: room, userId: b.id });
    const after = collect(cb.socket, 'message:new');
    await ca.socket.emitWithAck('message:send', { roomId: room, clientId: 'mf-2', body: 'bye' });
    await sentinel(cb.socket, bOwn);
    expect(after.filter((m) => m.roomId === room)).toEqual([]);
  });

  it('presence: online on first socket, offline with lastSeenAt after the last', async () => {
    const [a, b] = [await t.register(), await t.register()];
    await privateRoom(a, [b]);
    const ca = await ready(a);
    const online = onlineSeen(ca.socket, b.id);
    const cb = await ready(b);
    expect(await online).toMatchObject({ userId: b.id, online: true });
    const users = await t.api.get(`/api/users/${b.id}`).set(a.auth);
    expect(users.body.online).toBe(true);
    const offline = onceWhere(ca.socket, 'presence', (p) => p.userId === b.id && !p.online);
    cb.socket.close();
    const p = await offline;
    expect(p).toMatchObject({ userId: b.id, online: false });
    expect(p.lastSeenAt).not.toBeNull();
  });
});

describe('profile changes', () => {
  it('user:updated reaches the members of the user’s rooms and the user’s own sockets, not strangers', async () => {
    const [a, b, stranger] = [await t.register(), await t.register(), await t.register()];
    await privateRoom(a, [b]);
    const ca = await ready(a);
    const cb = await ready(b);
    const cs = await ready(stranger);
    const strangerGot = collect(cs.socket, 'user:updated');
    const seenByA = onceWhere(ca.socket, 'user:updated', (u) => u.id === b.id);
    const seenByB = onceWhere(cb.socket, 'user:updated', (u) => u.id === b.id);
    expect((await t.api.patch('/api/users/me').set(b.auth).send({ displayName: 'Bee' })).status).toBe(200);
    expect(await seenByA).toMatchObject({ id: b.id, displayName: 'Bee' });
    expect(await seenByB).toMatchObject({ id: b.id, displayName: 'Bee' });
    // Sentinel: the stranger's own change reaches the stranger after anything emitted for b's.
    const own = onceWhere(cs.socket, 'user:updated', (u) => u.id === stranger.id);
    expect((await t.api.patch('/api/users/me').set(stranger.auth).send({ displayName: 'Stranger' })).status).toBe(200);
    await own;
    expect(strangerGot.map((u) => u.id)).toEqual([stranger.id]);
  });
});

describe('revocation', () => {
  it('logout ends exactly that session’s sockets; password change ends the others', async () => {
    const u = await t.register();
    const second = (await t.api.post('/api/auth/login').send({ login: u.username, password: u.password })).body;
    const s1 = await ready(u);
    const s2 = (await connectReady(t.url, second.accessToken)).socket;
    sockets.push(s2);
    const revoked = once(s2, 'session:revoked');
    const s1Events = collect(s1.socket, 'session:revoked');
    expect(
      (
        await t.api
          .post('/api/auth/logout')
          .set({ Authorization: `Bearer ${second.accessToken}` })
          .send({ refreshToken: second.refreshToken })
      ).status,
    ).toBe(204);
    expect(await revoked).toMatchObject({ code: 'LOGGED_OUT' });
    await waitFor(() => s2.disconnected, 5000, 'disconnect');
    expect(s1Events).toEqual([]);
    expect(s1.socket.connected).toBe(true);
    const err = await connectError(t.url, second.accessToken);
    expect(err.message).toBe('LOGGED_OUT');
  });

  it('a disabled account is cut off everywhere', async () => {
    const u = await t.register();
    const c = await ready(u);
    const revoked = once(c.socket, 'session:revoked');
    await t.server.services.auth.setAccountStatus(u.id, 'disabled');
    expect(await revoked).toMatchObject({ code: 'ACCOUNT_DISABLED' });
    await waitFor(() => c.socket.disconnected, 5000, 'disconnect');
  });
});

describe('desktop app origin', () => {
  it('answers CORS for long-polling from app://messenger, and not for a stranger', async () => {
    const ok = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: 'app://messenger' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('app://messenger');
    const evil = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { Origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
  });
});
