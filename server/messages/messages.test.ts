// Messages and history through the REST API: keyset pages, recall, edit, read markers, unread counts,
// idempotent sends and gap-free seq under concurrency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryPage, MyRoom } from '../../protocol/types.js';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.js';
import { clientId, createRoom, expectError, expectStatus, send, sleep } from '../test/expect.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

async function page(user: TestUser, roomId: number, query: Record<string, string | number> = {}): Promise<HistoryPage> {
  const res = await t.api.get(`/api/rooms/${roomId}/messages`).query(query).set(user.auth);
  expectStatus(res, 200);
  return res.body as HistoryPage;
}
const seqs = (p: HistoryPage) => p.messages.map((m) => m.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('history of 250 messages', () => {
  let a: TestUser;
  let b: TestUser;
  let roomId: number;
  beforeAll(async () => {
    [a, b] = await Promise.all([t.register(), t.register()]);
    // seq 1 is the room's "created" system message; the 250 sent take seqs 2..251.
    roomId = (await createRoom(t, a, { memberIds: [b.id] })).id;
    for (let i = 0; i < 250; i += 25) {
      await Promise.all(range(i + 1, i + 25).map((n) => send(t, n % 2 ? a : b, roomId, `message ${n}`)));
    }
  });

  it('newest page: the last 50 in ascending seq, hasMore', async () => {
    const p = await page(b, roomId);
    expect(seqs(p)).toEqual(range(202, 251));
    expect(p.hasMore).toBe(true);
    expect(p.messages[0]).toMatchObject({
      roomId,
      kind: 'text',
      attachment: null,
      replyToId: null,
      editedAt: null,
      deletedAt: null,
      sender: { online: false },
    });
  });

  it('before= walks back to the first message, each exactly once, hasMore false at the end', async () => {
    const seen: number[] = [];
    let before: number | undefined;
    let pages = 0;
    for (;;) {
      const p = await page(b, roomId, before === undefined ? { limit: 40 } : { before, limit: 40 });
      pages++;
      seen.unshift(...seqs(p));
      if (!p.hasMore) break;
      before = p.messages[0]!.seq;
    }
    expect(pages).toBe(7);
    expect(seen).toEqual(range(1, 251));
  });

  it('after= catches up in ascending order', async () => {
    const first = await page(b, roomId, { after: 0, limit: 100 });
    expect(seqs(first)).toEqual(range(1, 100));
    expect(first.hasMore).toBe(true);
    const tail = await page(b, roomId, { after: 201 });
    expect(seqs(tail)).toEqual(range(202, 251));
    expect(tail.hasMore).toBe(false);
    const exact = await page(b, roomId, { after: 151, limit: 100 });
    expect(seqs(exact)).toEqual(range(152, 251));
    expect(exact.hasMore).toBe(false);
    expect(await page(b, roomId, { after: 251 })).toEqual({ messages: [], hasMore: false });
    expect(await page(b, roomId, { after: 100_000 })).toEqual({ messages: [], hasMore: false });
  });

  it('before= edges', async () => {
    expect(await page(b, roomId, { before: 1 })).toEqual({ messages: [], hasMore: false });
    const p = await page(b, roomId, { before: 3 });
    expect(seqs(p)).toEqual([1, 2]);
    expect(p.hasMore).toBe(false);
    const q = await page(b, roomId, { before: 52, limit: 50 });
    expect(seqs(q)).toEqual(range(2, 51));
    expect(q.hasMore).toBe(true);
    expect(seqs(await page(b, roomId, { before: 100_000, limit: 1 }))).toEqual([251]);
  });

  it('limit bounds 1-100, before and after not together', async () => {
    expect(seqs(await page(b, roomId, { limit: 1 }))).toEqual([251]);
    expect(seqs(await page(b, roomId, { limit: 100 }))).toEqual(range(152, 251));
    for (const query of [
      { limit: 0 },
      { limit: 101 },
      { limit: -1 },
      { limit: 1.5 },
      { limit: 'x' },
      { limit: '' },
      { before: -1 },
      { after: 'abc' },
      { before: '1e3' },
      { before: '0x10' },
      { after: '+1' },
      { before: 5, after: 1 },
      { cursor: 3 },
    ]) {
      const res = await t.api.get(`/api/rooms/${roomId}/messages`).query(query).set(b.auth);
      expectError(res, 400, 'VALIDATION_FAILED');
    }
  });

  it('GET /rooms: unreadCount counts others\u2019 messages past the read marker (not the system message)', async () => {
    const rooms = (await t.api.get('/api/rooms').set(b.auth)).body as MyRoom[];
    const mine = rooms.find((r) => r.id === roomId)!;
    expect(mine).toMatchObject({ lastSeq: 251, lastReadSeq: 0, unreadCount: 125, lastMessage: { seq: 251 } });
  });
});

describe('send', () => {
  it('201 with the Message; trimmed and NFC-normalised', async () => {
    const a = await t.register();
    const room = await createRoom(t, a);
    const res = await t.api.post(`/api/rooms/${room.id}/messages`).set(a.auth).send({ clientId: 'x-1', body: '  cafe\u0301  ' });
    expectStatus(res, 201);
    expect(res.body).toMatchObject({
      roomId: room.id,
      seq: 2,
      clientId: 'x-1',
      body: 'caf\u00e9',
      kind: 'text',
      sender: { id: a.id, username: a.username },
    });
    expect(res.body.sender).not.toHaveProperty('email');
    expect(Date.parse(res.body.createdAt)).not.toBeNaN();
  });

  it('the same clientId again: 200 with the same message; in another room: 409; other senders may reuse it', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const room1 = await createRoom(t, a, { memberIds: [b.id] });
    const room2 = await createRoom(t, a);
    const first = await t.api.post(`/api/rooms/${room1.id}/messages`).set(a.auth).send({ clientId: 'same', body: 'one' });
    expectStatus(first, 201);
    const again = await t.api.post(`/api/rooms/${room1.id}/messages`).set(a.auth).send({ clientId: 'same', body: 'different body' });
    expectStatus(again, 200);
    expect(again.body).toEqual(first.body);
    expectError(await t.api.post(`/api/rooms/${room2.id}/messages`).set(a.auth).send({ clientId: 'same', body: 'one' }), 409, 'CONFLICT');
    expectStatus(await t.api.post(`/api/rooms/${room1.id}/messages`).set(b.auth).send({ clientId: 'same', body: 'one' }), 201);
    expect(seqs(await page(a, room1.id))).toEqual([1, 2, 3]);
  });

  it('the same clientId sent 8 times at once yields one message', async () => {
    const a = await t.register();
    const room = await createRoom(t, a);
    const results = await Promise.all(
      range(1, 8).map(() => t.api.post(`/api/rooms/${room.id}/messages`).set(a.auth).send({ clientId: 'burst', body: 'once' })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(seqs(await page(a, room.id))).toEqual([1, 2]);
  });

  it('50 concurrent sends from 5 users give seq exactly 2..51 (after the room-created message)', async () => {
    const users = await Promise.all(range(1, 5).map(() => t.register()));
    const room = await createRoom(t, users[0]!, { memberIds: users.slice(1).map((u) => u.id) });
    const results = await Promise.all(
      range(1, 50).map((n) =>
        t.api
          .post(`/api/rooms/${room.id}/messages`)
          .set(users[n % 5]!.auth)
          .send({ clientId: clientId(), body: `n${n}` }),
      ),
    );
    for (const r of results) expectStatus(r, 201);
    expect(results.map((r) => r.body.seq as number).sort((x, y) => x - y)).toEqual(range(2, 51));
    const history = await page(users[0]!, room.id, { limit: 100 });
    expect(seqs(history)).toEqual(range(1, 51));
    expect(new Set(history.messages.map((m) => m.id)).size).toBe(51);
    expect((await t.api.get(`/api/rooms/${room.id}`).set(users[0]!.auth)).body.lastSeq).toBe(51);
  });

  it('replyToId must be a message of the same room', async () => {
    const a = await t.register();
    const room = await createRoom(t, a);
    const other = await createRoom(t, a);
    const original = await send(t, a, room.id);
    const foreign = await send(t, a, other.id);
    const reply = await t.api
      .post(`/api/rooms/${room.id}/messages`)
      .set(a.auth)
      .send({ clientId: clientId(), body: 're', replyToId: original.id });
    expectStatus(reply, 201);
    expect(reply.body.replyToId).toBe(original.id);
    expectError(
      await t.api.post(`/api/rooms/${room.id}/messages`).set(a.auth).send({ clientId: clientId(), body: 're', replyToId: foreign.id }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await t.api.post(`/api/rooms/${room.id}/messages`).set(a.auth).send({ clientId: clientId(), body: 're', replyToId: 999_999_999 }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('body limits: 1-4000 code points after trimming (4000 emoji fit)', async () => {
    const a = await t.register();
    const room = await createRoom(t, a);
    const big = await t.api
      .post(`/api/rooms/${room.id}/messages`)
      .set(a.auth)
      .send({ clientId: clientId(), body: '😀'.repeat(4000) });
    expectStatus(big, 201);
    expect(big.body.body).toBe('😀'.repeat(4000));
    for (const body of ['', '   ', 'x'.repeat(4001), 42, null]) {
      expectError(
        await t.api.post(`/api/rooms/${room.id}/messages`).set(a.auth).send({ clientId: clientId(), body }),
        400,
        'VALIDATION_FAILED',
      );
    }
    for (const id of ['', 'has space', 'x'.repeat(65), 7]) {
      expectError(
        await t.api.post(`/api/rooms/${room.id}/messages`).set(a.auth).send({ clientId: id, body: 'ok' }),
        400,
        'VALIDATION_FAILED',
      );
    }
    expectError(
      await t.api.post(`/api/rooms/${room.id}/messages`).set(a.auth).send({ clientId: clientId(), body: 'ok', kind: 'system' }),
      400,
      'VALIDATION_FAILED',
    );
  });
});

describe('edit and recall', () => {
  it('edit sets editedAt and shows in history; only the sender; not after recall', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, a, { memberIds: [b.id] });
    const m = await send(t, b, room.id, 'typo');
    const edited = await t.api.patch(`/api/messages/${m.id}`).set(b.auth).send({ body: 'fixed' });
    expectStatus(edited, 200);
    expect(edited.body).toMatchObject({ id: m.id, seq: m.seq, body: 'fixed', deletedAt: null });
    expect(Date.parse(edited.body.editedAt)).toBeGreaterThanOrEqual(Date.parse(m.createdAt));
    expect((await page(a, room.id)).messages.at(-1)).toMatchObject({ id: m.id, body: 'fixed', editedAt: edited.body.editedAt });
    expectError(await t.api.patch(`/api/messages/${m.id}`).set(a.auth).send({ body: 'owner edit' }), 403, 'FORBIDDEN');
    expectError(await t.api.patch(`/api/messages/${m.id}`).set(b.auth).send({ body: '' }), 400, 'VALIDATION_FAILED');
    expectStatus(await t.api.delete(`/api/messages/${m.id}`).set(b.auth), 200);
    expectError(await t.api.patch(`/api/messages/${m.id}`).set(b.auth).send({ body: 'again' }), 409, 'CONFLICT');
  });

  it('a recalled message keeps id and seq, with body "" and deletedAt; recalling twice is harmless', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, a, { memberIds: [b.id] });
    await send(t, b, room.id, 'one');
    const m = await send(t, b, room.id, 'secret');
    await send(t, a, room.id, 'three');
    const recalled = await t.api.delete(`/api/messages/${m.id}`).set(a.auth); // owner recalls someone else's
    expectStatus(recalled, 200);
    expect(recalled.body).toMatchObject({ id: m.id, seq: 3, body: '', attachment: null });
    expect(recalled.body.deletedAt).toEqual(expect.any(String));
    const h = await page(b, room.id);
    expect(seqs(h)).toEqual([1, 2, 3, 4]);
    expect(h.messages[2]).toMatchObject({ id: m.id, body: '', deletedAt: recalled.body.deletedAt });
    expect((await t.api.get(`/api/messages/${m.id}`).set(b.auth)).body).toMatchObject({ id: m.id, body: '' });
    const twice = await t.api.delete(`/api/messages/${m.id}`).set(b.auth);
    expectStatus(twice, 200);
    expect(twice.body.deletedAt).toBe(recalled.body.deletedAt);
    expectError(await t.api.delete('/api/messages/999999999').set(b.auth), 404, 'NOT_FOUND');
  });

  it('only the sender or an owner/admin may recall: a plain member may not recall someone else\u2019s message', async () => {
    const [owner, admin, member, other] = await Promise.all([t.register(), t.register(), t.register(), t.register()]);
    const room = await createRoom(t, owner, { memberIds: [admin.id, member.id, other.id] });
    expectStatus(await t.api.patch(`/api/rooms/${room.id}/members/${admin.id}`).set(owner.auth).send({ role: 'admin' }), 200);
    const first = await send(t, other, room.id, 'not yours to recall');
    expectError(await t.api.delete(`/api/messages/${first.id}`).set(member.auth), 403, 'FORBIDDEN');
    expect((await page(other, room.id)).messages.find((m) => m.id === first.id)).toMatchObject({
      body: 'not yours to recall',
      deletedAt: null,
    });
    expect((await t.api.delete(`/api/messages/${first.id}`).set(admin.auth)).body).toMatchObject({ id: first.id, body: '' });
    const second = await send(t, owner, room.id, 'the owner\u2019s own');
    expectError(await t.api.delete(`/api/messages/${second.id}`).set(member.auth), 403, 'FORBIDDEN');
    expectStatus(await t.api.delete(`/api/messages/${second.id}`).set(owner.auth), 200);
  });
});

describe('room list and read markers', () => {
  it('GET /rooms sorts by activity and carries lastMessage and unreadCount', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const older = await createRoom(t, a, { name: 'older', memberIds: [b.id] });
    await sleep(5);
    const newer = await createRoom(t, a, { name: 'newer', memberIds: [b.id] });
    let list = (await t.api.get('/api/rooms').set(b.auth)).body as MyRoom[];
    expect(list.map((r) => r.id)).toEqual([newer.id, older.id]);
    expect(list[0]).toMatchObject({ unreadCount: 0, lastMessage: { seq: 1, kind: 'system', system: { event: 'room-created' } } });
    await sleep(5);
    await send(t, a, older.id, 'first');
    await send(t, a, older.id, 'second');
    await send(t, b, older.id, 'mine');
    list = (await t.api.get('/api/rooms').set(b.auth)).body as MyRoom[];
    expect(list.map((r) => r.id)).toEqual([older.id, newer.id]);
    expect(list[0]).toMatchObject({ unreadCount: 2, lastSeq: 4, lastMessage: { seq: 4, body: 'mine', sender: { id: b.id } } });
    // Sending does not move the sender's own marker; their own messages are not unread.
    const forA = ((await t.api.get('/api/rooms').set(a.auth)).body as MyRoom[]).find((r) => r.id === older.id)!;
    expect(forA).toMatchObject({ lastReadSeq: 0, unreadCount: 1 });
    await sleep(5);
    await send(t, b, newer.id, 'now newer');
    list = (await t.api.get('/api/rooms').set(a.auth)).body as MyRoom[];
    expect(list.map((r) => r.id)).toEqual([newer.id, older.id]);
  });

  it('a recalled message is no longer unread, and a removed member cannot replay a clientId there', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, a, { memberIds: [b.id] });
    const gone = await send(t, a, room.id, 'oops');
    await send(t, a, room.id, 'kept');
    expect(((await t.api.get('/api/rooms').set(b.auth)).body as MyRoom[])[0]).toMatchObject({ unreadCount: 2 });
    expectStatus(await t.api.delete(`/api/messages/${gone.id}`).set(a.auth), 200);
    expect(((await t.api.get('/api/rooms').set(b.auth)).body as MyRoom[])[0]).toMatchObject({ unreadCount: 1 });
    const mine = await t.api.post(`/api/rooms/${room.id}/messages`).set(b.auth).send({ clientId: 'replay-1', body: 'before leaving' });
    expectStatus(mine, 201);
    expectStatus(await t.api.post(`/api/rooms/${room.id}/leave`).set(b.auth), 204);
    expectError(
      await t.api.post(`/api/rooms/${room.id}/messages`).set(b.auth).send({ clientId: 'replay-1', body: 'before leaving' }),
      404,
      'NOT_FOUND',
    );
  });

  it('PUT read moves forward only and clamps to lastSeq', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, a, { memberIds: [b.id] });
    // seq 1 is the room-created system message, m0..m4 are seqs 2..6.
    for (let i = 0; i < 5; i++) await send(t, a, room.id, `m${i}`);
    const read = (seq: number) => t.api.put(`/api/rooms/${room.id}/read`).set(b.auth).send({ seq });
    // One's own messages are never unread, in this answer as in the room list.
    await send(t, b, room.id, 'my own, seq 7');
    await send(t, a, room.id, 'seq 8');
    let res = await read(4);
    expectStatus(res, 200);
    expect(res.body).toEqual({ lastReadSeq: 4, unreadCount: 3 });
    let mine = ((await t.api.get('/api/rooms').set(b.auth)).body as MyRoom[]).find((r) => r.id === room.id)!;
    expect(mine).toMatchObject({ lastReadSeq: 4, unreadCount: 3 });
    res = await read(1);
    expect(res.body).toEqual({ lastReadSeq: 4, unreadCount: 3 });
    res = await read(1_000_000);
    expect(res.body).toEqual({ lastReadSeq: 8, unreadCount: 0 });
    await send(t, a, room.id, 'm9');
    mine = ((await t.api.get('/api/rooms').set(b.auth)).body as MyRoom[]).find((r) => r.id === room.id)!;
    expect(mine).toMatchObject({ lastReadSeq: 8, unreadCount: 1, lastSeq: 9 });
    expect((await read(0)).body).toEqual({ lastReadSeq: 8, unreadCount: 1 });
    for (const seq of [-1, 1.5, '3', null])
      expectError(await t.api.put(`/api/rooms/${room.id}/read`).set(b.auth).send({ seq }), 400, 'VALIDATION_FAILED');
  });

  it('GET /rooms/:id/messages after a member left: 404 for a private room', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, a, { memberIds: [b.id] });
    await send(t, a, room.id);
    expectStatus(await t.api.post(`/api/rooms/${room.id}/leave`).set(b.auth), 204);
    expectError(await t.api.get(`/api/rooms/${room.id}/messages`).set(b.auth), 404, 'NOT_FOUND');
    expectError(await t.api.post(`/api/rooms/${room.id}/messages`).set(b.auth).send({ clientId: clientId(), body: 'x' }), 404, 'NOT_FOUND');
  });
});
