// Presence in a reconnect storm: users coming online together are announced to their rooms in one `presence:many`
// (after the first, which goes out at once as `presence`), and the client module hands each of them to the app as a
// `presence` event. The storm is made by stalling the server's only database connection while ten members connect,
// so their set-ups all finish the moment it is released.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../client/realtime.js';
import { createRoom } from '../test/expect.js';
import { startTestServer, type TestServer, type TestUser } from '../test/harness.js';
import { collect, connectReady, connectSocket, tokenSource, waitFor, type ClientSocket } from '../test/sockets.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ DB_POOL_MAX: '1', SOCKET_SETUP_TIMEOUT_MS: '60000' });
});
afterAll(async () => {
  await t?.close();
});

async function setupsRunning(): Promise<number> {
  const g = await t.server.metrics.socketSetups.get();
  return g.values.find((v) => v.labels['state'] === 'running')?.value ?? 0;
}

describe('presence when many come online at once', () => {
  it('announces them in one presence:many per room, and the client unfolds it into presence events', async () => {
    const watcher = await t.register();
    const members: TestUser[] = [];
    for (let i = 0; i < 10; i++) members.push(await t.register());
    await createRoom(t, watcher, { visibility: 'private', memberIds: members.map((m) => m.id) });

    const raw = await connectReady(t.url, watcher.accessToken);
    const single = collect(raw.socket, 'presence');
    const many = collect(raw.socket, 'presence:many');
    const client = new RealtimeClient({
      serverUrl: t.url,
      getAccessToken: tokenSource(t.url, watcher),
      socketOptions: { transports: ['websocket'], forceNew: true },
    });
    const seen = new Set<number>();
    client.on('presence', (p) => {
      if (p.online) seen.add(p.userId);
    });
    client.connect();
    await waitFor(() => client.state === 'online', 15_000, 'the watcher online');

    const trx = await t.server.knex.transaction();
    const sockets: ClientSocket[] = [];
    try {
      for (const m of members) sockets.push(connectSocket(t.url, m.accessToken));
      const deadline = Date.now() + 15_000;
      while ((await setupsRunning()) < members.length) {
        if (Date.now() > deadline) throw new Error('timed out waiting for all ten set-ups to wait on the database');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await trx.commit();
    }
    const ids = new Set(members.map((m) => m.id));
    await waitFor(() => [...ids].every((id) => seen.has(id)), 15_000, 'presence of all ten through the client');
    const announced = [...single.filter((p) => p.online).map((p) => p.userId), ...many.flatMap((b) => b.users.map((u) => u.userId))];
    expect(new Set(announced.filter((id) => ids.has(id)))).toEqual(ids);
    expect(many.length).toBeGreaterThan(0);
    expect(single.filter((p) => ids.has(p.userId)).length + many.length).toBeLessThan(members.length);
    client.close();
    raw.socket.close();
    for (const s of sockets) s.close();
  }, 60_000);
});
