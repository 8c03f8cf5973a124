// SIGTERM while clients are sending: the server exits within 10 s and every message it acked is in the database.
import knexFactory from 'knex';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../client/api.js';
import type { AuthResult } from '../../protocol/types.js';
import { mysqlConnection } from '../db/knex.js';
import { testEnv, uniqueName } from '../test/harness.js';
import { spawnServer, type ServerProcess } from '../test/processes.js';
import { connectReady, type ClientSocket } from '../test/sockets.js';

let env: NodeJS.ProcessEnv;
let cleanup: () => Promise<void>;
let server: ServerProcess;

beforeAll(async () => {
  ({ env, cleanup } = testEnv({ LOG_LEVEL: 'warn' }));
  server = await spawnServer(env);
}, 60_000);
afterAll(async () => {
  await server?.kill('SIGKILL');
  await cleanup?.();
});

function openDb() {
  return env['DATABASE_URL']
    ? knexFactory({ client: 'mysql2', connection: mysqlConnection(env['DATABASE_URL']) })
    : knexFactory({
        client: 'better-sqlite3',
        connection: { filename: path.join(env['DATA_DIR']!, 'messenger.sqlite') },
        useNullAsDefault: true,
      });
}

describe('graceful shutdown', () => {
  it('loses no acked message and exits within 10 s', async () => {
    const api = new ApiClient({ serverUrl: server.url });
    const users: AuthResult[] = [];
    for (let i = 0; i < 5; i++) {
      const name = uniqueName('g');
      users.push(await api.register({ username: name, email: `${name}@example.test`, password: 'correct horse battery' }));
    }
    const owner = new ApiClient({ serverUrl: server.url, getAccessToken: () => Promise.resolve(users[0]!.accessToken) });
    const room = await owner.createRoom({ name: 'shutdown', visibility: 'private', memberIds: users.slice(1).map((u) => u.user.id) });
    const sockets: ClientSocket[] = [];
    for (const u of users) sockets.push((await connectReady(server.url, u.accessToken)).socket);

    const acked: number[] = [];
    const refused: string[] = [];
    let stop = false;
    const senders = sockets.map(async (socket, i) => {
      for (let j = 0; !stop && j < 10_000; j++) {
        try {
          const res = await socket
            .timeout(3000)
            .emitWithAck('message:send', { roomId: room.id, clientId: `g${i}-${j}`, body: `m ${i} ${j}` });
          if (res.ok) acked.push(res.message.id);
          else refused.push(res.error.code);
        } catch {
          return; // disconnected by the shutdown: no ack, so nothing was promised
        }
        if (socket.disconnected) return;
      }
    });
    while (acked.length < 100) await new Promise((r) => setTimeout(r, 10));
    const t0 = Date.now();
    const exitCode = await server.kill('SIGTERM');
    const took = Date.now() - t0;
    stop = true;
    await Promise.all(senders);
    for (const s of sockets) s.close();

    expect(exitCode).toBe(0);
    expect(took).toBeLessThan(10_000);
    expect(refused.every((c) => c === 'SERVICE_UNAVAILABLE')).toBe(true);
    const db = openDb();
    try {
      const rows = (await db('messages').whereIn('id', acked).select('id')) as { id: number }[];
      expect(rows.length).toBe(acked.length);
      const seqs = ((await db('messages').where('room_id', room.id).orderBy('seq').select('seq')) as { seq: number }[]).map((r) =>
        Number(r.seq),
      );
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    } finally {
      await db.destroy();
    }
  }, 60_000);
});
