// The client module against a real server: outbox across a client restart, token refresh on expiry, gap catch-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../protocol/types.js';
import { roomRoom, userRoom } from '../server/realtime/gateway.js';
import { startTestServer, type TestServer } from '../server/test/harness.js';
import { tokenSource, waitFor } from '../server/test/sockets.js';
import { ApiClient } from './api.js';
import { RealtimeClient, type OutboxEntry, type OutboxStore } from './realtime.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ ACCESS_TOKEN_TTL: '3s' });
});
afterAll(async () => {
  await t?.close();
});

function memoryStore(): OutboxStore & { entries: OutboxEntry[] } {
  const store = {
    entries: [] as OutboxEntry[],
    load: () => store.entries.map((e) => ({ ...e })),
    save: (entries: OutboxEntry[]) => {
      store.entries = entries.map((e) => ({ ...e }));
    },
  };
  return store;
}

const fast = { transports: ['websocket'], reconnectionDelay: 100, reconnectionDelayMax: 500 };

describe('RealtimeClient', () => {
  it('keeps unsent messages in its store across a client restart and sends them once', async () => {
    const a = await t.register();
    const room = (await t.api.post('/api/rooms').set(a.auth).send({ name: 'outbox', visibility: 'private' })).body.id as number;
    const store = memoryStore();
    // First client never reaches the server (wrong port): its sends wait in the outbox.
    const offline = new RealtimeClient({
      serverUrl: 'http://127.0.0.1:9',
      getAccessToken: tokenSource(t.url, a),
      outboxStore: store,
      socketOptions: fast,
    });
    offline.connect();
    offline.send(room, 'written offline 1');
    offline.send(room, 'written offline 2');
    expect(store.entries.map((e) => e.body)).toEqual(['written offline 1', 'written offline 2']);
    offline.close();

    const online = new RealtimeClient({ serverUrl: t.url, getAccessToken: tokenSource(t.url, a), outboxStore: store, socketOptions: fast });
    const got: Message[] = [];
    online.on('message', (m) => got.push(m));
    online.connect();
    await waitFor(() => store.entries.length === 0, 10_000, 'outbox drained');
    const history = await online.api.history(room);
    expect(history.messages.filter((m) => m.kind === 'text').map((m) => m.body)).toEqual(['written offline 1', 'written offline 2']);
    online.close();
  });

  it('refreshes an expiring token and stays connected through it', async () => {
    const [a, b] = [await t.register(), await t.register()];
    const room = (
      await t.api
        .post('/api/rooms')
        .set(a.auth)
        .send({ name: 'ttl', visibility: 'private', memberIds: [b.id] })
    ).body.id as number;
    const client = new RealtimeClient({ serverUrl: t.url, getAccessToken: tokenSource(t.url, b), socketOptions: fast });
    const got: Message[] = [];
    const ended: string[] = [];
    client.on('message', (m) => got.push(m));
    client.on('session:ended', (e) => ended.push(e.code));
    client.connect();
    await waitFor(() => client.state === 'online', 5000, 'online');
    const sender = new ApiClient({ serverUrl: t.url, getAccessToken: tokenSource(t.url, a) });
    // Outlive two access tokens (3 s each) while messages keep coming.
    for (let i = 0; i < 8; i++) {
      await sender.send(room, { clientId: `ttl-${i}`, body: `tick ${i}` });
      await new Promise((r) => setTimeout(r, 900));
    }
    await waitFor(() => got.length === 8, 10_000, 'messages');
    expect(ended).toEqual([]);
    // seq 1 is the room-created system message, from before the client connected.
    expect(got.map((m) => m.seq)).toEqual(Array.from({ length: got.length }, (_, i) => i + 2));
    client.close();
  });

  it('fills a gap it missed while disconnected, without duplicates', async () => {
    const [a, b] = [await t.register(), await t.register()];
    const room = (
      await t.api
        .post('/api/rooms')
        .set(a.auth)
        .send({ name: 'gap', visibility: 'private', memberIds: [b.id] })
    ).body.id as number;
    const client = new RealtimeClient({ serverUrl: t.url, getAccessToken: tokenSource(t.url, b), socketOptions: fast });
    const got: Message[] = [];
    client.on('message', (m) => got.push(m));
    client.connect();
    await waitFor(() => client.state === 'online', 5000, 'online');
    const fresh = {
      Authorization: `Bearer ${(await t.api.post('/api/auth/login').send({ login: a.username, password: a.password })).body.accessToken}`,
    };
    await t.api.post(`/api/rooms/${room}/messages`).set(fresh).send({ clientId: 'g1', body: 'one' });
    await waitFor(() => got.length === 1, 5000, 'first');
    client.close();
    await t.api.post(`/api/rooms/${room}/messages`).set(fresh).send({ clientId: 'g2', body: 'two' });
    await t.api.post(`/api/rooms/${room}/messages`).set(fresh).send({ clientId: 'g3', body: 'three' });
    client.connect();
    await waitFor(() => got.length === 3, 10_000, 'caught up');
    expect(got.map((m) => m.body)).toEqual(['one', 'two', 'three']);
    client.close();
  });

  it('ends the session with the server’s code: on an open socket, and when a handshake is refused with one', async () => {
    const u = await t.register();
    const other = (await t.api.post('/api/auth/login').send({ login: u.username, password: u.password })).body as {
      accessToken: string;
    };
    // The access token never changes here, so the handshake after the change meets the ended session itself.
    const client = new RealtimeClient({ serverUrl: t.url, getAccessToken: () => Promise.resolve(u.accessToken), socketOptions: fast });
    const ended: string[] = [];
    client.on('session:ended', (e) => ended.push(e.code));
    client.connect();
    await waitFor(() => client.state === 'online', 5000, 'online');
    const changed = await t.api
      .post('/api/users/me/password')
      .set({ Authorization: `Bearer ${other.accessToken}` })
      .send({ currentPassword: u.password, newPassword: 'another good password' });
    expect(changed.status).toBe(204);
    await waitFor(() => ended.length === 1, 5000, 'session:ended');
    expect(ended).toEqual(['PASSWORD_CHANGED']);
    expect(client.state).toBe('offline');

    const late = new RealtimeClient({ serverUrl: t.url, getAccessToken: () => Promise.resolve(u.accessToken), socketOptions: fast });
    const lateEnded: string[] = [];
    late.on('session:ended', (e) => lateEnded.push(e.code));
    late.connect();
    await waitFor(() => lateEnded.length === 1, 5000, 'session:ended on connect');
    expect(lateEnded).toEqual(['PASSWORD_CHANGED']);
  });

  it('a live message past a seq gap is held back until the missing one is fetched, then both in order', async () => {
    const [a, b] = [await t.register(), await t.register()];
    const room = (
      await t.api
        .post('/api/rooms')
        .set(a.auth)
        .send({ name: 'live gap', visibility: 'private', memberIds: [b.id] })
    ).body.id as number;
    const client = new RealtimeClient({ serverUrl: t.url, getAccessToken: tokenSource(t.url, b), socketOptions: fast });
    const got: Message[] = [];
    client.on('message', (m) => got.push(m));
    client.connect();
    await waitFor(() => client.state === 'online', 5000, 'online');
    const sendAs = async (clientId: string, body: string) => {
      const res = await t.api.post(`/api/rooms/${room}/messages`).set(a.auth).send({ clientId, body });
      expect(res.status).toBe(201);
    };
    await sendAs('lg1', 'one');
    await waitFor(() => got.length === 1, 5000, 'first');
    // The broadcast of 'two' is lost on its way while the socket stays connected (as between nodes when the adapter
    // drops a message): the socket is out of the room for exactly that one.
    t.server.io.in(userRoom(b.id)).socketsLeave(roomRoom(room));
    await sendAs('lg2', 'two');
    t.server.io.in(userRoom(b.id)).socketsJoin(roomRoom(room));
    await sendAs('lg3', 'three');
    await waitFor(() => got.length >= 3, 10_000, 'the gap filled');
    // seq 1 is the room-created system message, from before the client connected.
    expect(got.map((m) => [m.seq, m.body])).toEqual([
      [2, 'one'],
      [3, 'two'],
      [4, 'three'],
    ]);
    client.close();
  });

  it('surfaces read receipts one member at a time, whether the server sent one or a batch, never its own', async () => {
    const users = await Promise.all([t.register(), t.register(), t.register(), t.register()]);
    const [owner, ...readers] = users as [(typeof users)[0], ...(typeof users)[0][]];
    const room = (
      await t.api
        .post('/api/rooms')
        .set(owner.auth)
        .send({ name: 'receipts', visibility: 'private', memberIds: readers.map((r) => r.id) })
    ).body.id as number;
    const sent = await t.api.post(`/api/rooms/${room}/messages`).set(owner.auth).send({ clientId: 'rc-1', body: 'read me' });
    const watcher = new RealtimeClient({ serverUrl: t.url, getAccessToken: tokenSource(t.url, owner), socketOptions: fast });
    const seen: { userId: number; lastReadSeq: number }[] = [];
    watcher.on('room:member-read', (p) => {
      if (p.roomId === room) seen.push({ userId: p.userId, lastReadSeq: p.lastReadSeq });
    });
    watcher.connect();
    await waitFor(() => watcher.state === 'online', 5000, 'online');
    const clients = readers.map(
      (r) => new RealtimeClient({ serverUrl: t.url, getAccessToken: tokenSource(t.url, r), socketOptions: fast }),
    );
    for (const c of clients) c.connect();
    await waitFor(() => clients.every((c) => c.state === 'online'), 5000, 'readers online');
    await Promise.all(clients.map((c) => c.markRead(room, sent.body.seq as number)));
    await waitFor(() => seen.length === readers.length, 5000, 'receipts');
    expect(seen.map((s) => s.userId).sort((x, y) => x - y)).toEqual(readers.map((r) => r.id).sort((x, y) => x - y));
    expect(seen.every((s) => s.lastReadSeq === sent.body.seq)).toBe(true);
    // The watcher's own read comes back to it as room:read only; a reader's receipt about it is the sentinel.
    const back = new Promise<void>((resolve) => clients[0]!.on('room:member-read', (p) => p.userId === owner.id && resolve()));
    await watcher.markRead(room, sent.body.seq as number);
    await back;
    expect(seen.some((s) => s.userId === owner.id)).toBe(false);
    for (const c of [watcher, ...clients]) c.close();
  });
});
