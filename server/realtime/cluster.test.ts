// Two server processes sharing one MariaDB database and one Redis: everything crosses nodes.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../client/api.js';
import type { AuthResult } from '../../protocol/types.js';
import { baseMysqlUrl, testEnv, uniqueName } from '../test/harness.js';
import { spawnServer, type ServerProcess } from '../test/processes.js';
import { collect, connectError, connectReady, once, onceWhere, onlineSeen, waitFor, type ClientSocket } from '../test/sockets.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe.skipIf(!baseMysqlUrl)('two nodes (MariaDB + Redis)', () => {
  let nodes: ServerProcess[] = [];
  let cleanup: () => Promise<void>;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    const t = testEnv({ REDIS_URL, REDIS_PREFIX: `test-${randomBytes(4).toString('hex')}`, LOG_LEVEL: 'warn' });
    cleanup = t.cleanup;
    // Both start at once: knex's migration lock lets one migrate while the other waits.
    nodes = await Promise.all([spawnServer(t.env), spawnServer(t.env)]);
  }, 90_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
    await cleanup?.();
  });

  async function register(node: ServerProcess): Promise<AuthResult & { api: ApiClient }> {
    const name = uniqueName('n');
    const auth = await new ApiClient({ serverUrl: node.url }).register({
      username: name,
      email: `${name}@example.test`,
      password: 'correct horse battery',
    });
    return { ...auth, api: new ApiClient({ serverUrl: node.url, getAccessToken: () => Promise.resolve(auth.accessToken) }) };
  }

  async function connect(node: ServerProcess, auth: AuthResult) {
    const c = await connectReady(node.url, auth.accessToken);
    sockets.push(c.socket);
    return c.socket;
  }

  it('messages, membership, presence and revocation cross nodes', async () => {
    const [n1, n2] = nodes as [ServerProcess, ServerProcess];
    const a = await register(n1);
    const b = await register(n2);
    const c = await register(n2);
    const room = await a.api.createRoom({ name: 'cluster', visibility: 'private', memberIds: [b.user.id] });
    const sa = await connect(n1, a);
    const cameOnline = onlineSeen(sa, b.user.id, 10_000);
    const sb = await connect(n2, b);
    expect(await cameOnline).toMatchObject({ userId: b.user.id, online: true });
    expect((await a.api.user(b.user.id)).online).toBe(true);

    const toB = onceWhere(sb, 'message:new', (m) => m.body === 'from node 1');
    const ack = await sa.emitWithAck('message:send', { roomId: room.id, clientId: 'x1', body: 'from node 1' });
    expect(ack.ok).toBe(true);
    expect((await toB).body).toBe('from node 1');
    const toA = onceWhere(sa, 'message:new', (m) => m.body === 'from node 2');
    await sb.emitWithAck('message:send', { roomId: room.id, clientId: 'x2', body: 'from node 2' });
    // seq 1 is the room-created system message, 2 the message from node 1.
    expect(await toA).toMatchObject({ body: 'from node 2', seq: 3 });

    // c is on node 2; a adds c through node 1: c's socket joins the room without reconnecting.
    const withC = await a.api.createRoom({ name: 'a and c', visibility: 'private', memberIds: [c.user.id] });
    const sc = await connect(n2, c);
    const created = once(sc, 'room:created', 10_000);
    await a.api.addMember(room.id, c.user.id);
    expect((await created).id).toBe(room.id);
    const toC = onceWhere(sc, 'message:new', (m) => m.body === 'welcome c');
    await sa.emitWithAck('message:send', { roomId: room.id, clientId: 'x3', body: 'welcome c' });
    expect((await toC).body).toBe('welcome c');

    // c leaves through node 1's REST: c's node-2 socket stops receiving.
    const cApiOn1 = new ApiClient({ serverUrl: n1.url, getAccessToken: () => Promise.resolve(c.accessToken) });
    const left = once(sc, 'room:member-left', 10_000);
    await cApiOn1.leave(room.id);
    await left;
    const afterLeave = collect(sc, 'message:new');
    await sa.emitWithAck('message:send', { roomId: room.id, clientId: 'x4', body: 'c is gone' });
    // Sentinel: a later message in another room of c's travels the same ordered stream, so it arrives behind anything
    // node 2 could have delivered for 'c is gone'.
    const sentinel = onceWhere(sc, 'message:new', (m) => m.body === 'sentinel');
    await sa.emitWithAck('message:send', { roomId: withC.id, clientId: 'x5', body: 'sentinel' });
    await sentinel;
    expect(afterLeave.filter((m) => m.roomId === room.id)).toEqual([]);

    // b logs out through node 1: b's socket on node 2 is told and disconnected.
    const revoked = once(sb, 'session:revoked', 10_000);
    const offline = onceWhere(sa, 'presence', (p) => p.userId === b.user.id && !p.online, 10_000);
    const bApiOn1 = new ApiClient({ serverUrl: n1.url, getAccessToken: () => Promise.resolve(b.accessToken) });
    await bApiOn1.logout(b.refreshToken);
    expect(await revoked).toMatchObject({ code: 'LOGGED_OUT' });
    await waitFor(() => sb.disconnected, 10_000, 'b disconnected');
    expect(await offline).toMatchObject({ userId: b.user.id, online: false });
    expect((await connectError(n2.url, b.accessToken)).message).toBe('LOGGED_OUT');
  }, 60_000);
});
