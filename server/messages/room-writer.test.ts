// Group commit: a burst into one room shares transactions, and still yields one message per clientId, gap-free seqs,
// and the right answer for duplicates and non-members mixed into the same burst.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../protocol/types.js';
import { dialectName, startTestServer, type TestServer } from '../test/harness.js';
import { createRoom, expectError } from '../test/expect.js';
import { MessagesRepository, type NewMessage } from './messages.repository.js';
import { RoomOrder } from './room-order.js';
import { RoomWriter, type WriteOutcome } from './room-writer.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

describe('group commit', () => {
  it('a burst of 60 sends is written in fewer transactions than messages, seq 2..61 (after room-created)', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const room = await createRoom(t, a, { memberIds: [b.id] });
    let inserts = 0;
    const count = (q: { sql: string }) => {
      if (/^insert into [`"]messages[`"]/i.test(q.sql)) inserts += 1;
    };
    t.server.knex.on('query', count);
    try {
      const sends = Array.from({ length: 60 }, (_, i) =>
        t.api
          .post(`/api/rooms/${room.id}/messages`)
          .set((i % 2 ? a : b).auth)
          .send({ clientId: `burst-${i}`, body: `burst ${i}` }),
      );
      const res = await Promise.all(sends);
      expect(res.map((r) => r.status)).toEqual(Array(60).fill(201));
      const seqs = res.map((r) => (r.body as Message).seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 2));
      expect(new Set(res.map((r) => (r.body as Message).id)).size).toBe(60);
    } finally {
      t.server.knex.removeListener('query', count);
    }
    // On MySQL/MariaDB the burst queues behind the first commit and shares the next ones. (SQLite's commits are so
    // cheap that each request's own queries keep the queue empty: one INSERT per message there is fine.)
    if (dialectName === 'mysql') expect(inserts).toBeLessThan(60);
  });

  it('duplicates and a non-member inside one burst are answered one by one', async () => {
    const [a, b, stranger] = await Promise.all([t.register(), t.register(), t.register()]);
    const room = await createRoom(t, a, { memberIds: [b.id] });
    const first = await t.api.post(`/api/rooms/${room.id}/messages`).set(a.auth).send({ clientId: 'earlier', body: 'earlier' });
    const post = (user: typeof a, clientId: string) =>
      t.api.post(`/api/rooms/${room.id}/messages`).set(user.auth).send({ clientId, body: clientId });
    const res = await Promise.all([
      post(a, 'x1'),
      post(a, 'x1'),
      post(stranger, 'x2'),
      post(b, 'x3'),
      post(a, 'earlier'),
      ...Array.from({ length: 10 }, (_, i) => post(b, `fill-${i}`)),
    ]);
    const [d1, d2, s, bx, again] = res;
    expect([d1!.status, d2!.status].sort()).toEqual([200, 201]);
    expect(d1!.body.id).toBe(d2!.body.id);
    expectError(s!, 404, 'NOT_FOUND');
    expect(bx!.status).toBe(201);
    expect(again!.status).toBe(200);
    expect(again!.body.id).toBe(first.body.id);
    const rows = (await t.server.knex('messages').where('room_id', room.id).orderBy('seq').select('seq')) as { seq: number }[];
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 14 }, (_, i) => i + 1)); // room-created + 13
  });
});

describe('group commit across rooms', () => {
  /** A writer on the test server's database with one transaction at a time. */
  function writer() {
    const published: Message[] = [];
    const order = new RoomOrder((m) => published.push(m));
    const statements: string[] = [];
    const log = (q: { sql: string }) => statements.push(q.sql.trim().split(/\s+/)[0]!.toLowerCase());
    const w = new RoomWriter(t.server.knex, new MessagesRepository(t.server.knex), order, { maxTransactions: 1 });
    return { w, order, published, statements, log };
  }
  const text = (roomId: number, senderId: number, clientId: string): NewMessage => ({
    roomId,
    senderId,
    clientId,
    kind: 'text',
    body: clientId,
    replyToId: null,
    attachment: null,
  });

  it('sends waiting in several rooms share one transaction; each room keeps gap-free seqs and true ids', async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const rooms = await Promise.all(Array.from({ length: 6 }, () => createRoom(t, a, { memberIds: [b.id] })));
    const { w, statements, log } = writer();
    t.server.knex.on('query', log);
    let outcomes: WriteOutcome[];
    try {
      // All issued in one tick: they start together, in one transaction.
      outcomes = await Promise.all(
        rooms.flatMap((room, r) => [
          w.write(text(room.id, a.id, `x-${r}-1`)),
          w.write(text(room.id, b.id, `x-${r}-2`)),
          w.write(text(room.id, a.id, `x-${r}-3`)),
        ]),
      );
    } finally {
      t.server.knex.removeListener('query', log);
    }
    expect(outcomes.every((o) => o.kind === 'inserted')).toBe(true);
    const inserts = statements.filter((s) => s === 'insert').length;
    expect(inserts).toBe(1);
    for (const [r, room] of rooms.entries()) {
      const stored = (await t.server
        .knex('messages')
        .where({ room_id: room.id, kind: 'text' })
        .orderBy('seq')
        .select('id', 'seq', 'client_id')) as {
        id: number;
        seq: number;
        client_id: string;
      }[];
      expect(stored.map((m) => [Number(m.seq), m.client_id])).toEqual([
        [2, `x-${r}-1`],
        [3, `x-${r}-2`],
        [4, `x-${r}-3`],
      ]);
      // What the writer answered is what was stored: the same id at the same seq.
      for (const m of stored) {
        const answered = outcomes.find((o) => o.kind === 'inserted' && o.row.client_id === m.client_id);
        expect(answered?.kind === 'inserted' && [Number(answered.row.id), Number(answered.row.seq)]).toEqual([Number(m.id), Number(m.seq)]);
      }
      const room2 = await t.server.knex('rooms').where('id', room.id).first('last_seq');
      expect(Number(room2.last_seq)).toBe(4);
    }
  });

  it('a flood across rooms is split into transactions of bounded size, every room still 1..N', async () => {
    const a = await t.register();
    const rooms = await Promise.all(Array.from({ length: 12 }, () => createRoom(t, a)));
    const { w, statements, log } = writer();
    t.server.knex.on('query', log);
    let outcomes: WriteOutcome[];
    try {
      outcomes = await Promise.all(
        rooms.flatMap((room) => Array.from({ length: 60 }, (_, i) => w.write(text(room.id, a.id, `f-${room.id}-${i}`)))),
      );
    } finally {
      t.server.knex.removeListener('query', log);
    }
    expect(outcomes.filter((o) => o.kind === 'inserted')).toHaveLength(720);
    expect(statements.filter((s) => s === 'insert').length).toBeGreaterThanOrEqual(2); // 720 rows > one transaction's 400
    for (const room of rooms) {
      const seqs = (await t.server.knex('messages').where('room_id', room.id).orderBy('seq').pluck('seq')) as number[];
      expect(seqs.map(Number)).toEqual(Array.from({ length: 61 }, (_, i) => i + 1)); // room-created + 60
    }
  });

  it('a non-member, a duplicate and a deleted room in the same transaction are answered each on their own', async () => {
    const [a, b, stranger] = await Promise.all([t.register(), t.register(), t.register()]);
    const notBobs = await createRoom(t, a); // the lowest id of the lot: its part of the transaction comes first
    const [r1, r2, r3, gone] = await Promise.all([1, 2, 3, 4].map(() => createRoom(t, a, { memberIds: [b.id] })));
    const { w } = writer();
    const stored = await w.write(text(r2!.id, a.id, 'kept'));
    expect(stored.kind).toBe('inserted');
    await t.api.delete(`/api/rooms/${gone!.id}`).set(a.auth).expect(204);
    const outcomes = await Promise.all([
      w.write(text(r1!.id, a.id, 'opener')), // all in one transaction
      w.write(text(r1!.id, stranger.id, 'intruder')),
      w.write(text(r1!.id, b.id, 'fine-1')),
      w.write(text(r2!.id, a.id, 'kept')), // already stored
      w.write(text(r2!.id, a.id, 'fine-2')),
      w.write(text(r3!.id, stranger.id, 'intruder-only')),
      w.write(text(gone!.id, a.id, 'too-late')),
      w.write(text(r3!.id, b.id, 'fine-3')),
      w.write(text(notBobs.id, b.id, 'twin')), // refused: not his room ...
      w.write(text(r3!.id, b.id, 'twin')), // ... so the same clientId in his room is new, not a duplicate
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual([
      'inserted',
      'not-member',
      'inserted',
      'duplicate',
      'inserted',
      'not-member',
      'not-member',
      'inserted',
      'not-member',
      'inserted',
    ]);
    const seqs = async (roomId: number) =>
      (
        (await t.server.knex('messages').where({ room_id: roomId, kind: 'text' }).orderBy('seq').select('seq', 'client_id')) as {
          seq: number;
          client_id: string;
        }[]
      ).map((m) => `${Number(m.seq)}:${m.client_id}`);
    expect(await seqs(r1!.id)).toEqual(['2:opener', '3:fine-1']);
    expect(await seqs(r2!.id)).toEqual(['2:kept', '3:fine-2']);
    expect(await seqs(r3!.id)).toEqual(['2:fine-3', '3:twin']);
    expect(await seqs(notBobs.id)).toEqual([]);
    expect(await seqs(gone!.id)).toEqual([]);
  });

  it("an archived room's members are refused inside a group commit, as on the lone-send path", async () => {
    const [a, b] = await Promise.all([t.register(), t.register()]);
    const [open, archived] = await Promise.all([createRoom(t, a, { memberIds: [b.id] }), createRoom(t, a, { memberIds: [b.id] })]);
    await t.server.knex('rooms').where('id', archived.id).update({ archived: true });
    const { w } = writer();
    const outcomes = await Promise.all([
      w.write(text(open.id, a.id, 'ok-1')), // one transaction for all four
      w.write(text(archived.id, a.id, 'no-1')),
      w.write(text(archived.id, b.id, 'no-2')),
      w.write(text(open.id, b.id, 'ok-2')),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['inserted', 'not-member', 'not-member', 'inserted']);
    expect(await t.server.knex('messages').where({ room_id: archived.id, kind: 'text' }).count({ n: '*' }).first()).toMatchObject({ n: 0 });
  });

  it("a system message is written for a room its actor has left, in the same transaction as members' sends", async () => {
    const [a, b, gone] = await Promise.all([t.register(), t.register(), t.register()]);
    const room = await createRoom(t, a, { memberIds: [b.id] });
    const { w } = writer();
    const outcomes = await Promise.all([
      w.write(text(room.id, b.id, 'before')),
      w.write({
        ...text(room.id, gone.id, 'sys-1'),
        kind: 'system',
        body: '',
        system: { event: 'member-left', userId: gone.id, name: null },
      }),
      w.write(text(room.id, gone.id, 'not-a-member')),
      w.write(text(room.id, b.id, 'after')),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['inserted', 'inserted', 'not-member', 'inserted']);
    const rows = (await t.server.knex('messages').where('room_id', room.id).orderBy('seq').select('seq', 'kind', 'client_id')) as {
      seq: number;
      kind: string;
      client_id: string;
    }[];
    expect(rows.map((r) => `${Number(r.seq)}:${r.kind}:${r.client_id}`).slice(1)).toEqual([
      '2:text:before',
      '3:system:sys-1',
      '4:text:after',
    ]);
  });
});

describe('group commits in disjoint rooms', () => {
  // Its own server: the rooms of this test must be a good part of the rooms table, which is when MySQL and MariaDB
  // would plan the seq UPDATE as a scan and lock every room row it passes.
  let own: TestServer;
  beforeAll(async () => {
    own = await startTestServer();
  });
  afterAll(async () => {
    await own?.close();
  });

  it.runIf(dialectName === 'mysql')("do not wait for each other's commit (no room row outside a transaction's own is locked)", async () => {
    const a = await own.register();
    const rooms = await Promise.all(Array.from({ length: 10 }, () => createRoom(own, a)));
    const repo = new MessagesRepository(own.server.knex);
    const [held, free] = [rooms.slice(0, 5), rooms.slice(5)];
    const trx = await own.server.knex.transaction();
    try {
      // Another group commit's seq reservation, left uncommitted: it holds its five rooms' rows.
      await repo.reserveSeqsMany(new Map(held.map((r) => [r.id, 1])), trx);
      const writer = new RoomWriter(own.server.knex, repo, new RoomOrder(() => undefined), { maxTransactions: 1 });
      const message = (roomId: number, i: number): NewMessage => ({
        roomId,
        senderId: a.id,
        clientId: `free-${roomId}-${i}`,
        kind: 'text',
        body: 'x',
        replyToId: null,
      });
      const written = Promise.all(free.flatMap((r) => [writer.write(message(r.id, 1)), writer.write(message(r.id, 2))]));
      // The bound only turns a hang into a failure: a blocked commit would wait for the lock (50 s by default).
      const outcome = await Promise.race([written, new Promise<'blocked'>((r) => setTimeout(() => r('blocked'), 10_000).unref())]);
      expect(outcome === 'blocked' ? outcome : outcome.map((o) => o.kind)).toEqual(Array(10).fill('inserted'));
    } finally {
      await trx.rollback();
    }
  });
});
