// Group commit: a burst into one room shares transactions, and still yields one message per clientId, gap-free seqs,
// and the right answer for duplicates and non-members mixed into the same burst.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../protocol/types.js';
import { dialectName, startTestServer, type TestServer } from '../test/harness.js';
import { createRoom, expectError } from '../test/expect.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

describe('group commit', () => {
  it('a burst of 60 sends is written in fewer transactions than messages, seq 1..60', async () => {
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
      expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
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
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  });
});
